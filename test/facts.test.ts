// Flat facts for BI, through the gateway with a BI service account's token: every row of the hub's
// tables comes exactly once in a full extraction, an incremental refresh while new orders flow and
// the linker writes misses nothing and doubles nothing, a transaction that commits late is not
// lost, filters and sorts over generated variants agree with the hub's own rows, and the order
// lines come from the ERP in one batched read per page.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { createConnection, type Connection } from 'mysql2/promise';
import type { DataSource } from 'typeorm';
import { startStack, type Stack } from './helpers/stack.js';
import { mintToken } from '../common/src/tokens.js';
import { openDataSource } from '../common/src/db.js';
import { createOrdersAwaitingPick, startLiveFeed } from '../legacy-sim/src/live.js';
import { Random } from '../legacy-sim/src/random.js';
import { legacyCallTotals, callsBetween } from './helpers/legacy-calls.js';

let stack: Stack;
let bi: string;
let hub: DataSource;
let erp: DataSource;

before(async () => {
  stack = await startStack({ name: 'facts', orders: 700, days: 3, seed: 31 });
  const auth = { secret: stack.config.AUTH_JWT_SECRET, issuer: stack.config.AUTH_ISSUER, audience: stack.config.AUTH_AUDIENCE };
  bi = await mintToken(auth, 'svc:facts-test', 'bi', undefined, '1h', { client: 'facts-test', jti: 'facts-test-token' });
  hub = await openDataSource(stack.config.HUB_DATABASE_URL, { poolSize: 2 });
  erp = await openDataSource(stack.targets.erpUrl, { poolSize: 2 });
});

after(async () => {
  await hub?.destroy();
  await erp?.destroy();
  await stack?.close();
});

// ---- What the hub's tables hold, formatted here on their own (not with the code under test) ----
const BEIJING = 8 * 3600_000;
const iso = (ms: unknown) => (ms == null ? null : new Date(Number(ms) + BEIJING).toISOString().slice(0, 19) + '+08:00');
const yuan = (fen: unknown) => (fen == null ? null : `${Number(fen) < 0 ? '-' : ''}${Math.floor(Math.abs(Number(fen)) / 100)}.${String(Math.abs(Number(fen)) % 100).padStart(2, '0')}`);
const ohId = (id: unknown) => `OH${String(id).padStart(10, '0')}`;
/** '…T12:00:01.123456+08:00' → epoch microseconds. */
const stampUs = (text: string) => {
  const m = /^(.*T\d{2}:\d{2}:\d{2})\.(\d{6})(.*)$/.exec(text)!;
  return Date.parse(`${m[1]}${m[3]}`) * 1000 + Number(m[2]);
};

interface Truth {
  orders: Map<string, Record<string, unknown>>;
  documents: Map<string, Record<string, unknown>>;
  decisions: Map<string, Record<string, unknown>>;
  holds: Map<string, Record<string, unknown>>;
}

async function truth(): Promise<Truth> {
  const orders = (await hub.query('SELECT o.*, f.goods_lines, f.qty_state, f.total_fen AS fact_total FROM hub_order o LEFT JOIN hub_order_fact f ON f.order_id = o.id')).map((r: any) => ({
    orderId: ohId(r.id),
    erpOrderNo: r.erp_order_no,
    status: r.status,
    region: r.region,
    storeCode: r.store_code,
    customerCode: r.customer_code,
    cancelled: Number(r.cancelled) === 1,
    orderedAt: iso(r.ordered_at),
    promisedAt: iso(r.promised_at),
    signedAt: iso(r.signed_at),
    deliveredAt: iso(r.signed_at ?? r.completed_at),
    totalAmount: yuan(r.total_fen),
    tmsWaybillNo: r.tms_waybill_no,
    goodsLines: r.goods_lines == null ? null : Number(r.goods_lines),
    quantityState: r.qty_state,
  }));
  const documents = (await hub.query('SELECT * FROM hub_document')).map((r: any) => ({
    system: r.system,
    documentNo: r.document_no,
    state: r.state,
    orderId: r.order_id == null ? null : ohId(r.order_id),
    linkMethod: r.method,
  }));
  const decisions = (await hub.query('SELECT * FROM hub_decision')).map((r: any) => ({ orderId: ohId(r.order_id), ruleId: r.rule_id, fired: Number(r.fired) === 1, evaluatedAt: iso(r.evaluated_at) }));
  const holds = (await hub.query('SELECT * FROM hub_hold')).map((r: any) => ({ holdId: Number(r.id), orderId: ohId(r.order_id), state: r.state }));
  return {
    orders: new Map(orders.map((o: any) => [o.orderId, o])),
    documents: new Map(documents.map((d: any) => [`${d.system}:${d.documentNo}`, d])),
    decisions: new Map(decisions.map((d: any) => [`${d.orderId}:${d.ruleId}`, d])),
    holds: new Map(holds.map((h: any) => [String(h.holdId), h])),
  };
}

// ---- Extraction as a BI tool does it: page after page, by key ----
interface FactSpec {
  field: string;
  where: string;
  columns: string[];
  key: (row: any) => string;
}
const ORDERS: FactSpec = {
  field: 'orderFacts',
  where: 'OrderFactWhere',
  columns: ['orderId', 'erpOrderNo', 'status', 'region', 'storeCode', 'customerCode', 'cancelled', 'orderedAt', 'promisedAt', 'signedAt', 'deliveredAt', 'totalAmount', 'tmsWaybillNo', 'goodsLines', 'quantityState'],
  key: (r) => r.orderId,
};
const DOCUMENTS: FactSpec = { field: 'documentFacts', where: 'DocumentFactWhere', columns: ['system', 'documentNo', 'state', 'orderId', 'linkMethod'], key: (r) => `${r.system}:${r.documentNo}` };
const DECISIONS: FactSpec = { field: 'ruleDecisionFacts', where: 'RuleDecisionFactWhere', columns: ['orderId', 'ruleId', 'fired', 'evaluatedAt'], key: (r) => `${r.orderId}:${r.ruleId}` };
const HOLDS: FactSpec = { field: 'holdFacts', where: 'HoldFactWhere', columns: ['holdId', 'orderId', 'state'], key: (r) => String(r.holdId) };

interface Extraction {
  rows: any[];
  highWaterMark: string;
  pages: number;
}

async function extract(spec: FactSpec, options: { updatedSince?: string; where?: unknown; orderBy?: unknown; first?: number; columns?: string[] } = {}): Promise<Extraction> {
  const rows: any[] = [];
  let after: string | null = null;
  let highWaterMark = '';
  let pages = 0;
  const orderArg = options.orderBy ? `, orderBy: $orderBy` : '';
  const orderVar = options.orderBy ? `, $orderBy: [${spec.where.replace('Where', 'Order')}!]` : '';
  for (;;) {
    const res: any = await stack.query(
      `query($after: String, $since: String, $where: ${spec.where}${orderVar}) { page: ${spec.field}(first: ${options.first ?? 1000}, after: $after, updatedSince: $since, where: $where${orderArg}) { highWaterMark pageInfo { hasNextPage endCursor } nodes { ${(options.columns ?? spec.columns).join(' ')} } } }`,
      { after, since: options.updatedSince ?? null, where: options.where ?? null, orderBy: options.orderBy ?? null },
      { token: bi },
    );
    assert.equal(res.errors, undefined, JSON.stringify(res.errors));
    const page = res.data.page;
    rows.push(...page.nodes);
    highWaterMark ||= page.highWaterMark;
    // Every page of one extraction hands back the same mark: the one taken when it began.
    assert.equal(page.highWaterMark, highWaterMark);
    pages++;
    if (!page.pageInfo.hasNextPage) break;
    after = page.pageInfo.endCursor;
  }
  return { rows, highWaterMark, pages };
}

/** Incremental refreshes until the mark has passed `untilUs` (it trails now by a second): every row changed meanwhile, latest version. */
async function catchUp(spec: FactSpec, mark: string, untilUs: number): Promise<{ rows: any[]; highWaterMark: string }> {
  const rows = new Map<string, any>();
  for (let i = 0; i < 40; i++) {
    const inc = await extract(spec, { updatedSince: mark });
    for (const r of inc.rows) rows.set(spec.key(r), r);
    mark = inc.highWaterMark;
    if (stampUs(mark) > untilUs) return { rows: [...rows.values()], highWaterMark: mark };
    await new Promise((r) => setTimeout(r, 250));
  }
  throw new Error(`the mark of ${spec.field} did not pass ${untilUs}`);
}

/** Rows by key; a key twice in one extraction fails. */
function byKey(spec: FactSpec, rows: any[], what: string): Map<string, any> {
  const map = new Map<string, any>();
  for (const r of rows) {
    const k = spec.key(r);
    assert.ok(!map.has(k), `${what}: ${k} came twice`);
    map.set(k, r);
  }
  return map;
}

function assertSameTable(spec: FactSpec, got: Map<string, any>, want: Map<string, Record<string, unknown>>, what: string) {
  const missing = [...want.keys()].filter((k) => !got.has(k));
  const extra = [...got.keys()].filter((k) => !want.has(k));
  assert.deepEqual({ missing: missing.slice(0, 10), extra: extra.slice(0, 10) }, { missing: [], extra: [] }, `${what}: ${missing.length} missing, ${extra.length} extra`);
  for (const [k, row] of want) {
    const mine = Object.fromEntries(Object.keys(row).map((c) => [c, got.get(k)[c]]));
    assert.deepEqual(mine, row, `${what}: ${k}`);
  }
}

describe('flat facts for BI', () => {
  test('a full extraction gives every row of the hub\'s tables once, with the values the tables hold', async () => {
    const want = await truth();
    assert.ok(want.orders.size >= 700 && want.documents.size > 500 && want.decisions.size > 100 && want.holds.size > 0, 'the data set has every kind of fact');
    const orders = await extract(ORDERS);
    assert.ok(orders.pages >= 1);
    assertSameTable(ORDERS, byKey(ORDERS, orders.rows, 'orders'), want.orders, 'orders');
    // Pages of 97: keyset paging gives the same rows in the same order as pages of 1,000.
    const small = await extract(ORDERS, { first: 97, columns: ['orderId'] });
    assert.deepEqual(small.rows.map((r) => r.orderId), orders.rows.map((r) => r.orderId));
    assert.ok(small.pages >= 8);
    for (const [spec, table] of [[DOCUMENTS, want.documents], [DECISIONS, want.decisions], [HOLDS, want.holds]] as const) {
      const got = await extract(spec);
      assertSameTable(spec, byKey(spec, got.rows, spec.field), table, spec.field);
    }
  });

  test('an incremental refresh while new orders flow and the linker writes misses nothing and doubles nothing', async () => {
    const client = new Map<FactSpec, Map<string, any>>();
    const marks = new Map<FactSpec, string>();
    const specs = [ORDERS, DOCUMENTS, DECISIONS, HOLDS];
    for (const spec of specs) {
      const full = await extract(spec);
      client.set(spec, byKey(spec, full.rows, `${spec.field} full`));
      marks.set(spec, full.highWaterMark);
    }
    // New orders as they happen (the ERP, the WMS and the TMS written step by step), linked,
    // evaluated and their facts kept by the running linker, while BI refreshes again and again.
    const errors: unknown[] = [];
    const feed = startLiveFeed({ erpUrl: stack.targets.erpUrl, wmsUrl: stack.targets.wmsUrl, tmsApiUrl: stack.tmsApiUrl }, { perMinute: 240, pace: 1 / 2000, seed: 99, onError: (e) => errors.push(e) });
    const before = (await truth()).orders.size;
    let refreshes = 0;
    let changed = 0;
    const refresh = async () => {
      for (const spec of specs) {
        const inc = await extract(spec, { updatedSince: marks.get(spec) });
        // A row changed twice while the refresh ran comes once now, and again next time.
        const rows = byKey(spec, inc.rows, `${spec.field} incremental`);
        for (const [k, r] of rows) client.get(spec)!.set(k, r);
        changed += rows.size;
        assert.ok(inc.highWaterMark >= marks.get(spec)!, 'the mark never goes back');
        marks.set(spec, inc.highWaterMark);
      }
      refreshes++;
    };
    const until = Date.now() + 12_000;
    while (Date.now() < until) await refresh();
    await feed.stop();
    assert.deepEqual(errors, []);
    // Let the linker settle what the feed wrote last, then one more refresh: the client's copy is the hub.
    // The running linker is stopped first (its rounds would keep writing after the moment below), and
    // rounds run until one reads every feed (under load a round can fail one and finish later).
    await stack.linker.stop();
    let want: Awaited<ReturnType<typeof truth>>;
    try {
      for (let round = 0, failed = 0; round < 2 || (failed > 0 && round < 12); round++) failed = (await stack.linker.runRound()).failedFeeds;
      // Writes have stopped: refresh until every mark is past that moment (a mark trails now by a second).
      const settled = Date.now() * 1000;
      for (let i = 0; i < 40 && [...marks.values()].some((m) => stampUs(m) <= settled); i++) {
        await new Promise((r) => setTimeout(r, 250));
        await refresh();
      }
      want = await truth();
    } finally {
      stack.linker.start();
    }
    assert.ok(want.orders.size > before + 10, `new orders were linked while extracting (${want.orders.size - before})`);
    assert.ok(refreshes >= 3 && changed > 0);
    assertSameTable(ORDERS, client.get(ORDERS)!, want.orders, 'orders after refreshes');
    assertSameTable(DOCUMENTS, client.get(DOCUMENTS)!, want.documents, 'documents after refreshes');
    // A rule disabled meanwhile would take decisions away; none was: the copy is the table.
    assertSameTable(DECISIONS, client.get(DECISIONS)!, want.decisions, 'decisions after refreshes');
    assertSameTable(HOLDS, client.get(HOLDS)!, want.holds, 'holds after refreshes');
  });

  test('a hub transaction that commits after an extraction passed its time is in the next refresh', async (t) => {
    if (stack.dialect !== 'mysql') return t.skip('the exact horizon needs MariaDB\'s INNODB_TRX');
    const start = await extract(ORDERS, { columns: ['orderId'] });
    const docStart = await extract(DOCUMENTS, { columns: ['documentNo'] });
    const url = new URL(stack.config.HUB_DATABASE_URL);
    const conn: Connection = await createConnection({ host: url.hostname, port: Number(url.port || 3306), user: decodeURIComponent(url.username), password: decodeURIComponent(url.password), database: url.pathname.slice(1) });
    const [[victim]]: any = await conn.query("SELECT id FROM hub_order WHERE status = 'COMPLETED' ORDER BY id LIMIT 1");
    try {
      await conn.query('BEGIN');
      // A change the linker would make: written now, committed only after BI has read past it.
      await conn.query("UPDATE hub_order SET missing_nodes = CASE WHEN missing_nodes = '' THEN 'PICKING' ELSE '' END WHERE id = ?", [victim.id]);
      const now = Date.now();
      await conn.query("INSERT INTO hub_document (system, document_no, state, reason, first_seen_at, updated_at) VALUES ('WMS', 'CK-LATE-COMMIT-1', 'UNLINKED', 'NO_MATCH', ?, ?)", [now, now]);
      const [[written]]: any = await conn.query('SELECT changed_us FROM hub_order WHERE id = ?', [victim.id]);
      // Long enough that "now" at the extraction below is well past the change's stamp.
      await new Promise((r) => setTimeout(r, 2500));
      const naiveMark = Date.now() * 1000;
      const during = await extract(ORDERS, { updatedSince: start.highWaterMark, columns: ['orderId'] });
      const docsDuring = await extract(DOCUMENTS, { updatedSince: docStart.highWaterMark, columns: ['documentNo'] });
      assert.ok(!during.rows.some((r) => r.orderId === ohId(victim.id)), 'an uncommitted change is not read');
      assert.ok(!docsDuring.rows.some((r) => r.documentNo === 'CK-LATE-COMMIT-1'));
      // The trap is real: a mark of "now" (or of the latest change seen) would be past the change.
      assert.ok(Number(written.changed_us) < naiveMark, 'the change was stamped before the extraction ran');
      assert.ok(stampUs(during.highWaterMark) <= Number(written.changed_us), `the mark (${during.highWaterMark}) stays at or before the open transaction's change`);
      await conn.query('COMMIT');
      // Refresh as a BI tool would until the mark has passed the change (another transaction
      // the linker holds open may keep it back a little longer): the change must have come by then.
      const seen = { order: false, document: false };
      let marks = { orders: during.highWaterMark, documents: docsDuring.highWaterMark };
      for (let i = 0; i < 60 && (stampUs(marks.orders) <= Number(written.changed_us) || stampUs(marks.documents) <= Number(written.changed_us)); i++) {
        const next = await extract(ORDERS, { updatedSince: marks.orders, columns: ['orderId', 'missingNodes'] });
        const docsNext = await extract(DOCUMENTS, { updatedSince: marks.documents, columns: ['documentNo', 'state'] });
        seen.order ||= next.rows.some((r) => r.orderId === ohId(victim.id));
        seen.document ||= docsNext.rows.some((r) => r.documentNo === 'CK-LATE-COMMIT-1' && r.state === 'UNLINKED');
        marks = { orders: next.highWaterMark, documents: docsNext.highWaterMark };
        if (stampUs(marks.orders) <= Number(written.changed_us)) await new Promise((r) => setTimeout(r, 500));
      }
      assert.ok(stampUs(marks.orders) > Number(written.changed_us), 'the mark moved past the change once it was committed');
      assert.deepEqual(seen, { order: true, document: true }, 'the late commit came with a refresh before the mark passed it');
    } finally {
      await conn.query('ROLLBACK').catch(() => undefined);
      await conn.query("DELETE FROM hub_document WHERE document_no = 'CK-LATE-COMMIT-1'");
      await conn.end();
    }
  });

  test('a late commit is not passed over while another client reads INNODB_TRX so often that its copy is never refilled', async (t) => {
    if (stack.dialect !== 'mysql') return t.skip('INNODB_TRX is MariaDB\'s');
    const start = await extract(ORDERS, { columns: ['orderId'] });
    const url = new URL(stack.config.HUB_DATABASE_URL);
    const open = () => createConnection({ host: url.hostname, port: Number(url.port || 3306), user: decodeURIComponent(url.username), password: decodeURIComponent(url.password), database: url.pathname.slice(1) });
    const [conn, reader] = await Promise.all([open(), open()]);
    // InnoDB fills its INNODB_TRX copy again only after 0.1 s unread: read every 20 ms, it stays as it was.
    let reading = true;
    const reads = (async () => {
      while (reading) {
        await reader.query('SELECT COUNT(*) AS n FROM information_schema.INNODB_TRX');
        await new Promise((r) => setTimeout(r, 20));
      }
    })();
    const [[victim]]: any = await conn.query("SELECT id FROM hub_order WHERE status = 'COMPLETED' ORDER BY id DESC LIMIT 1");
    try {
      await new Promise((r) => setTimeout(r, 300));
      await conn.query('BEGIN');
      await conn.query("UPDATE hub_order SET missing_nodes = CASE WHEN missing_nodes = '' THEN 'PACKING' ELSE '' END WHERE id = ?", [victim.id]);
      const [[written]]: any = await conn.query('SELECT changed_us FROM hub_order WHERE id = ?', [victim.id]);
      await new Promise((r) => setTimeout(r, 2500));
      const during = await extract(ORDERS, { updatedSince: start.highWaterMark, columns: ['orderId'] });
      assert.ok(stampUs(during.highWaterMark) <= Number(written.changed_us), `the mark (${during.highWaterMark}) stays at or before the open transaction's change though the list was old`);
      await conn.query('COMMIT');
      reading = false;
      await reads;
      let mark = during.highWaterMark;
      let seen = false;
      for (let i = 0; i < 60 && stampUs(mark) <= Number(written.changed_us); i++) {
        const next = await extract(ORDERS, { updatedSince: mark, columns: ['orderId'] });
        seen ||= next.rows.some((r) => r.orderId === ohId(victim.id));
        mark = next.highWaterMark;
        if (stampUs(mark) <= Number(written.changed_us)) await new Promise((r) => setTimeout(r, 500));
      }
      assert.equal(seen, true, 'the late commit came with a refresh before the mark passed it');
    } finally {
      reading = false;
      await reads.catch(() => undefined);
      await conn.query('ROLLBACK').catch(() => undefined);
      await Promise.all([conn.end(), reader.end()]);
    }
  });

  test('filters over generated variants select exactly the rows the hub\'s own values say', async () => {
    const rows = [...(await truth()).orders.values()];
    const rng = new Random(20251108);
    const pick = <T>(xs: T[]) => xs[Math.floor(rng.next() * xs.length)];
    const valueOf = (col: string) => pick(rows.map((r) => r[col]).filter((v) => v != null));
    type Leaf = { col: string; op: string; value: unknown };
    const leaf = (): Leaf => {
      const col = pick(['status', 'region', 'storeCode', 'totalAmount', 'orderedAt', 'promisedAt', 'goodsLines', 'cancelled', 'tmsWaybillNo', 'quantityState', 'signedAt']);
      const kind = col === 'cancelled' ? 'bool' : ['totalAmount', 'orderedAt', 'promisedAt', 'goodsLines', 'signedAt'].includes(col) ? 'ordered' : 'text';
      const op = kind === 'bool' ? pick(['eq', 'ne']) : kind === 'ordered' ? pick(['eq', 'ne', 'gt', 'ge', 'lt', 'le', 'isNull']) : pick(['eq', 'ne', 'in', 'isNull', 'contains', 'startsWith']);
      if (op === 'isNull') return { col, op, value: rng.next() < 0.5 };
      if (op === 'in') return { col, op, value: [valueOf(col), valueOf(col)] };
      if (op === 'contains' || op === 'startsWith') return { col, op, value: String(valueOf(col)).slice(op === 'contains' ? 1 : 0, 3) };
      return { col, op, value: valueOf(col) };
    };
    type Tree = Leaf | { and: Tree[] } | { or: Tree[] } | { not: Tree };
    const tree = (depth: number): Tree => {
      const r = rng.next();
      if (depth >= 3 || r < 0.4) return leaf();
      if (r < 0.65) return { and: [tree(depth + 1), tree(depth + 1)] };
      if (r < 0.9) return { or: [tree(depth + 1), tree(depth + 1)] };
      return { not: tree(depth + 1) };
    };
    const toWhere = (t: Tree): unknown => ('and' in t ? { and: t.and.map(toWhere) } : 'or' in t ? { or: t.or.map(toWhere) } : 'not' in t ? { not: toWhere(t.not) } : { [t.col]: { [t.op]: t.value } });
    // OData's meaning, written out: null eq x is false, null ne x true, null never orders.
    const num = (col: string, v: unknown) => (v == null ? null : col === 'totalAmount' || col === 'goodsLines' ? Number(v) : col.endsWith('At') ? Date.parse(String(v)) : v);
    const holds = (t: Tree, r: Record<string, unknown>): boolean => {
      if ('and' in t) return t.and.every((x) => holds(x, r));
      if ('or' in t) return t.or.some((x) => holds(x, r));
      if ('not' in t) return !holds(t.not, r);
      const v = num(t.col, r[t.col]);
      const x = num(t.col, t.value) as any;
      switch (t.op) {
        case 'isNull': return (v == null) === t.value;
        case 'eq': return v != null && v === x;
        case 'ne': return v == null || v !== x;
        case 'gt': return v != null && (v as any) > x;
        case 'ge': return v != null && (v as any) >= x;
        case 'lt': return v != null && (v as any) < x;
        case 'le': return v != null && (v as any) <= x;
        case 'in': return v != null && (t.value as unknown[]).includes(v as any);
        case 'contains': return v != null && String(v).toLowerCase().includes(String(t.value).toLowerCase());
        case 'startsWith': return v != null && String(v).toLowerCase().startsWith(String(t.value).toLowerCase());
      }
      throw new Error(t.op);
    };
    let nonTrivial = 0;
    for (let i = 0; i < 40; i++) {
      const t = tree(0);
      const want = rows.filter((r) => holds(t, r)).map((r) => r.orderId as string).sort();
      const got = await extract(ORDERS, { where: toWhere(t), columns: ['orderId'], first: 300 });
      assert.deepEqual(got.rows.map((r) => r.orderId).sort(), want, JSON.stringify(toWhere(t)));
      if (want.length > 0 && want.length < rows.length) nonTrivial++;
    }
    assert.ok(nonTrivial >= 15, `most variants select some rows but not all (${nonTrivial})`);
  });

  test('sorted extractions page through in order, nulls first ascending and last descending', async () => {
    const rows = [...(await truth()).orders.values()];
    const key = (col: string, v: unknown) => (v == null ? null : col === 'totalAmount' || col === 'goodsLines' ? Number(v) : Date.parse(String(v)));
    for (const [col, direction, field] of [['promisedAt', 'DESC', 'PROMISED_AT'], ['totalAmount', 'ASC', 'TOTAL_AMOUNT'], ['signedAt', 'ASC', 'SIGNED_AT'], ['goodsLines', 'DESC', 'GOODS_LINES']] as const) {
      const want = [...rows]
        .sort((a, b) => {
          const x = key(col, a[col]);
          const y = key(col, b[col]);
          if (x !== y) {
            const d = x == null ? -1 : y == null ? 1 : x < y ? -1 : 1;
            return direction === 'DESC' ? -d : d;
          }
          return String(a.orderId) < String(b.orderId) ? -1 : 1;
        })
        .map((r) => r.orderId);
      const got = await extract(ORDERS, { orderBy: [{ field, direction }], first: 61, columns: ['orderId'] });
      assert.deepEqual(got.rows.map((r) => r.orderId), want, `${col} ${direction}`);
    }
  });

  test('order lines come from the ERP, every line once, one batched ERP read per page', async () => {
    const erpLines = await erp.query('SELECT d.cSOCode, d.iRowNo, d.cInvCode, d.iQuantity, d.iSum FROM SO_SODetails d');
    const linked = new Set((await hub.query('SELECT erp_order_no FROM hub_order')).map((r: any) => r.erp_order_no));
    const want = new Map<string, any>(erpLines.filter((l: any) => linked.has(l.cSOCode)).map((l: any) => [`${l.cSOCode}#${l.iRowNo}`, { skuCode: l.cInvCode, quantity: Number(l.iQuantity), amount: yuan(Math.round(Number(l.iSum) * 100)) }]));
    const before = await legacyCallTotals(Object.values(stack.subgraphUrls));
    const got = await extract({ field: 'orderLineFacts', where: 'OrderLineFactWhere', columns: ['erpOrderNo', 'lineNo', 'skuCode', 'quantity', 'amount', 'skuName'], key: (r) => `${r.erpOrderNo}#${r.lineNo}` }, { first: 1000 });
    const calls = callsBetween(before, await legacyCallTotals(Object.values(stack.subgraphUrls)));
    const mine = new Map(got.rows.map((r) => [`${r.erpOrderNo}#${r.lineNo}`, r]));
    assert.equal(mine.size, got.rows.length, 'no line twice');
    assert.equal(mine.size, want.size);
    for (const [k, w] of want) assert.deepEqual({ skuCode: mine.get(k).skuCode, quantity: mine.get(k).quantity, amount: mine.get(k).amount }, w, k);
    assert.ok(got.rows.every((r) => typeof r.skuName === 'string' && r.skuName.length > 0));
    // Lines of a page's orders in one read, their SKUs in another: a few reads per page, never one per order.
    const reads = calls['erp:SO_SODetails.facts'] ?? 0;
    assert.ok(reads > 0 && reads <= got.pages * 3, `${reads} ERP line reads for ${got.pages} pages`);
    assert.ok((calls['erp:Inventory.byCode'] ?? 0) <= reads, JSON.stringify(calls));
  });

  test('a filter on a column another system gives is decided after reading, and pages still hold together', async () => {
    const all = await extract(ORDERS, { columns: ['orderId', 'blockersCount'], first: 200 });
    const blocked = all.rows.filter((r) => r.blockersCount > 0).map((r) => r.orderId);
    assert.ok(blocked.length > 0 && blocked.length < all.rows.length);
    const got = await extract(ORDERS, { where: { blockersCount: { gt: 0 } }, columns: ['orderId', 'blockersCount'], first: 50 });
    assert.deepEqual(got.rows.map((r) => r.orderId), blocked);
  });

  test('bad arguments are refused with a clear code, and a BI client reads pages of 1,000, people 200', async () => {
    const ask = (q: string, token = bi) => stack.query(q, {}, { token });
    const code = (r: any) => r.errors?.[0]?.extensions?.code;
    assert.equal(code(await ask('{ orderFacts(first: 1001) { nodes { orderId } } }')), 'BAD_USER_INPUT');
    const total = (await truth()).orders.size;
    assert.equal((await ask('{ orderFacts(first: 1000) { nodes { orderId } } }')).data.orderFacts.nodes.length, Math.min(1000, total));
    const ops = await stack.token('ops');
    assert.equal(code(await ask('{ orderFacts(first: 201) { nodes { orderId } } }', ops)), 'BAD_USER_INPUT');
    assert.equal(code(await ask('{ orderFacts(after: "nonsense") { nodes { orderId } } }')), 'BAD_USER_INPUT');
    const first = await ask('{ orderFacts(first: 2, where: { status: { eq: "SIGNED" } }) { pageInfo { endCursor } } }');
    const other = await ask(`{ orderFacts(first: 2, after: "${first.data.orderFacts.pageInfo.endCursor}", where: { status: { eq: "PAID" } }) { nodes { orderId } } }`);
    assert.equal(code(other), 'BAD_USER_INPUT');
    assert.match(other.errors![0].message, /where, orderBy/);
    assert.equal(code(await ask('{ orderFacts(updatedSince: "2025-11-08", orderBy: [{ field: ORDERED_AT }]) { nodes { orderId } } }')), 'BAD_USER_INPUT');
    assert.equal(code(await ask('{ orderFacts(updatedSince: "yesterday") { nodes { orderId } } }')), 'BAD_USER_INPUT');
    assert.equal(code(await ask('{ orderFacts(where: { totalAmount: { gt: "12.345" } }) { nodes { orderId } } }')), 'BAD_USER_INPUT');
    assert.equal(code(await ask('{ orderFacts(where: { orderedAt: { gt: "2025-13-01" } }) { nodes { orderId } } }')), 'BAD_USER_INPUT');
    assert.equal(code(await ask('{ orderFacts(where: { blockersCount: { gt: 0 } }) { totalCount } }')), 'BAD_USER_INPUT');
    assert.equal(code(await ask('{ reconciliationItemFacts(where: { date: { ge: "2024-01-01", lt: "2025-12-01" } }) { totalCount } }')), 'BAD_USER_INPUT');
    // Personal data: refused to a BI client however it is asked, before any subgraph is.
    const personal = await ask('{ orderFacts(first: 1) { nodes { orderId receiverMobile shipAddress } } }');
    assert.equal(code(personal), 'FORBIDDEN');
    assert.deepEqual(personal.errors![0].extensions!.fields, ['OrderFact.receiverMobile', 'OrderFact.shipAddress']);
    assert.equal(code(await ask('{ orderFacts(first: 1, where: { receiverMobile: { isNull: false } }) { nodes { orderId } } }')), 'FORBIDDEN');
    assert.equal((await ask('{ orderFacts(first: 1) { nodes { orderId receiverMobile } } }', ops)).errors, undefined);
  });

  test('pick scans come as they are made, once each, with their outcome', async () => {
    const SCANS: FactSpec = { field: 'scanFacts', where: 'ScanFactWhere', columns: ['scanId', 'outboundNo', 'erpOrderNo', 'picker', 'outcome', 'outcomeZh', 'quantity', 'scannedAt'], key: (r) => String(r.scanId) };
    const before = await extract(SCANS);
    const [order] = await createOrdersAwaitingPick({ erpUrl: stack.targets.erpUrl, wmsUrl: stack.targets.wmsUrl, tmsApiUrl: stack.tmsApiUrl }, { count: 1, seed: 4711 });
    // Linked, as a picker would find it (a round already under way when the order was written may not have read it).
    for (let tries = 0; ; tries++) {
      await stack.linker.runRound();
      const known = await stack.query('query($id: ID!) { order(id: $id) { wmsOutboundNo } }', { id: order.erpOrderNo });
      if (known.data?.order?.wmsOutboundNo === order.outboundNo) break;
      assert.ok(tries < 40, `${order.erpOrderNo} linked to ${order.outboundNo}`);
    }
    const scans = ['NOT-A-BARCODE', 'WMS|NO-SUCH-SKU|X1|1'];
    for (const barcode of scans) {
      const res = await stack.query('mutation($id: ID!, $b: String!) { scanItem(orderId: $id, barcode: $b, picker: "picker-7") { outcome } }', { id: order.erpOrderNo, b: barcode }, { token: await stack.token('warehouse') });
      assert.equal(res.errors, undefined, JSON.stringify(res.errors));
    }
    const after = await catchUp(SCANS, before.highWaterMark, Date.now() * 1000);
    const want = (await hub.query('SELECT * FROM hub_pick_scan WHERE out_no = ? ORDER BY id', [order.outboundNo])).map((r: any) => ({
      scanId: Number(r.id),
      outboundNo: r.out_no,
      erpOrderNo: order.erpOrderNo,
      picker: r.picker,
      outcome: r.outcome,
      outcomeZh: r.outcome === 'UNKNOWN_BARCODE' ? '无法识别' : r.outcome === 'WRONG_SKU' ? '商品错误' : r.outcome,
      quantity: Number(r.quantity),
      scannedAt: iso(r.scanned_at),
    }));
    assert.equal(want.length, scans.length);
    assert.deepEqual(after.rows.filter((r) => r.outboundNo === order.outboundNo), want);
  });

  test('rows served are counted by client name', async () => {
    const text = await (await fetch(new URL('/metrics', stack.subgraphUrls['order-link']))).text();
    const served = Number(/facts_rows_served_total\{[^}]*fact="orderFacts"[^}]*client="facts-test"[^}]*\} (\d+)/.exec(text)?.[1] ?? 0);
    assert.ok(served >= 700, `order rows served to facts-test: ${served}`);
    const gateway = await (await fetch(new URL('/metrics', stack.gatewayUrl))).text();
    assert.match(gateway, /gateway_client_requests_total\{[^}]*client="facts-test",role="bi"[^}]*\} \d+/);
  });
});

describe('flat facts on the embedded SQLite default', () => {
  let lite: Stack;
  before(async () => {
    lite = await startStack({ name: 'facts-lite', orders: 150, days: 1, seed: 8, dialect: 'sqlite', env: { FACTS_COMMIT_LAG_MS: '200' } });
  });
  after(async () => {
    await lite?.close();
  });

  test('a full extraction and an incremental one read the same tables the same way', async () => {
    const q = (query: string, variables?: Record<string, unknown>) => lite.query(query, variables);
    // Settle first: work the stack starts with (remarks' requirements written back to the ERP, the
    // rules' effects through the outbox) changes some orders in the ERP after the first round, and
    // the hub rightly reads their new versions. Extract once a round has changed nothing.
    const FULL = '{ orderFacts(first: 200) { highWaterMark nodes { orderId status statusZh totalAmount orderedAt rulesFired changedAt } } }';
    let full = await q(FULL);
    for (let settled = false, tries = 0; !settled && tries < 20; tries++) {
      await lite.outbox.runOnce();
      await lite.linker.runRound();
      await new Promise((r) => setTimeout(r, 400));
      const since = await q('query($s: String) { orderFacts(first: 200, updatedSince: $s) { nodes { orderId } } }', { s: full.data.orderFacts.highWaterMark });
      settled = since.data.orderFacts.nodes.length === 0;
      if (!settled) full = await q(FULL);
    }
    assert.equal(full.errors, undefined, JSON.stringify(full.errors));
    assert.equal(full.data.orderFacts.nodes.length, lite.truth.orders.length);
    assert.ok(full.data.orderFacts.nodes.every((n: any) => /^OH\d{10}$/.test(n.orderId) && /^\d+\.\d{2}$/.test(n.totalAmount) && n.changedAt && n.statusZh));
    for (const field of ['documentFacts', 'ruleDecisionFacts', 'holdFacts', 'scanFacts']) {
      const res = await q(`{ ${field}(first: 5, orderBy: [{ field: CHANGED_AT, direction: DESC }]) { totalCount nodes { changedAt } } }`);
      assert.equal(res.errors, undefined, `${field}: ${JSON.stringify(res.errors)}`);
    }
    // A new order, linked: the next refresh has it (and its facts), and nothing else changed.
    await createOrdersAwaitingPick({ erpUrl: lite.targets.erpUrl, wmsUrl: lite.targets.wmsUrl, tmsApiUrl: lite.tmsApiUrl }, { count: 1, seed: 5 });
    await lite.linker.runRound();
    await new Promise((r) => setTimeout(r, 400));
    const inc = await q('query($s: String) { orderFacts(first: 200, updatedSince: $s) { nodes { orderId erpOrderNo } } }', { s: full.data.orderFacts.highWaterMark });
    assert.equal(inc.errors, undefined, JSON.stringify(inc.errors));
    assert.equal(inc.data.orderFacts.nodes.length, 1);
    assert.match(inc.data.orderFacts.nodes[0].erpOrderNo, /^SO-/);
  });
});
