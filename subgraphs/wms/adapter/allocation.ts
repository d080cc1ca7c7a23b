// FEFO allocation (first expiry, first out) of an order's lines to the warehouse's stock lots.
//
// Rules, in the order they apply:
//   - A lot offers quantity − lockedQuantity (never below 0): locked stock is already promised or
//     frozen. A lot in a disabled bin (t_location.status 0) offers nothing.
//   - Expiry: a lot is usable only if it expires strictly after asOf + minRemainingShelfLifeMonths
//     (months added as calendar months, clamped to the month's last day: 08-31 + 6 → 02-28).
//     Without a minimum it must still expire after asOf: a lot whose last day is today would reach
//     the customer expired. Expired (expiresOn < asOf) and short-dated lots are reported apart.
//   - Order: dated lots first, earliest expiry first (they have a deadline, undated goods do not);
//     then lots without expiry (non-perishables), oldest batch number first (`202510A` sorts by
//     production month, then letter). Ties: batch number, then the bin nearest the front (floor,
//     aisle, shelf, loc code), so the same input always gives the same picks.
//   - Lines are served in the order given; a line takes as much as it needs from each lot in turn,
//     splitting over several lots when one is not enough. What one line takes, a later line of the
//     same SKU cannot take again.
//   - A line not fully served gets a shortfall with the reason the rest could not be had, and a
//     breakdown of the SKU's units on hand that were not given to it (each unit counted under the
//     first cause that applies: expired, short-dated, disabled bin, locked, taken by earlier lines).
import { addMonths, checkDate } from '../../../common/src/time.js';

export interface OrderLineDemand {
  lineKey: string;
  skuCode: string;
  quantity: number;
}

export interface StockLot {
  skuCode: string;
  batchNo: string;
  /** YYYY-MM-DD; null for goods without shelf life. */
  expiresOn: string | null;
  locCode: string;
  floor: number;
  aisle: number;
  shelf: number;
  quantity: number;
  lockedQuantity: number;
  /** The bin's t_location.status is 1. */
  binUsable: boolean;
}

export interface ExpiryRule {
  /** The day the goods leave, YYYY-MM-DD. */
  asOf: string;
  /** The customer's minimum remaining shelf life; lots expiring within it are not used. */
  minRemainingShelfLifeMonths?: number;
}

export interface LotAllocation {
  batchNo: string;
  locCode: string;
  floor: number;
  aisle: number;
  shelf: number;
  quantity: number;
  expiresOn: string | null;
}

export type ShortfallReason =
  /** Nothing of the SKU on hand. */
  | 'NO_STOCK'
  /** Everything usable on hand went to this line and it is still not enough. */
  | 'INSUFFICIENT_STOCK'
  /** The rest on hand is locked. */
  | 'ONLY_LOCKED'
  /** The rest on hand expires within the minimum remaining shelf life (or today). */
  | 'ONLY_SHORT_DATED'
  /** The rest on hand has expired. */
  | 'ONLY_EXPIRED'
  /** The rest on hand sits in disabled bins. */
  | 'ONLY_IN_UNUSABLE_BINS'
  /** The rest went to earlier lines of the same SKU in this order. */
  | 'TAKEN_BY_EARLIER_LINES'
  /** More than one of the above; see `blocked`. */
  | 'MIXED';

export interface BlockedQuantities {
  expired: number;
  shortDated: number;
  unusableBin: number;
  locked: number;
  takenByEarlierLines: number;
}

export interface Shortfall {
  quantity: number;
  reason: ShortfallReason;
  /** Units of the SKU on hand that this line could not have, by cause. */
  blocked: BlockedQuantities;
}

export interface LineAllocation {
  lineKey: string;
  skuCode: string;
  requested: number;
  allocated: number;
  allocations: LotAllocation[];
  shortfall: Shortfall | null;
}

export interface AllocationResult {
  lines: LineAllocation[];
  /** Every line fully allocated. */
  complete: boolean;
}

type LotState = 'EXPIRED' | 'SHORT_DATED' | 'UNUSABLE_BIN' | 'OK';

/** Where a lot stands under the rule: the first cause that keeps it from being picked, or OK. */
export function lotState(lot: Pick<StockLot, 'expiresOn' | 'binUsable'>, rule: ExpiryRule): LotState {
  checkDate(rule.asOf, 'asOf');
  return stateUnder(lot, rule.asOf, addMonths(rule.asOf, rule.minRemainingShelfLifeMonths ?? 0));
}

/** lotState with the rule's dates worked out once for many lots. */
function stateUnder(lot: Pick<StockLot, 'expiresOn' | 'binUsable'>, asOf: string, shortDatedUpTo: string): LotState {
  if (lot.expiresOn !== null) {
    const expires = checkDate(lot.expiresOn, 'expiresOn');
    if (expires < asOf) return 'EXPIRED';
    if (expires <= shortDatedUpTo) return 'SHORT_DATED';
  }
  return lot.binUsable ? 'OK' : 'UNUSABLE_BIN';
}

/** FEFO: earliest expiry first, undated after dated, then oldest batch, then the nearest bin. */
export function compareFefo(a: StockLot, b: StockLot): number {
  if (a.expiresOn !== b.expiresOn) {
    if (a.expiresOn === null) return 1;
    if (b.expiresOn === null) return -1;
    return a.expiresOn < b.expiresOn ? -1 : 1;
  }
  // Plain code-unit comparison: localeCompare would depend on the server's locale.
  if (a.batchNo !== b.batchNo) return a.batchNo < b.batchNo ? -1 : 1;
  return a.floor - b.floor || a.aisle - b.aisle || a.shelf - b.shelf || (a.locCode < b.locCode ? -1 : a.locCode > b.locCode ? 1 : 0);
}

const count = (n: number) => (Number.isFinite(n) ? Math.max(0, Math.trunc(n)) : 0);

/** Allocates `lines` in order against `lots`; pure: the inputs are not changed. */
export function allocateFefo(lines: readonly OrderLineDemand[], lots: readonly StockLot[], rule: ExpiryRule): AllocationResult {
  checkDate(rule.asOf, 'asOf');
  const minMonths = rule.minRemainingShelfLifeMonths ?? 0;
  if (!Number.isInteger(minMonths) || minMonths < 0) throw new RangeError(`minRemainingShelfLifeMonths must be a non-negative integer, got ${minMonths}`);
  const keys = new Set<string>();
  for (const line of lines) {
    if (keys.has(line.lineKey)) throw new RangeError(`allocation: line ${JSON.stringify(line.lineKey)} appears twice`);
    keys.add(line.lineKey);
    if (!Number.isInteger(line.quantity) || line.quantity <= 0) throw new RangeError(`allocation: line ${JSON.stringify(line.lineKey)} wants ${line.quantity}; a positive integer is needed`);
  }
  for (const lot of lots) {
    if (!Number.isFinite(lot.quantity) || !Number.isFinite(lot.lockedQuantity)) throw new RangeError(`allocation: lot ${lot.skuCode}/${lot.batchNo}@${lot.locCode} has a quantity that is not a number`);
  }

  // Per lot: on hand, locked, what is still free to take, and why it cannot be taken at all.
  const shortDatedUpTo = addMonths(rule.asOf, minMonths);
  const stock = [...lots]
    .map((lot) => {
      const onHand = count(lot.quantity);
      const locked = Math.min(count(lot.lockedQuantity), onHand);
      return { lot, onHand, locked, free: onHand - locked, state: stateUnder(lot, rule.asOf, shortDatedUpTo), takenBy: new Map<string, number>() };
    })
    .sort((a, b) => (a.lot.skuCode < b.lot.skuCode ? -1 : a.lot.skuCode > b.lot.skuCode ? 1 : compareFefo(a.lot, b.lot)));
  const bySku = new Map<string, typeof stock>();
  for (const s of stock) {
    const list = bySku.get(s.lot.skuCode) ?? [];
    bySku.set(s.lot.skuCode, list);
    list.push(s);
  }

  const result: LineAllocation[] = lines.map((line) => {
    const candidates = bySku.get(line.skuCode) ?? [];
    const allocations: LotAllocation[] = [];
    let need = line.quantity;
    for (const s of candidates) {
      if (need === 0) break;
      if (s.state !== 'OK' || s.free === 0) continue;
      const take = Math.min(need, s.free);
      s.free -= take;
      s.takenBy.set(line.lineKey, take);
      need -= take;
      const { batchNo, locCode, floor, aisle, shelf, expiresOn } = s.lot;
      allocations.push({ batchNo, locCode, floor, aisle, shelf, quantity: take, expiresOn });
    }
    const allocated = line.quantity - need;
    return {
      lineKey: line.lineKey,
      skuCode: line.skuCode,
      requested: line.quantity,
      allocated,
      allocations,
      shortfall: need === 0 ? null : shortfallOf(line.lineKey, need, candidates),
    };
  });
  return { lines: result, complete: result.every((l) => l.shortfall === null) };
}

function shortfallOf(
  lineKey: string,
  quantity: number,
  candidates: { onHand: number; locked: number; state: LotState; takenBy: Map<string, number> }[],
): Shortfall {
  const blocked: BlockedQuantities = { expired: 0, shortDated: 0, unusableBin: 0, locked: 0, takenByEarlierLines: 0 };
  let onHand = 0;
  for (const s of candidates) {
    onHand += s.onHand;
    if (s.state === 'EXPIRED') blocked.expired += s.onHand;
    else if (s.state === 'SHORT_DATED') blocked.shortDated += s.onHand;
    else if (s.state === 'UNUSABLE_BIN') blocked.unusableBin += s.onHand;
    else {
      blocked.locked += s.locked;
      // Later lines have not run yet, so everything taken so far, bar this line's, is earlier lines'.
      for (const [key, taken] of s.takenBy) if (key !== lineKey) blocked.takenByEarlierLines += taken;
    }
  }
  const causes: [keyof BlockedQuantities, ShortfallReason][] = [
    ['expired', 'ONLY_EXPIRED'],
    ['shortDated', 'ONLY_SHORT_DATED'],
    ['unusableBin', 'ONLY_IN_UNUSABLE_BINS'],
    ['locked', 'ONLY_LOCKED'],
    ['takenByEarlierLines', 'TAKEN_BY_EARLIER_LINES'],
  ];
  const present = causes.filter(([k]) => blocked[k] > 0);
  const reason: ShortfallReason =
    onHand === 0 ? 'NO_STOCK' : present.length === 0 ? 'INSUFFICIENT_STOCK' : present.length === 1 ? present[0][1] : 'MIXED';
  return { quantity, reason, blocked };
}
