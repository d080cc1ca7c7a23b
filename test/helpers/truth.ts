// Checks of what the graph says against the generator's ground truth, shared by the suites that
// run the stack on MariaDB and on the embedded SQLite default.
import assert from 'node:assert/strict';
import type { GroundTruth, TruthOrder } from '../../legacy-sim/src/types.js';
import type { Stack } from './stack.js';

const ORDER_PAGE = `query Page($first: Int!, $after: String) {
  orders(first: $first, after: $after) {
    totalCount
    pageInfo { hasNextPage endCursor }
    edges { cursor node {
      id erpOrderNo wmsOutboundNo tmsWaybillNo status missingNodes
      links { system documentNo method confidence reference }
      lifecycle { stage reached recorded missing at sourceSystem sourceDocumentNo }
    } }
  }
}`;

/** Every order in the graph, by paging through `orders` 200 at a time. */
export async function allOrders(stack: Stack): Promise<any[]> {
  const orders: any[] = [];
  let after: string | null = null;
  do {
    const res: any = await stack.query(ORDER_PAGE, { first: 200, after });
    assert.equal(res.errors, undefined, JSON.stringify(res.errors));
    orders.push(...res.data.orders.edges.map((e: any) => e.node));
    after = res.data.orders.pageInfo.hasNextPage ? res.data.orders.pageInfo.endCursor : null;
  } while (after);
  return orders;
}

/** Every true link found with its method (and, for matches, its confidence); no false link. */
export function assertLinksMatchTruth(graphOrders: any[], truth: GroundTruth): void {
  const byNo = new Map(truth.orders.map((o) => [o.erpOrderNo, o]));
  assert.equal(graphOrders.length, truth.orders.length, 'one graph order per ERP order');
  const methodsSeen = new Set<string>();
  for (const g of graphOrders) {
    const t = byNo.get(g.erpOrderNo);
    assert.ok(t, `${g.erpOrderNo} is a real ERP order`);
    const expectOutbound = t.outbound?.method ? t.outbound.outboundNo : null;
    const expectWaybill = t.waybill?.method ? t.waybill.waybillNo : null;
    assert.equal(g.wmsOutboundNo, expectOutbound, `${g.erpOrderNo} outbound`);
    assert.equal(g.tmsWaybillNo, expectWaybill, `${g.erpOrderNo} waybill`);
    const wms = g.links.filter((l: any) => l.system === 'WMS');
    const tms = g.links.filter((l: any) => l.system === 'TMS');
    assert.deepEqual(wms.map((l: any) => [l.documentNo, l.method]), expectOutbound ? [[expectOutbound, t.outbound!.method]] : [], `${g.erpOrderNo} WMS link`);
    assert.deepEqual(tms.map((l: any) => [l.documentNo, l.method]), expectWaybill ? [[expectWaybill, t.waybill!.method]] : [], `${g.erpOrderNo} TMS link`);
    if (wms[0]?.method === 'MATCHED') assert.equal(wms[0].confidence, t.outbound!.confidence, `${g.erpOrderNo} match confidence`);
    for (const l of g.links) {
      methodsSeen.add(l.method);
      if (l.method === 'MATCHED') assert.ok(l.confidence < 1 && l.confidence > 0);
      if (l.method !== 'MATCHED' && l.system !== 'TMS') assert.equal(l.confidence, 1);
    }
  }
  assert.deepEqual([...methodsSeen].sort(), ['MATCHED', 'NORMALIZED_REFERENCE', 'REFERENCE']);
}

/** Status, recorded node times and black holes exactly as the truth predicts; returns how many orders have black holes. */
export function assertLifecyclesMatchTruth(graphOrders: any[], truth: GroundTruth): number {
  const byNo = new Map<string, TruthOrder>(truth.orders.map((o) => [o.erpOrderNo, o]));
  let withMissing = 0;
  for (const g of graphOrders) {
    const t = byNo.get(g.erpOrderNo)!;
    assert.equal(g.status, t.expectedStatus, `${g.erpOrderNo} status`);
    assert.deepEqual(g.missingNodes, t.missing, `${g.erpOrderNo} missing nodes`);
    assert.deepEqual(
      g.lifecycle.map((n: any) => n.stage),
      ['PAID', 'PICKING', 'SHIPPED_OUT', 'IN_TRANSIT', 'OUT_FOR_DELIVERY', 'SIGNED', 'COMPLETED'],
    );
    for (const n of g.lifecycle) {
      const at = (t.recorded as Record<string, string>)[n.stage] ?? null;
      assert.equal(n.at, at, `${g.erpOrderNo} ${n.stage} time`);
      assert.equal(n.recorded, at != null);
      assert.equal(n.missing, t.missing.includes(n.stage));
      if (n.missing) assert.equal(n.reached, true);
      // Each node names the system and document that records it: ERP the order, WMS the outbound, TMS the waybill.
      const system = n.stage === 'PAID' || n.stage === 'COMPLETED' ? 'ERP' : n.stage === 'PICKING' || n.stage === 'SHIPPED_OUT' ? 'WMS' : 'TMS';
      assert.equal(n.sourceSystem, system, `${g.erpOrderNo} ${n.stage} source system`);
      if (n.recorded) {
        const document = system === 'ERP' ? t.erpOrderNo : system === 'WMS' ? t.outbound?.outboundNo : t.waybill?.waybillNo;
        assert.equal(n.sourceDocumentNo, document, `${g.erpOrderNo} ${n.stage} source document`);
      }
    }
    if (g.missingNodes.length) withMissing++;
  }
  return withMissing;
}

/** `SYSTEM:documentNo:REASON` of every unlinked document, paging through `unlinkedDocuments`. */
export async function allUnlinked(stack: Stack): Promise<string[]> {
  const seen: string[] = [];
  let after: string | null = null;
  do {
    const res: any = await stack.query(
      `query($after: String) { unlinkedDocuments(first: 200, after: $after) { totalCount pageInfo { hasNextPage endCursor } edges { node { system documentNo reason messageZh messageEn candidateOrderNos } } } }`,
      { after },
    );
    assert.equal(res.errors, undefined, JSON.stringify(res.errors));
    for (const { node } of res.data.unlinkedDocuments.edges) {
      seen.push(`${node.system}:${node.documentNo}:${node.reason}`);
      assert.ok(node.messageZh.length > 0 && node.messageEn.length > 0);
      if (node.reason === 'AMBIGUOUS_MATCH') assert.ok(node.candidateOrderNos.length >= 2);
    }
    after = res.data.unlinkedDocuments.pageInfo.hasNextPage ? res.data.unlinkedDocuments.pageInfo.endCursor : null;
  } while (after);
  return seen.sort();
}

export const expectedUnlinked = (truth: GroundTruth) => truth.unlinked.map((u) => `${u.system}:${u.documentNo}:${u.reason}`).sort();
