// What the warehouse has to pick, in the order to pick it. An order a caller chased (its CHASE intent
// raised the pick priority, order-link's hub_call_action) comes before every order nobody chased,
// the longest-chased first; then the longest paid (the order is the hub's: HubStore.pickQueueCandidates).
// The hub's list is only a candidate list: the WMS's live status of each outbound decides whether it
// still waits for a picker, and an order held by a rule (or rejected) is left out, as pickList would.
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

export const MAX_QUEUE = 200;

/** Candidates looked at for one queue at most: a warehouse with little work among many others' still gets an answer in a few pages. */
const MAX_CANDIDATES = 10_000;

export class PickQueue {
  constructor(private readonly deps: { hub: HubStore; ledger: Ledger; wms: WmsDatasource }) {}

  /** At most `first` orders to pick, of one warehouse or all, in the order to pick them (the hub's candidate order). */
  async list(warehouseCode: string | null, first: number): Promise<QueueEntry[]> {
    // Candidates come a page at a time beyond `first` (some turn out packed, held or in another
    // warehouse), until `first` are found or the hub has no more; a bound keeps one request small.
    const page = Math.min(1000, first * 4 + 50);
    const out: QueueEntry[] = [];
    const listed = new Set<string>();
    for (let offset = 0; out.length < first && offset < MAX_CANDIDATES; offset += page) {
      const candidates = await this.deps.hub.pickQueueCandidates(page, offset);
      if (!candidates.length) break;
      const [outbounds, holds] = await Promise.all([
        this.deps.wms.outboundsByNo(candidates.map((c) => c.order.wmsOutboundNo!)),
        this.deps.ledger.holdsByOrder(candidates.map((c) => c.order.rowId)),
      ]);
      candidates.forEach((c, i) => {
        const outbound = outbounds[i];
        // Pages are read one after another: an order that moved meanwhile may come twice.
        if (!outbound || !TO_PICK.has(outbound.status) || listed.has(outbound.outboundNo)) return;
        listed.add(outbound.outboundNo);
        if (warehouseCode && outbound.warehouseCode !== warehouseCode) return;
        if ((holds[i] ?? []).some((h) => h.state !== 'APPROVED')) return;
        out.push({ ...c, outboundNo: outbound.outboundNo, warehouseCode: outbound.warehouseCode, outboundStatus: outbound.status });
      });
      if (candidates.length < page) break;
    }
    return out.slice(0, first);
  }
}
