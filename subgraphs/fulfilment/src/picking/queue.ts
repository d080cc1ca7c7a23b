// What the warehouse has to pick, in the order to pick it. An order a caller chased (its CHASE intent
// raised the pick priority, order-link's hub_call_action) comes before every order nobody chased,
// the longest-chased first; then the longest paid. The hub's list is only a candidate list: the WMS's
// live status of each outbound decides whether it still waits for a picker, and an order held by a
// rule (or rejected) is left out, as pickList would refuse it.
import type { HubOrder, HubStore, Ledger } from '#hub';
import type { OutboundStatus, WmsDatasource } from '#adapters/wms';

/** Statuses of an outbound that still needs picking work. */
export const TO_PICK: ReadonlySet<OutboundStatus> = new Set<OutboundStatus>(['CREATED', 'ALLOCATED', 'PICKING']);

export interface QueueCandidate {
  order: HubOrder;
  paidAt: number | null;
  /** When a caller's chase raised the order's pick priority; null when nobody chased it. */
  raisedAt: number | null;
  byCall: string | null;
}

export interface QueueEntry extends QueueCandidate {
  outboundNo: string;
  warehouseCode: string;
  outboundStatus: OutboundStatus;
}

/** Chased first (earliest chase first), then the longest paid (unpaid last), then the oldest order. Pure. */
export function pickOrder(a: QueueCandidate, b: QueueCandidate): number {
  const chased = (a.raisedAt == null ? 1 : 0) - (b.raisedAt == null ? 1 : 0);
  if (chased) return chased;
  if (a.raisedAt != null && b.raisedAt != null && a.raisedAt !== b.raisedAt) return a.raisedAt - b.raisedAt;
  const paid = (a.paidAt == null ? 1 : 0) - (b.paidAt == null ? 1 : 0);
  if (paid) return paid;
  if (a.paidAt != null && b.paidAt != null && a.paidAt !== b.paidAt) return a.paidAt - b.paidAt;
  return a.order.orderedAt - b.order.orderedAt || a.order.rowId - b.order.rowId;
}

export const MAX_QUEUE = 200;

export class PickQueue {
  constructor(private readonly deps: { hub: HubStore; ledger: Ledger; wms: WmsDatasource }) {}

  /** At most `first` orders to pick, of one warehouse or all, in the order to pick them. */
  async list(warehouseCode: string | null, first: number): Promise<QueueEntry[]> {
    // Candidates beyond `first`: some turn out packed, held or in another warehouse.
    const candidates = await this.deps.hub.pickQueueCandidates(Math.min(1000, first * 4 + 50));
    if (!candidates.length) return [];
    const [outbounds, holds] = await Promise.all([
      this.deps.wms.outboundsByNo(candidates.map((c) => c.order.wmsOutboundNo!)),
      this.deps.ledger.holdsByOrder(candidates.map((c) => c.order.rowId)),
    ]);
    const out: QueueEntry[] = [];
    candidates.forEach((c, i) => {
      const outbound = outbounds[i];
      if (!outbound || !TO_PICK.has(outbound.status)) return;
      if (warehouseCode && outbound.warehouseCode !== warehouseCode) return;
      if ((holds[i] ?? []).some((h) => h.state !== 'APPROVED')) return;
      out.push({ ...c, outboundNo: outbound.outboundNo, warehouseCode: outbound.warehouseCode, outboundStatus: outbound.status });
    });
    return out.sort(pickOrder).slice(0, first);
  }
}
