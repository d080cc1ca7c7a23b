// Lineage: every field of the supergraph says where it comes from, every column or JSON key it names
// is one the adapter's code really reads, and staff can ask for it through the gateway.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync, readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { buildSchema, isObjectType, isInterfaceType, Kind, parse } from 'graphql';
import { supergraphLineage } from '../subgraphs/order-link/src/lineage.js';
import type { FieldLineage, LineageSystem } from '../common/src/lineage.js';
import { startStack, type Stack } from './helpers/stack.js';
import { lineageDoc } from '../scripts/lineage-doc.js';

/** The code that reads each system; lineage declarations themselves do not count as reading. */
const READERS: Record<LineageSystem, string[]> = {
  ERP: ['subgraphs/erp/adapter'],
  WMS: ['subgraphs/wms/adapter'],
  TMS: ['subgraphs/tms/adapter'],
  CRM: ['subgraphs/crm/adapter'],
  HUB: ['subgraphs/order-link/src', 'subgraphs/order-link/hub.ts', 'subgraphs/fulfilment/src', 'subgraphs/intake/src'],
  GRAPH: [],
};

function sourceText(paths: string[]): string {
  const files: string[] = [];
  const walk = (p: string) => {
    if (statSync(p).isDirectory()) for (const f of readdirSync(p)) walk(join(p, f));
    else if (p.endsWith('.ts') && !p.endsWith('lineage.ts')) files.push(p);
  };
  paths.forEach(walk);
  return files.map((f) => readFileSync(f, 'utf8')).join('\n');
}
const texts = Object.fromEntries(Object.entries(READERS).map(([system, paths]) => [system, sourceText(paths)])) as Record<LineageSystem, string>;
const word = (text: string, w: string) => new RegExp(`(^|[^A-Za-z0-9_])${w.replace(/[$]/g, '\\$')}([^A-Za-z0-9_]|$)`).test(text);

/** What a declaration names that its system's code does not read. */
export function unread(lineage: readonly FieldLineage[], read: Record<LineageSystem, string> = texts): string[] {
  const problems: string[] = [];
  for (const l of lineage) {
    for (const s of l.sources) {
      const system = s.system ?? l.system;
      const text = read[system];
      const key = s.column ?? s.jsonPath?.split(/[.[\]]+/).filter(Boolean).pop();
      if (!key) continue;
      if (!word(text, key)) problems.push(`${l.coordinate}: ${system} ${s.table ?? s.endpoint}.${key} is not read by ${READERS[system].join(', ')}`);
      // A SQL table must be one the code reads too (the TMS and CRM name JSON objects, not tables).
      if (s.table && ['ERP', 'WMS', 'HUB'].includes(system) && !word(text, s.table)) problems.push(`${l.coordinate}: ${system} table ${s.table} is not read`);
    }
  }
  return problems;
}

const api = buildSchema(readFileSync('web/api-schema.graphql', 'utf8'));
/** Each subgraph's own fields (`Type.field`), from its schema file. */
const subgraphFields = (name: string) => {
  const fields = new Set<string>();
  for (const def of parse(readFileSync(`subgraphs/${name}/schema.graphql`, 'utf8')).definitions) {
    if ((def.kind === Kind.OBJECT_TYPE_DEFINITION || def.kind === Kind.OBJECT_TYPE_EXTENSION) && def.fields) for (const f of def.fields) fields.add(`${def.name.value}.${f.name.value}`);
  }
  return fields;
};
const lineage = supergraphLineage();

describe('every field says where it comes from', () => {
  test('every field of the supergraph has a lineage declaration', () => {
    const declared = new Set(lineage.map((l) => l.coordinate));
    const missing: string[] = [];
    for (const type of Object.values(api.getTypeMap())) {
      if (type.name.startsWith('__') || !(isObjectType(type) || isInterfaceType(type))) continue;
      for (const field of Object.keys(type.getFields())) if (!declared.has(`${type.name}.${field}`)) missing.push(`${type.name}.${field}`);
    }
    assert.deepEqual(missing, [], `fields without lineage: ${missing.join(', ')}`);
  });

  test('no declaration names a field its subgraph does not have', () => {
    const own = new Map<string, Set<string>>();
    const stale = lineage.filter((l) => {
      if (!own.has(l.subgraph)) own.set(l.subgraph, subgraphFields(l.subgraph));
      return !own.get(l.subgraph)!.has(l.coordinate);
    });
    assert.deepEqual(stale.map((l) => `${l.subgraph}: ${l.coordinate}`), []);
  });

  test('every column, table and JSON key named is one the adapter (or the hub) reads', () => {
    assert.deepEqual(unread(lineage), []);
  });

  test('the check bites: a column nobody reads, or a table, is reported', () => {
    const made = (sources: FieldLineage['sources'], system: LineageSystem = 'ERP'): FieldLineage => ({ coordinate: 'Order.x', subgraph: 'erp', module: 'm', system, sources, transform: 'AS_IS', derivedFrom: [], note: null });
    assert.equal(unread([made([{ table: 'SO_SOMain', column: 'cSOCode' }])]).length, 0);
    assert.equal(unread([made([{ table: 'SO_SOMain', column: 'cDefine9' }])]).length, 1);
    assert.equal(unread([made([{ table: 'SO_Archive', column: 'cSOCode' }])]).length, 1);
    assert.equal(unread([made([{ endpoint: 'POST /api/v1/waybill/batchQuery', jsonPath: 'data[].volumeM3' }], 'TMS')]).length, 1);
    // A column the ERP has but only the WMS adapter's code could mention does not count for the ERP.
    assert.equal(unread([made([{ table: 'SO_SOMain', column: 'pick_start_time' }])]).length, 1);
  });

  test('docs/lineage.md is written from the declarations as they stand (npm run lineage:doc)', () => {
    assert.equal(readFileSync('docs/lineage.md', 'utf8'), lineageDoc(lineage));
  });

  test('times, money and codes say how they are converted', () => {
    const of = (c: string) => lineage.find((l) => l.coordinate === c)!;
    for (const [c, transform] of [
      ['Order.orderedAt', 'BEIJING_TIME_TO_INSTANT'],
      ['Order.totalAmount', 'DECIMAL_TO_MONEY'],
      ['Order.erpStatus', 'CODE_MAP'],
      ['Outbound.status', 'CODE_MAP'],
      ['TrackingEvent.at', 'BEIJING_TIME_TO_INSTANT'],
      ['ServiceTicket.openedAt', 'EPOCH_MS_TO_INSTANT'],
    ] as const) assert.equal(of(c).transform, transform, c);
  });
});

describe('fieldLineage and lineageGraph through the gateway', () => {
  let stack: Stack;
  before(async () => {
    stack = await startStack({ name: 'lineage', orders: 40, days: 1, linkRounds: 0 });
  });
  after(async () => stack?.close());

  test('Order.lifecycle: the hub, its columns and every system’s record, Beijing time to instants, in Chinese and English', async () => {
    const res = await stack.query(`{ fieldLineage(coordinate: "Order.lifecycle") { coordinate subgraph module system transform transformZh transformEn derivedFrom note sources { system table column endpoint jsonPath } } }`, {}, { token: await stack.token('ops') });
    assert.equal(res.errors, undefined, JSON.stringify(res.errors));
    const l = res.data.fieldLineage;
    assert.equal(l.subgraph, 'order-link');
    assert.equal(l.transform, 'BEIJING_TIME_TO_INSTANT');
    assert.ok(/[\u4e00-\u9fff]/.test(l.transformZh) && /ISO/.test(l.transformEn));
    const named = l.sources.map((s: any) => `${s.system}:${s.table}.${s.column}`);
    for (const s of ['ERP:SO_SOMain.dPayTime', 'WMS:t_out_order.pick_start_time', 'WMS:t_out_order.ship_time', 'ERP:SO_SOMain.dCloseTime', 'HUB:hub_order.paid_at']) assert.ok(named.includes(s), `${s} in ${named.join(', ')}`);
  });

  test('an adapter field names its table and column; a key several subgraphs answer lists them all', async () => {
    const token = await stack.token('warehouse');
    const ordered = (await stack.query(`{ fieldLineage(coordinate: "Order.orderedAt") { subgraph system transform sources { table column } } }`, {}, { token })).data.fieldLineage;
    assert.deepEqual(ordered, { subgraph: 'erp', system: 'ERP', transform: 'BEIJING_TIME_TO_INSTANT', sources: [{ table: 'SO_SOMain', column: 'dDate' }] });
    const code = (await stack.query(`{ fieldLineage(coordinate: "Sku.code") { sources { system table column } } }`, {}, { token })).data.fieldLineage;
    assert.deepEqual(new Set(code.sources.map((s: any) => `${s.system}:${s.table}.${s.column}`)), new Set(['ERP:Inventory.cInvCode', 'WMS:t_stock.sku']));
    const none = await stack.query(`{ fieldLineage(coordinate: "Order.noSuchField") { coordinate } }`, {}, { token });
    assert.equal(none.errors, undefined);
    assert.equal(none.data.fieldLineage, null);
  });

  test('lineageGraph(Order): every field of Order, with columns, tables and systems a page can draw', async () => {
    const res = await stack.query(`{ lineageGraph(type: "Order") { type fields { coordinate } nodes { id kind label } edges { from to transform } } }`, {}, { token: await stack.token('director') });
    assert.equal(res.errors, undefined, JSON.stringify(res.errors));
    const g = res.data.lineageGraph;
    const orderFields = Object.keys((api.getType('Order') as any).getFields());
    assert.deepEqual(new Set(g.fields.map((f: any) => f.coordinate)), new Set(orderFields.map((f) => `Order.${f}`)));
    const ids = new Set(g.nodes.map((n: any) => n.id));
    for (const e of g.edges) assert.ok(ids.has(e.from) && ids.has(e.to), `edge ${e.from} → ${e.to} joins two nodes`);
    // SO_SOMain.dDate → the ERP adapter → Order.orderedAt, converted from Beijing time.
    const column = g.nodes.find((n: any) => n.kind === 'COLUMN' && n.label === 'SO_SOMain.dDate');
    assert.ok(column);
    const toModule = g.edges.find((e: any) => e.from === column.id);
    const toField = g.edges.find((e: any) => e.from === toModule.to && e.to === 'field:Order.orderedAt');
    assert.equal(toField?.transform, 'BEIJING_TIME_TO_INSTANT');
    for (const system of ['ERP', 'WMS', 'TMS', 'HUB']) assert.ok(g.nodes.some((n: any) => n.kind === 'SYSTEM' && n.label === system), system);
  });

  test('customers may not ask; a malformed coordinate or unknown type is BAD_USER_INPUT', async () => {
    const customer = await stack.query(`{ fieldLineage(coordinate: "Order.status") { coordinate } }`, {}, { token: await stack.token('customer', stack.truth.orders[0].customerCode) });
    assert.ok(['FORBIDDEN', 'GRAPHQL_VALIDATION_FAILED'].includes(customer.errors?.[0]?.extensions?.code), JSON.stringify(customer.errors));
    for (const q of [`{ fieldLineage(coordinate: "Order") { coordinate } }`, `{ lineageGraph(type: "NoSuchType") { type } }`]) {
      const res = await stack.query(q);
      assert.equal(res.errors?.[0]?.extensions?.code, 'BAD_USER_INPUT', JSON.stringify(res.errors));
      assert.ok(/[\u4e00-\u9fff]/.test(res.errors![0].extensions!.messageZh) && res.errors![0].extensions!.messageEn);
    }
  });
});
