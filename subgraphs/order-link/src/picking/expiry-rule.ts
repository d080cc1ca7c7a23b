// The order's expiry rule for picking: how much shelf life a lot must still have to be picked for
// an order. One small function on purpose: the rule engine (issue 3) will replace it with the
// customer's and the SKU's own rules; allocation and scan checks both ask only this.

/** Shelf-life goods (brake fluid, coolant, oil, adhesive) must keep this many months on leaving. */
export const DEFAULT_MIN_REMAINING_SHELF_LIFE_MONTHS = 6;

export interface ExpiryRuleSku {
  code: string;
  /** ERP Inventory.iShelfLifeMonths; null for goods that do not expire. */
  shelfLifeMonths: number | null;
}

export interface ExpiryRuleOrder {
  erpOrderNo: string;
  customerCode: string;
}

/** Months of shelf life a lot of `sku` must have left, after the day it leaves, to be picked for `order`. */
export function minRemainingShelfLifeMonths(sku: ExpiryRuleSku, _order: ExpiryRuleOrder): number {
  return sku.shelfLifeMonths ? DEFAULT_MIN_REMAINING_SHELF_LIFE_MONTHS : 0;
}
