// Linking truth through the gateway, on MariaDB: references written as people write them are read
// by the one reader order(id:) uses too; only documents that agree with the order they name are
// linked; a contradicting one is listed, reconciled and blocks the order for staff, and a customer
// never sees another customer's outbound or parcel — not through a link, not from the TMS itself.
// Documents are written straight into the legacy systems (WMS tables, the TMS store) as clerks and
// imports write them, then one link round reads them.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import type { DataSource } from 'typeorm';
import { startStack, type Stack } from './helpers/stack.js';
import { insertRows, openDataSource } from '../common/src/db.js';
import { beijingDate, formatBeijing } from '../common/src/time.js';
import { encodeCaller } from '../common/src/caller.js';
import { signRequest } from '../common/src/signing.js';
import { Random } from '../legacy-sim/src/random.js';
import { writeReference } from '../legacy-sim/src/references.js';
import type { TruthOrder } from '../legacy-sim/src/types.js';
import { createOrdersAwaitingPick } from '../legacy-sim/src/live.js';
import { applyLaterChanges } from '../legacy-sim/src/later-changes.js';

let stack: Stack;
let wms: DataSource;
let erp: DataSource;
let tms: DataSource;
const rng = new Random(1208);
/** Orders this file has already used for one case, so cases do not step on each other. */
const used = new Set<string>();

before(async () => {
  // With the generator's reference classes: typed variants and references naming another customer's order.
  stack = await startStack({
    name: 'linking',
    orders: 360,
    days: 2,
    seed: 77,
    rates: { refKeyboard: 0.08, refContradicts: 0.02, lateCommit: 0.01, editedAfterLink: 0.01, deletedRow: 0.01, cancelledOutboundLive: 0.02 },
  });
  // Orders the generator cancels while their outbounds are live are checked by their own case only.
  for (const a of stack.truth.anomalies) if (a.kind === 'cancelledOutboundLive') used.add(a.erpOrderNo!);
  wms = await openDataSource(stack.targets.wmsUrl, { poolSize: 2 });
  erp = await openDataSource(stack.targets.erpUrl, { poolSize: 2 });
  tms = await openDataSource(stack.targets.tmsStoreUrl, { poolSize: 2 });
});

after(async () => {
  await Promise.all([wms?.destroy(), erp?.destroy(), tms?.destroy()]);
  await stack?.close();
});

const now = () => formatBeijing(Date.now());
const byReference = (o: TruthOrder) => !!o.outbound && (o.outbound.method === 'REFERENCE' || o.outbound.method === 'NORMALIZED_REFERENCE');
const take = (filter: (o: TruthOrder) => boolean, n: number) => {
  const picked = stack.truth.orders.filter((o) => !used.has(o.erpOrderNo) && filter(o)).slice(0, n);
  for (const o of picked) used.add(o.erpOrderNo);
  return picked;
};
/** A reference as a person writes it, short enough for t_out_order.ref_no / tms_waybill.customer_ref (40). */
const written = (nos: string[]) => {
  for (;;) {
    const text = writeReference(nos, rng);
    if (text.length <= 40) return text;
  }
};
const skusOf = async (erpOrderNo: string) => (await erp.query('SELECT cInvCode FROM SO_SODetails WHERE cSOCode = ? ORDER BY iRowNo', [erpOrderNo])).map((r: any) => r.cInvCode as string);

/** Many orders in one request, each asked for by the text given: alias → answer. */
async function orders(ids: string[], selection: string, token?: string): Promise<any[]> {
  const out: any[] = [];
  for (let i = 0; i < ids.length; i += 25) {
    const chunk = ids.slice(i, i + 25);
    const query = `query(${chunk.map((_, k) => `$v${k}: ID!`).join(', ')}) { ${chunk.map((_, k) => `o${k}: order(id: $v${k}) { ${selection} }`).join(' ')} }`;
    const res = await stack.query(query, Object.fromEntries(chunk.map((id, k) => [`v${k}`, id])), token ? { token } : undefined);
    assert.equal(res.errors, undefined, JSON.stringify(res.errors?.slice(0, 3)));
    out.push(...chunk.map((_, k) => res.data[`o${k}`]));
  }
  return out;
}

/** Every unlinked document, page by page. */
async function unlinked(): Promise<Map<string, any>> {
  const out = new Map<string, any>();
  let after: string | null = null;
  for (;;) {
    const res: any = await stack.query(
      'query($after: String) { unlinkedDocuments(first: 200, after: $after) { pageInfo { hasNextPage endCursor } edges { node { system documentNo reason reference customerCode candidateOrderNos messageZh messageEn } } } }',
      { after },
    );
    assert.equal(res.errors, undefined, JSON.stringify(res.errors));
    for (const e of res.data.unlinkedDocuments.edges) out.set(e.node.documentNo, e.node);
    if (!res.data.unlinkedDocuments.pageInfo.hasNextPage) return out;
    after = res.data.unlinkedDocuments.pageInfo.endCursor;
  }
}

let outboundSeq = 900;
/** A new WMS outbound, as the warehouse's own screen writes one. */
async function insertOutbound(p: { customerCode: string; ref: string; skus: string[]; date: string }): Promise<string> {
  const outNo = `CK${p.date.replaceAll('-', '')}-${++outboundSeq}`;
  const t = now();
  await wms.query(
    "INSERT INTO t_out_order (out_no, ref_no, consignee_code, consignee_name, warehouse_code, status, create_time, update_time) VALUES (?, ?, ?, NULL, 'WH-SH', 10, ?, ?)",
    [outNo, p.ref, p.customerCode, `${p.date} 10:00:00`, t],
  );
  let line = 0;
  for (const sku of p.skus) await wms.query("INSERT INTO t_out_line (out_no, line_no, sku, batch_no, loc_code, plan_qty, picked_qty) VALUES (?, ?, ?, 'B1', 'F1-A01-S01', 1, NULL)", [outNo, ++line, sku]);
  return outNo;
}

describe('changes after the first sync, as the generator injects them', () => {
  test('orders committed late with old modify times, outbounds re-pointed at another customer’s order, outbounds deleted: each ends as the ground truth says', async () => {
    const kinds = (kind: string) => stack.truth.anomalies.filter((a) => a.kind === kind);
    const [late, edited, deleted] = [kinds('lateCommit'), kinds('editedAfterLink'), kinds('deletedRow')];
    const truthOf = new Map(stack.truth.orders.map((o) => [o.erpOrderNo, o]));
    // Before: the late orders are not there, their outbounds name nothing yet.
    const before = await stack.query('query($id: ID!) { order(id: $id) { id } }', { id: late[0].erpOrderNo });
    assert.equal(before.data.order, null);
    const cancelledLater = kinds('cancelledOutboundLive').filter((a) => (a.detail as any).cancelled === 'afterFirstSync');
    const applied = await applyLaterChanges(stack.targets, stack.seedOptions);
    assert.deepEqual([applied.lateCommits, applied.reReferenced, applied.deleted, applied.cancelled], [late.length, edited.length, deleted.length, cancelledLater.length]);
    assert.ok(late.length >= 3 && edited.length >= 3 && deleted.length >= 3);
    await stack.linker.runFreshRound();
    // Days old, far behind the feed: only the completeness sweep can find the late orders and the deleted rows.
    await stack.orderLink.sweep.run('MANUAL', { from: stack.truth.generator.start, to: stack.truth.generator.asOf.slice(0, 10) });
    for (let i = 0; i < 3; i++) await stack.linker.runFreshRound();

    const lateAnswers = await orders(late.map((a) => a.erpOrderNo!), 'erpOrderNo wmsOutboundNo tmsWaybillNo');
    late.forEach((a, k) => {
      const o = truthOf.get(a.erpOrderNo!)!;
      assert.deepEqual([lateAnswers[k]?.wmsOutboundNo, lateAnswers[k]?.tmsWaybillNo], [o.outbound!.outboundNo, o.waybill?.method ? o.waybill.waybillNo : null], a.erpOrderNo);
    });
    const left = await unlinked();
    for (const a of edited) {
      assert.equal(left.get(a.documentNo!)?.reason, 'CUSTOMER_MISMATCH', a.documentNo);
      assert.deepEqual(left.get(a.documentNo!).candidateOrderNos, [(a.detail as any).names]);
    }
    const deletedAnswers = await orders(deleted.map((a) => a.erpOrderNo!), 'wmsOutboundNo links { documentNo }');
    deleted.forEach((a, k) => {
      const o = truthOf.get(a.erpOrderNo!)!;
      assert.equal(o.outbound, null, 'the truth has no outbound for it');
      assert.ok(!deletedAnswers[k].links.some((l: any) => l.documentNo === a.documentNo), `${a.documentNo} is gone`);
      assert.ok(!left.has(a.documentNo!), `${a.documentNo} is not listed either`);
      if (o.waybill) assert.equal(left.get(o.waybill.waybillNo)?.reason, 'REFERENCE_NOT_FOUND', `${o.waybill.waybillNo} names a deleted outbound`);
    });
  });

  test('reconciliation then reports exactly the ground truth, the new classes included: contradicting references (written so or re-pointed after linking), deleted outbounds, late commits', async () => {
    // Before any case of this file writes its own documents: the data set as the generator made it, changed as it says.
    const want = stack.truth.discrepancies;
    const classes = new Set(want.map((d) => d.class));
    assert.ok(classes.has('CONTRADICTING_REFERENCE'), 'contradicting references injected');
    const deletedWaybills = stack.truth.anomalies
      .filter((a) => a.kind === 'deletedRow')
      .map((a) => stack.truth.orders.find((o) => o.erpOrderNo === a.erpOrderNo)!.waybill?.waybillNo)
      .filter((n): n is string => !!n);
    assert.ok(deletedWaybills.some((wb) => want.some((d) => d.class === 'WAYBILL_WITHOUT_OUTBOUND' && d.documents.includes(wb))), 'a deleted outbound leaves its waybill naming nothing');
    const edited = stack.truth.anomalies.filter((a) => a.kind === 'editedAfterLink');
    assert.ok(edited.every((a) => want.some((d) => d.class === 'CONTRADICTING_REFERENCE' && d.documents.includes(a.documentNo!))), 'every outbound re-pointed after linking is in the truth');
    const finance = await stack.token('finance');
    const key = (cls: string, documents: string[], amount: string | null) => `${cls}|${[...documents].sort().join(' ')}|${amount}`;
    const got: string[] = [];
    let cursor: string | null = null;
    const to = new Date(Date.parse(`${stack.truth.generator.asOf.slice(0, 10)}T00:00:00Z`) + 86_400_000).toISOString().slice(0, 10);
    do {
      const res: any = await stack.query(
        `query($asOf: DateTime, $after: String) { reconciliation(from: "${stack.truth.generator.start}", to: "${to}", asOf: $asOf) { items(first: 200, after: $after) { pageInfo { hasNextPage endCursor } edges { node { class documents { documentNo } amount } } } } }`,
        { asOf: stack.truth.generator.asOf, after: cursor },
        { token: finance },
      );
      assert.equal(res.errors, undefined, JSON.stringify(res.errors));
      got.push(...res.data.reconciliation.items.edges.map((e: any) => key(e.node.class, e.node.documents.map((d: any) => d.documentNo), e.node.amount)));
      cursor = res.data.reconciliation.items.pageInfo.hasNextPage ? res.data.reconciliation.items.pageInfo.endCursor : null;
    } while (cursor);
    const expected = want.map((d) => key(d.class, d.documents, d.amount));
    assert.ok(expected.length >= 20, `${expected.length} differences to find`);
    assert.deepEqual(got.filter((g) => !expected.includes(g)).sort(), [], 'nothing reported that the truth does not hold');
    assert.deepEqual(expected.filter((x) => !got.includes(x)).sort(), [], 'everything the truth holds reported');
  });
});

describe('orders cancelled in the ERP while their outbounds are live in the WMS, as the generator injects them', () => {
  test('each keeps its outbound, gives the warehouse the blocker first, is refused by the pick flow, and reconciliation lists it as the truth does', async () => {
    // Runs after the later changes above: half were cancelled before the first sync, half after it.
    const cases = stack.truth.anomalies.filter((a) => a.kind === 'cancelledOutboundLive');
    const when = new Set(cases.map((a) => (a.detail as any).cancelled));
    assert.ok(cases.length >= 4 && when.has('beforeFirstSync') && when.has('afterFirstSync'), `${cases.length} cases, cancelled ${[...when]}`);
    const truthOf = new Map(stack.truth.orders.map((o) => [o.erpOrderNo, o]));
    const answers = await orders(cases.map((a) => a.erpOrderNo!), 'erpOrderNo status wmsOutboundNo blockers { code severity sourceSystem messageEn }');
    const warehouse = await stack.token('warehouse');
    for (const [k, a] of cases.entries()) {
      const t = truthOf.get(a.erpOrderNo!)!;
      const outboundNo = (a.detail as any).outboundNo as string;
      assert.deepEqual([t.expectedStatus, t.outbound?.outboundNo, t.outbound?.method], ['CANCELLED', outboundNo, 'REFERENCE'], 'the truth keeps the link');
      assert.deepEqual([answers[k].status, answers[k].wmsOutboundNo], [t.expectedStatus, outboundNo], a.erpOrderNo);
      const first = answers[k].blockers[0];
      assert.deepEqual([first?.code, first?.severity, first?.sourceSystem], ['CANCELLED_OUTBOUND_LIVE', 'BLOCKING', 'WMS'], `${a.erpOrderNo}: ${JSON.stringify(answers[k].blockers)}`);
      assert.match(first.messageEn, new RegExp(outboundNo));
      const res = await stack.query('query($id: ID!) { pickList(orderId: $id) { outboundNo } }', { id: k % 2 ? outboundNo : a.erpOrderNo }, { token: warehouse });
      assert.equal(res.data?.pickList ?? null, null, a.erpOrderNo);
      assert.deepEqual([res.errors?.[0]?.extensions?.code, res.errors?.[0]?.extensions?.reason], ['CONFLICT', 'ORDER_CANCELLED'], JSON.stringify(res.errors));
    }
    // The truth lists each as a reconciliation item (the test above compared the whole report with it).
    for (const a of cases)
      assert.ok(
        stack.truth.discrepancies.some((d) => d.class === 'CANCELLED_ORDER_OUTBOUND_LIVE' && d.documents.includes(a.erpOrderNo!) && d.documents.includes((a.detail as any).outboundNo)),
        `${a.erpOrderNo} is in the truth's reconciliation`,
      );
  });
});

describe('outbounds read before the hub kept their WMS status', () => {
  test('are read again by key, once: each gets its status, and one the WMS had cancelled back then stops being its order’s live outbound', async () => {
    const hub = stack.orderLink.hubDb;
    const picked = take((o) => byReference(o) && o.expectedStatus !== 'CANCELLED' && !!o.waybill?.method, 3);
    const [cancelled, ...kept] = picked;
    const outNos = picked.map((o) => o.outbound!.outboundNo);
    // As the hub held them before migration 1767450000000-OutboundStatus: linked, no status. The WMS
    // had cancelled one of them back then (its update_time as it was: no feed nor sweep reads it again).
    await wms.query('UPDATE t_out_order SET status = 90 WHERE out_no = ?', [cancelled.outbound!.outboundNo]);
    await hub.query(`UPDATE hub_document SET doc_status = NULL WHERE system = 'WMS' AND document_no IN (?, ?, ?)`, outNos);
    await hub.query("DELETE FROM hub_sync_cursor WHERE source = 'wms-status'");
    const [before] = await orders([cancelled.erpOrderNo], 'wmsOutboundNo');
    assert.equal(before.wmsOutboundNo, cancelled.outbound!.outboundNo);

    await stack.linker.runFreshRound();
    const statusOf = async () =>
      new Map<string, any>((await hub.query(`SELECT document_no, doc_status, state FROM hub_document WHERE system = 'WMS' AND document_no IN (?, ?, ?)`, outNos)).map((r: any) => [r.document_no, r]));
    const after = await statusOf();
    const wmsStatus = new Map((await wms.query('SELECT out_no, status FROM t_out_order WHERE out_no IN (?, ?)', kept.map((o) => o.outbound!.outboundNo))).map((r: any) => [r.out_no, Number(r.status)]));
    for (const o of kept) {
      const doc = after.get(o.outbound!.outboundNo);
      assert.ok(doc.doc_status, `${o.outbound!.outboundNo} has its status (WMS ${wmsStatus.get(o.outbound!.outboundNo)})`);
      assert.equal(doc.state, 'LINKED');
    }
    assert.deepEqual([after.get(cancelled.outbound!.outboundNo).doc_status, after.get(cancelled.outbound!.outboundNo).state], ['CANCELLED', 'CANCELLED']);
    const [o] = await orders([cancelled.erpOrderNo], 'wmsOutboundNo links { system documentNo }');
    assert.equal(o.wmsOutboundNo, null, 'no longer its live outbound');
    assert.ok(!o.links.some((l: any) => l.documentNo === cancelled.outbound!.outboundNo));
    assert.ok(!(await unlinked()).has(cancelled.outbound!.outboundNo), 'nothing to link by hand');
    // Once walked to the end it is done: a later round reads nothing again.
    const [cursor] = await hub.query("SELECT position FROM hub_sync_cursor WHERE source = 'wms-status'");
    assert.equal(JSON.parse(cursor.position).done, true);
  });
});

describe('matches decided again when a new order of the customer arrives', () => {
  test('only the matched outbounds the new order could fit: one in its window becomes AMBIGUOUS_MATCH, the customer’s older matches are not read again', async () => {
    const [near, far] = take((o) => o.outbound?.method === 'MATCHED' && o.expectedStatus !== 'CANCELLED', 2);
    assert.ok(near && far, 'the generator matched outbounds (refMissing)');
    // What the linker reads back of matched outbounds by customer, watched on its own database handle.
    const linker = stack.linker as any;
    const db = linker.hub;
    const reread: string[] = [];
    linker.hub = new Proxy(db, {
      get: (t, prop, receiver) =>
        prop === 'query'
          ? async (sql: string, params?: unknown[]) => {
              const rows = await t.query(sql, params);
              if (/method = 'MATCHED'/.test(sql) && /customer_code IN/.test(sql)) reread.push(...rows.map((r: any) => r.document_no));
              return rows;
            }
          : Reflect.get(t, prop, receiver),
    });
    const copyOf = async (base: TruthOrder, no: string, at: string) => {
      const [header] = await erp.query('SELECT * FROM SO_SOMain WHERE cSOCode = ?', [base.erpOrderNo]);
      const lines = await erp.query('SELECT * FROM SO_SODetails WHERE cSOCode = ?', [base.erpOrderNo]);
      const { ID, ...rest } = header;
      await insertRows(erp, 'SO_SODetails', lines.map(({ AutoID, ...l }: any) => ({ ...l, cSOCode: no })));
      await insertRows(erp, 'SO_SOMain', [{ ...rest, cSOCode: no, dDate: at, cDefine10: null, dModifyTime: now() }]);
    };
    try {
      // The same goods for the same customer, placed the same day as the matched order: the outbound fits both.
      const nearNo = `${near.erpOrderNo.slice(0, 12)}8801`;
      await copyOf(near, nearNo, formatBeijing(Date.parse(near.orderedAt) + 60_000));
      await stack.linker.runFreshRound();
      assert.ok(reread.includes(near.outbound!.outboundNo), 'the match in the new order’s window is decided again');
      const left = await unlinked();
      assert.equal(left.get(near.outbound!.outboundNo)?.reason, 'AMBIGUOUS_MATCH');
      assert.deepEqual([...left.get(near.outbound!.outboundNo).candidateOrderNos].sort(), [near.erpOrderNo, nearNo].sort());

      // The same goods again for the other customer, but today: no outbound of theirs from the data set's days can fit it.
      reread.length = 0;
      const farNo = `SO-${beijingDate(Date.now()).replaceAll('-', '')}-8802`;
      await copyOf(far, farNo, now());
      await stack.linker.runFreshRound();
      const [known] = await orders([farNo], 'erpOrderNo');
      assert.equal(known?.erpOrderNo, farNo, 'the new order was read');
      assert.ok(!reread.includes(far.outbound!.outboundNo), `${far.outbound!.outboundNo} (${far.orderedAt.slice(0, 10)}) is out of the new order's reach: not read again`);
      const [still] = await orders([far.erpOrderNo], 'wmsOutboundNo links { documentNo method }');
      assert.equal(still.wmsOutboundNo, far.outbound!.outboundNo);
      assert.equal(still.links.find((l: any) => l.documentNo === far.outbound!.outboundNo)?.method, 'MATCHED');
    } finally {
      linker.hub = db;
    }
  });
});

describe("the generator's reference classes", () => {
  test('typed references link to the order they name, and references naming another customer’s order are not linked, exactly as the ground truth says', async () => {
    const typed = stack.truth.anomalies.filter((a) => a.kind === 'refKeyboard');
    const contradicting = stack.truth.anomalies.filter((a) => a.kind === 'refContradicts');
    assert.ok(typed.length >= 20 && contradicting.length >= 5, `${typed.length} typed, ${contradicting.length} contradicting`);
    const truthOf = new Map(stack.truth.orders.map((o) => [o.erpOrderNo, o]));
    const answers = await orders(typed.map((a) => a.erpOrderNo!), 'erpOrderNo wmsOutboundNo links { system documentNo method confidence reference }');
    typed.forEach((a, k) => {
      const o = truthOf.get(a.erpOrderNo!)!;
      const link = answers[k].links.find((l: any) => l.system === 'WMS');
      assert.deepEqual(
        [answers[k].wmsOutboundNo, link?.method, link?.confidence, link?.reference],
        [o.outbound!.outboundNo, o.outbound!.method, 1, (a.detail as any).written],
        `${a.erpOrderNo} written ${JSON.stringify((a.detail as any).written)}`,
      );
    });
    const left = await unlinked();
    const named = await orders(contradicting.map((a) => (a.detail as any).names), 'erpOrderNo links { documentNo } blockers { code messageEn }');
    contradicting.forEach((a, k) => {
      const truthReason = stack.truth.unlinked.find((u) => u.documentNo === a.documentNo)?.reason;
      assert.equal(truthReason, 'CUSTOMER_MISMATCH');
      assert.equal(left.get(a.documentNo!)?.reason, truthReason, a.documentNo);
      assert.deepEqual(left.get(a.documentNo!).candidateOrderNos, [(a.detail as any).names]);
      assert.ok(!named[k].links.some((l: any) => l.documentNo === a.documentNo), `${a.documentNo} is not on ${(a.detail as any).names}`);
      assert.ok(named[k].blockers.some((b: any) => b.code === 'CONTRADICTING_REFERENCE' && b.messageEn.includes(a.documentNo)), `${(a.detail as any).names} is blocked for staff`);
      // The order that outbound really belongs to has no outbound linked, and its waybill waits for it.
      const own = truthOf.get(a.erpOrderNo!)!;
      assert.equal(own.outbound!.method, null);
      if (own.waybill) assert.equal(left.get(own.waybill.waybillNo)?.reason, 'OUTBOUND_UNLINKED');
    });
  });
});

describe('references read as people write them', () => {
  test('outbounds whose ref_no is written in generated forms link to the order each names; order(id:) finds the order by the same text', async () => {
    const picked = take(byReference, 120);
    assert.ok(picked.length >= 100, `enough orders linked by reference (${picked.length})`);
    const texts = picked.map((o) => written([o.erpOrderNo]));
    for (const [k, o] of picked.entries()) await wms.query('UPDATE t_out_order SET ref_no = ?, update_time = ? WHERE out_no = ?', [texts[k], now(), o.outbound!.outboundNo]);
    await stack.linker.runFreshRound();

    const answers = await orders(texts, 'erpOrderNo wmsOutboundNo links { system documentNo method confidence reference }');
    for (const [k, o] of picked.entries()) {
      const a = answers[k];
      assert.equal(a?.erpOrderNo, o.erpOrderNo, `order(id: ${JSON.stringify(texts[k])})`);
      assert.equal(a.wmsOutboundNo, o.outbound!.outboundNo, `${o.erpOrderNo} written ${JSON.stringify(texts[k])}`);
      const link = a.links.find((l: any) => l.system === 'WMS' && l.documentNo === o.outbound!.outboundNo);
      assert.deepEqual(
        { method: link?.method, confidence: link?.confidence, reference: link?.reference },
        { method: texts[k] === o.erpOrderNo ? 'REFERENCE' : 'NORMALIZED_REFERENCE', confidence: 1, reference: texts[k] },
      );
    }
    const left = await unlinked();
    for (const o of picked) assert.ok(!left.has(o.outbound!.outboundNo), `${o.outbound!.outboundNo} is not left unlinked`);
  });

  test('an outbound naming several orders of its customer (a combined shipment) is linked to each of them', async () => {
    const byCustomer = new Map<string, TruthOrder[]>();
    for (const o of take(byReference, 80)) byCustomer.set(o.customerCode, [...(byCustomer.get(o.customerCode) ?? []), o]);
    const pairs = [...byCustomer.values()].filter((os) => os.length >= 2).map((os) => [os[0], os[1]] as const).slice(0, 12);
    assert.ok(pairs.length >= 5, `enough customers with two orders (${pairs.length})`);
    const combined: string[] = [];
    for (const [a, b] of pairs) {
      const skus = [...new Set([...(await skusOf(a.erpOrderNo)), ...(await skusOf(b.erpOrderNo))])];
      combined.push(await insertOutbound({ customerCode: a.customerCode, ref: written([a.erpOrderNo, b.erpOrderNo]), skus, date: a.orderedAt.slice(0, 10) }));
    }
    await stack.linker.runFreshRound();
    const answers = await orders(pairs.flat().map((o) => o.erpOrderNo), 'erpOrderNo links { system documentNo method confidence }');
    pairs.forEach(([a, b], k) => {
      for (const [j, o] of [a, b].entries()) {
        const link = answers[2 * k + j].links.find((l: any) => l.documentNo === combined[k]);
        assert.ok(link, `${combined[k]} is linked to ${o.erpOrderNo}`);
        assert.equal(link.confidence, 1);
      }
    });
    const left = await unlinked();
    for (const no of combined) assert.ok(!left.has(no), `${no} is linked`);
    // Asked for by such a field, order(id:) does not guess which of the orders is meant.
    const [a, b] = pairs[0];
    const both = await stack.query('query($id: ID!) { order(id: $id) { id } }', { id: `${a.erpOrderNo}、${b.erpOrderNo}` });
    assert.equal(both.errors?.[0]?.extensions?.code, 'BAD_USER_INPUT');
    assert.equal(both.errors![0].extensions!.reason, 'SEVERAL_NUMBERS');
    assert.deepEqual(both.errors![0].extensions!.numbers, [a.erpOrderNo, b.erpOrderNo]);
    assert.match(both.errors![0].extensions!.messageZh, /请只给一个/);
  });
});

describe('only what agrees is linked', () => {
  test("an outbound naming another customer's order, one carrying none of the order's goods, and a waybill for someone else elsewhere are not linked: listed with what disagrees, reconciled, blocking the order for staff", async () => {
    const [victim] = take((o) => byReference(o) && o.waybill?.method != null, 1);
    const [other] = take((o) => byReference(o) && o.customerCode !== victim.customerCode && o.waybill?.method != null, 1);
    const [goodsOrder] = take(byReference, 1);
    const [waybillOrder] = take((o) => byReference(o) && o.waybill?.method != null, 1);
    assert.ok(victim && other && goodsOrder && waybillOrder);

    // 1. Another customer's outbound names the victim's order.
    const foreignText = written([victim.erpOrderNo]);
    await wms.query('UPDATE t_out_order SET ref_no = ?, update_time = ? WHERE out_no = ?', [foreignText, now(), other.outbound!.outboundNo]);
    // 2. An outbound of the right customer with goods the order does not have.
    const orderSkus = new Set(await skusOf(goodsOrder.erpOrderNo));
    const foreignSku = (await erp.query('SELECT cInvCode FROM Inventory WHERE bService = 0 ORDER BY cInvCode')).map((r: any) => r.cInvCode as string).find((s: string) => !orderSkus.has(s))!;
    const wrongGoods = await insertOutbound({ customerCode: goodsOrder.customerCode, ref: written([goodsOrder.erpOrderNo]), skus: [foreignSku], date: goodsOrder.orderedAt.slice(0, 10) });
    // 3. The carrier re-points a waybill at someone else in another city.
    const [{ cCusName: otherName }] = await erp.query('SELECT cCusName FROM Customer WHERE cCusCode <> ? ORDER BY cCusCode LIMIT 1', [waybillOrder.customerCode]);
    const otherCity = waybillOrder.region === '上海' ? '杭州' : '上海';
    await tms.query('UPDATE tms_waybill SET consignee = ?, dest_city = ?, update_time = ? WHERE waybill_no = ?', [otherName, otherCity, now(), waybillOrder.waybill!.waybillNo]);
    await stack.linker.runFreshRound();

    const left = await unlinked();
    const customerMismatch = left.get(other.outbound!.outboundNo);
    assert.equal(customerMismatch?.reason, 'CUSTOMER_MISMATCH');
    assert.deepEqual(customerMismatch.candidateOrderNos, [victim.erpOrderNo]);
    assert.match(customerMismatch.messageZh, new RegExp(victim.erpOrderNo));
    assert.match(customerMismatch.messageEn, new RegExp(victim.erpOrderNo));
    assert.equal(left.get(wrongGoods)?.reason, 'GOODS_MISMATCH');
    assert.deepEqual(left.get(wrongGoods).candidateOrderNos, [goodsOrder.erpOrderNo]);
    const consignee = left.get(waybillOrder.waybill!.waybillNo);
    assert.equal(consignee?.reason, 'CONSIGNEE_MISMATCH');
    assert.deepEqual(consignee.candidateOrderNos, [waybillOrder.erpOrderNo]);
    // The other customer's waybill followed its outbound out of the link.
    assert.equal(left.get(other.waybill!.waybillNo)?.reason, 'OUTBOUND_UNLINKED');

    const [v, g, w] = await orders([victim.erpOrderNo, goodsOrder.erpOrderNo, waybillOrder.erpOrderNo], 'wmsOutboundNo tmsWaybillNo links { documentNo } blockers { code severity sourceSystem messageZh messageEn }');
    assert.equal(v.wmsOutboundNo, victim.outbound!.outboundNo, 'the victim keeps its own outbound');
    assert.ok(!v.links.some((l: any) => l.documentNo === other.outbound!.outboundNo));
    assert.ok(!g.links.some((l: any) => l.documentNo === wrongGoods));
    assert.equal(w.tmsWaybillNo, null, 'a waybill for someone else elsewhere is not this order’s');
    for (const [answer, doc, system] of [[v, other.outbound!.outboundNo, 'WMS'], [g, wrongGoods, 'WMS'], [w, waybillOrder.waybill!.waybillNo, 'TMS']] as const) {
      const blocker = answer.blockers.find((b: any) => b.code === 'CONTRADICTING_REFERENCE');
      assert.ok(blocker, `${doc}: the order it names has a blocker`);
      assert.equal(blocker.sourceSystem, system);
      assert.match(blocker.messageZh, new RegExp(doc));
      assert.match(blocker.messageEn, new RegExp(doc));
    }

    const recon = await stack.query(
      '{ reconciliation(from: "2025-11-08", to: "2025-11-10") { items(class: CONTRADICTING_REFERENCE, first: 50) { edges { node { documents { system documentNo role } order { erpOrderNo } detailZh detailEn } } } } }',
    );
    assert.equal(recon.errors, undefined, JSON.stringify(recon.errors));
    const items = recon.data.reconciliation.items.edges.map((e: any) => e.node);
    for (const [doc, named] of [[other.outbound!.outboundNo, victim.erpOrderNo], [wrongGoods, goodsOrder.erpOrderNo], [waybillOrder.waybill!.waybillNo, waybillOrder.erpOrderNo]]) {
      const item = items.find((i: any) => i.documents[0].documentNo === doc);
      assert.ok(item, `${doc} is reconciled`);
      assert.deepEqual(item.documents.find((d: any) => d.role === 'NAMED_ORDER'), { system: 'ERP', documentNo: named, role: 'NAMED_ORDER' });
      assert.equal(item.order.erpOrderNo, named);
    }

    // The victim, with their own token: their outbound and parcel only, nothing of the other customer's.
    const token = await stack.token('customer', victim.customerCode);
    const mine = await stack.query(
      'query($id: ID!) { order(id: $id) { wmsOutboundNo tmsWaybillNo links { documentNo } outbound { outboundNo } shipment { waybillNo consignee events { code city } } } }',
      { id: victim.erpOrderNo },
      { token },
    );
    assert.equal(mine.errors, undefined, JSON.stringify(mine.errors));
    assert.equal(mine.data.order.outbound.outboundNo, victim.outbound!.outboundNo);
    assert.equal(mine.data.order.shipment.waybillNo, victim.waybill!.waybillNo);
    const seen = JSON.stringify(mine.data);
    for (const theirs of [other.outbound!.outboundNo, other.waybill!.waybillNo]) assert.ok(!seen.includes(theirs), `${theirs} is not shown to ${victim.customerCode}`);
  });

  test("the TMS checks the owner itself: a customer asking it for another customer's waybill gets nothing, whatever link led there", async () => {
    const [mineOrder] = take((o) => o.waybill?.method != null, 1);
    const [theirs] = take((o) => o.waybill?.method != null && o.customerCode !== mineOrder.customerCode, 1);
    const url = stack.subgraphUrls.tms;
    const body = JSON.stringify({
      query: 'query($r: [_Any!]!) { _entities(representations: $r) { ... on Shipment { waybillNo consignee events { code } } } }',
      variables: { r: [{ __typename: 'Shipment', waybillNo: mineOrder.waybill!.waybillNo }, { __typename: 'Shipment', waybillNo: theirs.waybill!.waybillNo }] },
    });
    const ask = async (caller: string) => {
      const res = await fetch(url, {
        method: 'POST',
        headers: { 'content-type': 'application/json', ...signRequest(stack.config.SUBGRAPH_SIGNING_SECRET, { method: 'POST', path: new URL(url).pathname, subgraph: 'tms' }, caller, body) },
        body,
      });
      return (await res.json()) as any;
    };
    const asCustomer = await ask(encodeCaller({ subject: 'c', role: 'customer', customerCode: mineOrder.customerCode }));
    assert.equal(asCustomer.data._entities[0]?.waybillNo, mineOrder.waybill!.waybillNo, 'their own waybill');
    assert.equal(asCustomer.data._entities[1], null, "another customer's waybill is not given");
    const asStaff = await ask(encodeCaller({ subject: 's', role: 'ops', customerCode: null }));
    assert.equal(asStaff.data._entities[1]?.waybillNo, theirs.waybill!.waybillNo, 'staff see every waybill');
  });
});

describe('contradictions after a change are flagged', () => {
  test('an order cancelled in the ERP while its outbound is live in the WMS blocks the warehouse, is reconciled, and the pick flow refuses it', async () => {
    const [cancelled, kept] = await createOrdersAwaitingPick({ erpUrl: stack.targets.erpUrl, wmsUrl: stack.targets.wmsUrl, tmsApiUrl: stack.tmsApiUrl }, { count: 2, seed: 9090 });
    await stack.linker.runFreshRound();
    const warehouse = await stack.token('warehouse');
    const pickList = (id: string) => stack.query('query($id: ID!) { pickList(orderId: $id) { outboundNo lines { sku { code } quantity } } }', { id }, { token: warehouse });
    const before = await pickList(cancelled.erpOrderNo);
    assert.equal(before.errors, undefined, JSON.stringify(before.errors));
    assert.equal(before.data.pickList.outboundNo, cancelled.outboundNo);

    // The ERP voids the order; the WMS outbound stays as it was.
    await erp.query('UPDATE SO_SOMain SET iStatus = 9, dModifyTime = ? WHERE cSOCode = ?', [now(), cancelled.erpOrderNo]);
    await stack.linker.runFreshRound();

    const [o] = await orders([cancelled.erpOrderNo], 'status wmsOutboundNo blockers { code severity sourceSystem messageZh messageEn expectedResolutionZh expectedResolutionEn }');
    assert.equal(o.status, 'CANCELLED');
    assert.equal(o.wmsOutboundNo, cancelled.outboundNo);
    const blocker = o.blockers.find((b: any) => b.code === 'CANCELLED_OUTBOUND_LIVE');
    assert.ok(blocker, JSON.stringify(o.blockers));
    assert.equal(blocker.severity, 'BLOCKING');
    assert.equal(blocker.sourceSystem, 'WMS');
    assert.equal(o.blockers[0].code, 'CANCELLED_OUTBOUND_LIVE', 'the first thing staff read');
    for (const text of [blocker.messageZh, blocker.messageEn, blocker.expectedResolutionZh, blocker.expectedResolutionEn]) assert.match(text, new RegExp(cancelled.outboundNo));

    for (const res of [
      await pickList(cancelled.erpOrderNo),
      await pickList(cancelled.outboundNo),
      await stack.query('mutation($id: ID!) { scanItem(orderId: $id, barcode: "0106901234567892") { outcome } }', { id: cancelled.erpOrderNo }, { token: warehouse }),
    ]) {
      assert.equal(res.data?.pickList ?? res.data?.scanItem ?? null, null);
      const error = res.errors?.[0];
      assert.equal(error?.extensions?.code, 'CONFLICT', JSON.stringify(res.errors));
      assert.equal(error.extensions.reason, 'ORDER_CANCELLED');
      assert.match(error.extensions.messageZh, /作废/);
      assert.match(error.extensions.messageEn, /cancelled/);
    }
    // Nothing was written for it in the WMS: no line picked.
    const picked = await wms.query('SELECT COUNT(*) AS n FROM t_out_line WHERE out_no = ? AND picked_qty IS NOT NULL', [cancelled.outboundNo]);
    assert.equal(Number(picked[0].n), 0);
    // The order next to it is untouched.
    assert.equal((await pickList(kept.erpOrderNo)).errors, undefined);

    const day = 86_400_000;
    const recon = await stack.query('query($from: DateTime!, $to: DateTime!) { reconciliation(from: $from, to: $to) { items(class: CANCELLED_ORDER_OUTBOUND_LIVE, first: 50) { edges { node { documents { system documentNo role } order { erpOrderNo } detailZh detailEn } } } } }', {
      from: new Date(Date.now() - 2 * day).toISOString(),
      to: new Date(Date.now() + day).toISOString(),
    });
    assert.equal(recon.errors, undefined, JSON.stringify(recon.errors));
    const items = recon.data.reconciliation.items.edges.map((e: any) => e.node);
    assert.deepEqual(
      items.map((i: any) => i.documents),
      [[{ system: 'ERP', documentNo: cancelled.erpOrderNo, role: 'ORDER' }, { system: 'WMS', documentNo: cancelled.outboundNo, role: 'OUTBOUND' }]],
    );

    // Once the warehouse cancels the outbound too, the contradiction is gone.
    await wms.query('UPDATE t_out_order SET status = 90, update_time = ? WHERE out_no = ?', [now(), cancelled.outboundNo]);
    await stack.linker.runFreshRound();
    const [after] = await orders([cancelled.erpOrderNo], 'blockers { code }');
    assert.ok(!after.blockers.some((b: any) => b.code === 'CANCELLED_OUTBOUND_LIVE'));
  });
});

describe('rules see every order', () => {
  test('identical orders entered in one moment and one round: the first (earlier placed, then lower ERP number) passes the duplicate rule, every twin after it is held as its duplicate, and evaluating again agrees', async () => {
    const bases = take((o) => o.expectedStatus !== 'CANCELLED', 12);
    const seqs = rng.shuffle(Array.from({ length: 4000 }, (_, k) => 5000 + k));
    const groups: { no: string; at: number }[][] = [];
    const rows: { main: any[]; lines: any[] } = { main: [], lines: [] };
    const t0 = Math.floor((Date.now() - 6 * 3_600_000) / 1000) * 1000;
    for (const [g, base] of bases.entries()) {
      const [header] = await erp.query('SELECT * FROM SO_SOMain WHERE cSOCode = ?', [base.erpOrderNo]);
      const lines = await erp.query('SELECT * FROM SO_SODetails WHERE cSOCode = ?', [base.erpOrderNo]);
      const at = t0 - g * 3_600_000;
      // A double (or triple) submission in one second, and sometimes another of the same a few minutes later.
      const size = rng.int(2, 4);
      const group = Array.from({ length: size }, (_, k) => ({
        no: `SO-${beijingDate(at).replaceAll('-', '')}-${seqs.pop()}`,
        at: at + (k < 2 || rng.chance(0.5) ? 0 : rng.int(1, 25) * 60_000),
      }));
      groups.push(group);
      for (const c of group) {
        const { ID, ...rest } = header;
        rows.main.push({ ...rest, cSOCode: c.no, dDate: formatBeijing(c.at), iStatus: 2, dPayTime: null, dCloseTime: null, cDefine10: null, dModifyTime: now() });
        for (const l of lines) {
          const { AutoID, ...line } = l;
          rows.lines.push({ ...line, cSOCode: c.no });
        }
      }
    }
    // All of them in one go, in an order that is neither time nor number order: one link round, one rules batch.
    await insertRows(erp, 'SO_SODetails', rng.shuffle(rows.lines));
    await insertRows(erp, 'SO_SOMain', rng.shuffle(rows.main));
    await stack.linker.runFreshRound();

    const all = groups.flat();
    const answers = await orders(all.map((c) => c.no), 'erpOrderNo onHold decisions { ruleId fired facts }');
    const duplicate = new Map(answers.map((a) => [a.erpOrderNo, a.decisions.find((d: any) => d.ruleId === 'R11-duplicate-order')]));
    let held = 0;
    for (const group of groups) {
      const seq = (no: string) => Number(no.slice(-4));
      const original = [...group].sort((a, b) => a.at - b.at || seq(a.no) - seq(b.no))[0];
      for (const c of group) {
        const d = duplicate.get(c.no);
        assert.ok(d, `${c.no} was evaluated in the round that linked it`);
        if (c === original) assert.equal(d.fired, false, `${c.no} is the original`);
        else {
          assert.equal(d.fired, true, `${c.no} repeats ${original.no}`);
          assert.equal(d.facts.duplicateOf, original.no);
          held++;
        }
      }
    }
    assert.ok(held >= groups.length, 'every group has a duplicate held');

    // Evaluated again one by one (as evaluateOrder does, or another instance would), the same verdicts.
    const ops = await stack.token('ops');
    for (const c of all.slice(0, 12)) {
      const res = await stack.query('mutation($id: ID!) { evaluateOrder(id: $id) { order { decisions { ruleId fired facts } } } }', { id: c.no }, { token: ops });
      assert.equal(res.errors, undefined, JSON.stringify(res.errors));
      const again = res.data.evaluateOrder.order.decisions.find((d: any) => d.ruleId === 'R11-duplicate-order');
      assert.deepEqual([again.fired, again.facts.duplicateOf], [duplicate.get(c.no).fired, duplicate.get(c.no).facts.duplicateOf], c.no);
    }
  });

  test('two unpaid orders of one customer in one round that together exceed its credit line: the earlier passes, the later is held, and evaluating again agrees', async () => {
    const bases: TruthOrder[] = [];
    for (const o of stack.truth.orders) if (!used.has(o.erpOrderNo) && o.expectedStatus !== 'CANCELLED' && !bases.some((b) => b.customerCode === o.customerCode) && bases.length < 5) bases.push(o);
    for (const b of bases) used.add(b.erpOrderNo);
    const seqs = rng.shuffle(Array.from({ length: 1000 }, (_, k) => 9000 + k));
    const at = Math.floor((Date.now() - 3_600_000) / 1000) * 1000;
    const pairs: { earlier: string; later: string }[] = [];
    const rows: { main: any[]; lines: any[] } = { main: [], lines: [] };
    for (const [g, base] of bases.entries()) {
      const [header] = await erp.query('SELECT * FROM SO_SOMain WHERE cSOCode = ?', [base.erpOrderNo]);
      const lines = await erp.query('SELECT * FROM SO_SODetails WHERE cSOCode = ?', [base.erpOrderNo]);
      // The customer's line: what it owes now plus 1,000 CNY. Each new order of 600 fits alone; the two do not.
      const [{ owed }] = await erp.query('SELECT COALESCE(SUM(iTotalSum), 0) AS owed FROM SO_SOMain WHERE cCusCode = ? AND iStatus IN (1, 2)', [base.customerCode]);
      await erp.query('UPDATE Customer SET iCreditLine = ?, dModifyTime = ? WHERE cCusCode = ?', [(Number(owed) + 1000).toFixed(2), now(), base.customerCode]);
      // Placed in the same second (the lower number first), or minutes apart with the later given the lower number.
      const [a, b] = [seqs.pop()!, seqs.pop()!].sort((x, y) => x - y);
      const sameSecond = g % 2 === 0;
      const pair = sameSecond ? [{ seq: a, at }, { seq: b, at }] : [{ seq: b, at }, { seq: a, at: at + rng.int(1, 20) * 60_000 }];
      const no = (seq: number) => `SO-${beijingDate(at).replaceAll('-', '')}-${seq}`;
      pairs.push({ earlier: no(pair[0].seq), later: no(pair[1].seq) });
      for (const [k, p] of pair.entries()) {
        const { ID, ...rest } = header;
        rows.main.push({ ...rest, cSOCode: no(p.seq), dDate: formatBeijing(p.at), iStatus: 2, iTotalSum: '600.00', dPayTime: null, dCloseTime: null, cDefine10: null, dModifyTime: now() });
        // Different quantities: not twins, so the duplicate rule has nothing to say about them.
        for (const l of lines) {
          const { AutoID, ...line } = l;
          rows.lines.push({ ...line, cSOCode: no(p.seq), iQuantity: Number(line.iQuantity) + k });
        }
      }
    }
    await insertRows(erp, 'SO_SODetails', rng.shuffle(rows.lines));
    await insertRows(erp, 'SO_SOMain', rng.shuffle(rows.main));
    await stack.linker.runFreshRound();

    const nos = pairs.flatMap((p) => [p.earlier, p.later]);
    const answers = await orders(nos, 'erpOrderNo decisions { ruleId fired facts }');
    const credit = new Map(answers.map((a) => [a.erpOrderNo, a.decisions.find((d: any) => d.ruleId === 'R02-credit-limit')]));
    for (const p of pairs) {
      assert.ok(credit.get(p.earlier) && credit.get(p.later), `${p.earlier} and ${p.later} evaluated in the round that linked them`);
      assert.equal(credit.get(p.earlier).fired, false, `${p.earlier} came first and fits the line`);
      assert.equal(credit.get(p.later).fired, true, `${p.later} came after ${p.earlier}: together they exceed the line`);
      // The later one counts the earlier among what is owed; the earlier does not count the later.
      const fen = (yuan: string) => Math.round(Number(yuan) * 100);
      assert.equal(fen(credit.get(p.later).facts.openReceivables) - fen(credit.get(p.earlier).facts.openReceivables), 600_00);
    }
    const ops = await stack.token('ops');
    for (const no of nos) {
      const res = await stack.query('mutation($id: ID!) { evaluateOrder(id: $id) { order { decisions { ruleId fired } } } }', { id: no }, { token: ops });
      assert.equal(res.errors, undefined, JSON.stringify(res.errors));
      assert.equal(res.data.evaluateOrder.order.decisions.find((d: any) => d.ruleId === 'R02-credit-limit').fired, credit.get(no).fired, no);
    }
  });

  test('an order placed earlier that commits late: the later orders it now precedes are judged again — the later twin held as its duplicate, the later of two over the credit line held — recorded, audited, once', async () => {
    const picked: TruthOrder[] = [];
    for (const o of stack.truth.orders) if (!used.has(o.erpOrderNo) && o.expectedStatus !== 'CANCELLED' && !picked.some((b) => b.customerCode === o.customerCode) && picked.length < 2) picked.push(o);
    for (const b of picked) used.add(b.erpOrderNo);
    const [twinBase, creditBase] = picked;
    const t0 = Math.floor((Date.now() - 3 * 3_600_000) / 1000) * 1000;
    const day = beijingDate(t0).replaceAll('-', '');
    const copy = async (base: TruthOrder, no: string, at: number, modifiedAt: number, change: { total?: string; extraQty?: number } = {}) => {
      const [header] = await erp.query('SELECT * FROM SO_SOMain WHERE cSOCode = ?', [base.erpOrderNo]);
      const lines = await erp.query('SELECT * FROM SO_SODetails WHERE cSOCode = ?', [base.erpOrderNo]);
      const { ID, ...rest } = header;
      await insertRows(erp, 'SO_SODetails', lines.map(({ AutoID, ...l }: any) => ({ ...l, cSOCode: no, iQuantity: Number(l.iQuantity) + (change.extraQty ?? 0) })));
      await insertRows(erp, 'SO_SOMain', [{ ...rest, cSOCode: no, dDate: formatBeijing(at), iStatus: 2, iTotalSum: change.total ?? rest.iTotalSum, dPayTime: null, dCloseTime: null, cDefine10: null, dModifyTime: formatBeijing(modifiedAt) }]);
    };
    // The credit customer's line: what it owes on orders placed before these two plus 1,000 CNY; each
    // order of 600 fits alone, the two do not (orders other cases wrote later do not count before them).
    const [{ owed }] = await erp.query('SELECT COALESCE(SUM(iTotalSum), 0) AS owed FROM SO_SOMain WHERE cCusCode = ? AND iStatus IN (1, 2) AND dDate < ?', [creditBase.customerCode, formatBeijing(t0)]);
    await erp.query('UPDATE Customer SET iCreditLine = ?, dModifyTime = ? WHERE cCusCode = ?', [(Number(owed) + 1000).toFixed(2), now(), creditBase.customerCode]);
    const twin = { earlier: `SO-${day}-7101`, later: `SO-${day}-7102` };
    const credit = { earlier: `SO-${day}-7201`, later: `SO-${day}-7202` };
    // The later ones first, as the feed reads them.
    await copy(twinBase, twin.later, t0 + 5 * 60_000, Date.now());
    await copy(creditBase, credit.later, t0 + 5 * 60_000, Date.now(), { total: '600.00', extraQty: 1 });
    await stack.linker.runFreshRound();
    const decisionsOf = async (nos: string[]) =>
      new Map((await orders(nos, 'erpOrderNo onHold decisions { ruleId fired facts } holds { ruleId state }')).map((a) => [a.erpOrderNo, a]));
    const first = await decisionsOf([twin.later, credit.later]);
    const verdict = (o: any, rule: string) => o.decisions.find((d: any) => d.ruleId === rule);
    assert.equal(verdict(first.get(twin.later), 'R11-duplicate-order').fired, false, 'no twin known yet');
    assert.equal(verdict(first.get(credit.later), 'R02-credit-limit').fired, false, 'alone it fits the line');

    // Then the ones placed before them commit, stamped two minutes behind what the feed has read:
    // only the late-commit lane (or the sweep) brings them.
    const stamped = Date.now() - 120_000;
    await copy(twinBase, twin.earlier, t0, stamped);
    await copy(creditBase, credit.earlier, t0, stamped, { total: '600.00' });
    for (let i = 0; i < 12; i++) {
      await stack.linker.runFreshRound();
      const seen = await orders([twin.earlier, credit.earlier], 'erpOrderNo decisions { ruleId }');
      if (seen.every((o) => o?.decisions.length)) break;
    }
    const after = await decisionsOf([twin.earlier, twin.later, credit.earlier, credit.later]);
    assert.ok(after.get(twin.earlier) && after.get(credit.earlier), 'the late orders were read');
    assert.equal(verdict(after.get(twin.earlier), 'R11-duplicate-order').fired, false, `${twin.earlier} is the original`);
    const dup = verdict(after.get(twin.later), 'R11-duplicate-order');
    assert.deepEqual([dup.fired, dup.facts.duplicateOf], [true, twin.earlier], `${twin.later} repeats ${twin.earlier}`);
    assert.equal(verdict(after.get(credit.earlier), 'R02-credit-limit').fired, false, `${credit.earlier} came first and fits the line`);
    assert.equal(verdict(after.get(credit.later), 'R02-credit-limit').fired, true, `${credit.later} came after ${credit.earlier}: together they exceed the line`);
    const holdsOf = (no: string, rule: string) => after.get(no).holds.filter((h: any) => h.ruleId === rule);
    assert.deepEqual(holdsOf(twin.later, 'R11-duplicate-order').map((h: any) => h.state), ['OPEN']);
    assert.deepEqual(holdsOf(credit.later, 'R02-credit-limit').map((h: any) => h.state), ['OPEN']);
    assert.deepEqual([holdsOf(twin.earlier, 'R11-duplicate-order').length, holdsOf(credit.earlier, 'R02-credit-limit').length], [0, 0], 'nothing held on the earlier ones');

    // Audited: why each was judged again, and the hold it got.
    const ops = await stack.token('ops');
    for (const [later, earlier] of [[twin.later, twin.earlier], [credit.later, credit.earlier]]) {
      const res = await stack.query('query($id: ID!) { auditLog(entity: ORDER, entityId: $id) { action actor after } }', { id: later }, { token: ops });
      assert.equal(res.errors, undefined, JSON.stringify(res.errors));
      const rejudged = res.data.auditLog.filter((e: any) => e.action === 'ORDER_REJUDGED');
      assert.equal(rejudged.length, 1, JSON.stringify(res.data.auditLog));
      assert.deepEqual([rejudged[0].actor, rejudged[0].after.precededBy], ['rule-engine', [earlier]]);
    }
    // Idempotent: more rounds and an evaluation on demand change nothing, and write no second hold or entry.
    await stack.linker.runFreshRound();
    const again = await stack.query('mutation($id: ID!) { evaluateOrder(id: $id) { order { decisions { ruleId fired } holds { ruleId } } } }', { id: twin.later }, { token: ops });
    assert.equal(again.errors, undefined, JSON.stringify(again.errors));
    assert.equal(again.data.evaluateOrder.order.decisions.find((d: any) => d.ruleId === 'R11-duplicate-order').fired, true);
    assert.equal(again.data.evaluateOrder.order.holds.filter((h: any) => h.ruleId === 'R11-duplicate-order').length, 1);
    const log = await stack.query('query($id: ID!) { auditLog(entity: ORDER, entityId: $id) { action } }', { id: credit.later }, { token: ops });
    assert.equal(log.data.auditLog.filter((e: any) => e.action === 'ORDER_REJUDGED').length, 1);
  });
});
