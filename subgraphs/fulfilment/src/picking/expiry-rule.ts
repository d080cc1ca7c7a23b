// The order's expiry rule for picking: how much shelf life a lot must still have to be picked for
// an order. Allocation and scan checks both ask only this; the months come from the rule engine
// (the enabled EXPIRY_CONTROL rule) or the order's own requirement in ERP, whichever is more (see
// server.ts), worked out once per call.

/** Shelf-life goods (brake fluid, coolant, oil, adhesive) keep this many months on leaving when no rule says otherwise. */
export const DEFAULT_MIN_REMAINING_SHELF_LIFE_MONTHS = 6;

export interface ExpiryRuleSku {
  code: string;
  /** ERP Inventory.iShelfLifeMonths; null for goods that do not expire. */
  shelfLifeMonths: number | null;
}

export interface ExpiryRuleOrder {
  erpOrderNo: string;
  customerCode: string;
  /** What the order's rules and the order itself ask of shelf-life goods, in months. */
  minShelfLifeMonths: number;
}

/** Months of shelf life a lot of `sku` must have left, after the day it leaves, to be picked for `order`. */
export function minRemainingShelfLifeMonths(sku: ExpiryRuleSku, order: ExpiryRuleOrder): number {
  return sku.shelfLifeMonths ? order.minShelfLifeMonths : 0;
}
