// The README's first command, as a newcomer runs it: `npm start` seeds the embedded default, brings
// up simulators, subgraphs and gateway (building the web pages when stale), prints a query that
// works and a sign-in link per role, and keeps new orders coming.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DEFAULT_SEED_OPTIONS, generate } from '../legacy-sim/src/generator.js';
import { formatFen } from '../common/src/money.js';

async function freePort(): Promise<number> {
  return new Promise((resolve) => {
    const srv = createServer();
    srv.listen(0, '127.0.0.1', () => {
      const { port } = srv.address() as { port: number };
      srv.close(() => resolve(port));
    });
  });
}

test('npm start brings the whole graph up on SQLite with demo data, prints a working query and sign-in links, and streams new orders', { timeout: 180_000 }, async () => {
  const dir = mkdtempSync(join(tmpdir(), 'oh-start-'));
  const [gateway, erp, wms, tms, crm, link, tmsSim, crmSim] = await Promise.all(Array.from({ length: 8 }, freePort));
  const env = {
    ...process.env,
    NODE_ENV: 'development',
    ERP_DATABASE_URL: `sqlite:${dir}/erp.sqlite`,
    WMS_DATABASE_URL: `sqlite:${dir}/wms.sqlite`,
    HUB_DATABASE_URL: `sqlite:${dir}/hub.sqlite`,
    TMS_SIM_DATABASE_URL: `sqlite:${dir}/tms.sqlite`,
    CRM_SIM_DATABASE_URL: `sqlite:${dir}/crm.sqlite`,
    TMS_API_URL: `http://127.0.0.1:${tmsSim}`,
    CRM_API_URL: `http://127.0.0.1:${crmSim}`,
    GATEWAY_PORT: String(gateway),
    ERP_SUBGRAPH_PORT: String(erp),
    WMS_SUBGRAPH_PORT: String(wms),
    TMS_SUBGRAPH_PORT: String(tms),
    CRM_SUBGRAPH_PORT: String(crm),
    ORDER_LINK_SUBGRAPH_PORT: String(link),
    SIM_LIVE_ORDERS_PER_MIN: '120',
    LOG_LEVEL: 'warn',
  };
  const child = spawn(process.execPath, ['--import', 'tsx', 'scripts/start.ts'], { env, stdio: ['ignore', 'pipe', 'pipe'] });
  let output = '';
  child.stdout.on('data', (c) => (output += c));
  child.stderr.on('data', (c) => (output += c));
  const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
  try {
    // Seeding, and on a fresh clone building the web pages (web/tools/build.ts), come first.
    const deadline = Date.now() + 150_000;
    while (!output.includes('Order Hub is up') && Date.now() < deadline && child.exitCode === null) await new Promise((r) => setTimeout(r, 200));
    assert.match(output, /Order Hub is up: http:\/\/127\.0\.0\.1:\d+\/graphql/, output);
    assert.match(output, /Seeded 7800 orders/);
    // The ground truth the seed wrote beside the data: every order, its true links and anomalies.
    const truthFile = /ground truth in (\S+\.json)/.exec(output)?.[1];
    assert.ok(truthFile, 'the seed says where the ground truth is');
    const truth = JSON.parse(readFileSync(truthFile, 'utf8'));
    assert.equal(truth.orders.length, 7800);
    // Exactly what the generator says for the default options: every order, its true links and
    // methods, every anomaly with what it touches.
    const data = generate(DEFAULT_SEED_OPTIONS);
    assert.deepEqual(truth, JSON.parse(JSON.stringify(data.truth)), 'the ground truth written is the generator\'s');
    assert.equal(truth.orders.filter((o: any) => o.outbound?.method === 'NORMALIZED_REFERENCE').length, truth.anomalies.filter((a: any) => a.kind === 'refVariant').length);
    // What the first sync printed is what the hub holds: every order, and every outbound and waybill
    // the truth links (the rest are ambiguous, contradicting or name nothing).
    const synced = /synced in \d+ ms: (\d+) orders, (\d+) outbounds and (\d+) waybills linked\n/.exec(output);
    assert.ok(synced, output);
    assert.deepEqual(synced.slice(1).map(Number), [
      7800,
      truth.orders.filter((x: any) => x.outbound?.method).length,
      truth.orders.filter((x: any) => x.waybill?.method).length,
    ]);
    const url = `http://127.0.0.1:${gateway}/graphql`;

    // The printed examples, exactly as printed: as staff, and as the demo customer.
    const printed = [...output.matchAll(/-H 'authorization: (Bearer [\w.-]+)' \\\n\s+-d '(\{".*\})'/g)];
    assert.equal(printed.length, 2, 'a staff and a customer example are printed');
    const run = async ([, authorization, body]: RegExpMatchArray) =>
      (await (await fetch(url, { method: 'POST', headers: { 'content-type': 'application/json', authorization }, body })).json()) as any;
    const staff = await run(printed[0]);
    assert.equal(staff.errors, undefined, JSON.stringify(staff.errors));
    // The order printed is one in transit; it reads as ERP, WMS and TMS were seeded.
    const o = staff.data.order;
    const t = truth.orders.find((x: any) => x.erpOrderNo === o.erpOrderNo);
    const story = data.orders.find((x) => x.erpOrderNo === o.erpOrderNo)!;
    const customerOf = data.world.customers.find((c) => c.code === t.customerCode)!;
    const sku = (code: string) => data.world.sku.get(code)!;
    assert.match(o.id, /^OH\d{10}$/);
    assert.deepEqual(
      { status: o.status, wmsOutboundNo: o.wmsOutboundNo, tmsWaybillNo: o.tmsWaybillNo, customer: [o.customer.name, o.customer.grade] },
      { status: 'IN_TRANSIT', wmsOutboundNo: t.outbound.outboundNo, tmsWaybillNo: t.waybill.waybillNo, customer: [customerOf.name, customerOf.grade] },
    );
    // The order's own lines (a rule may have added a gift after them), each SKU as the catalog names it.
    assert.deepEqual(
      o.lines.slice(0, story.lines.length).map((l: any) => [l.sku.name, l.sku.spec, l.quantity, l.amount]),
      story.lines.map((l) => [sku(l.skuCode).nameZh, sku(l.skuCode).model, l.quantity, formatFen(l.quantity * l.unitPriceFen)]),
    );
    const customer = await run(printed[1]);
    assert.equal(customer.errors, undefined, JSON.stringify(customer.errors));
    assert.equal(customer.data.order.lifecycle.length, 7);
    const token = /  ops +(eyJ\S+)/.exec(output)![1];

    // A sign-in link per role, the token in the fragment only, each to a page the gateway serves.
    const links = [...output.matchAll(/^  (\w+) +(http:\/\/127\.0\.0\.1:\d+\/\S*)#token=(eyJ[\w.-]+)/gm)];
    assert.deepEqual(links.map((l) => l[1]).sort(), ['GraphiQL', 'admin', 'customer', 'director', 'finance', 'ops', 'sales', 'warehouse']);
    for (const [, , page] of links) {
      assert.doesNotMatch(page, /token/, 'no token in a query string');
      const res = await fetch(page, { headers: { accept: 'text/html' } });
      assert.equal(res.status, 200, page);
      assert.match(await res.text(), /<div id="app">/);
    }

    const ask = async (query: string) =>
      (await (await fetch(url, { method: 'POST', headers: { 'content-type': 'application/json', authorization: `Bearer ${token}` }, body: JSON.stringify({ query }) })).json()) as any;
    const seededCount = (await ask('{ orders(first: 1, filter: { orderedTo: "2025-11-11" }) { totalCount } }')).data.orders.totalCount;
    assert.equal(seededCount, 7800);
    // Live orders (two a second would be 120/min; give them a few seconds) appear linked.
    let live: any = null;
    while (!live && Date.now() < deadline) {
      const res = await ask('{ orders(first: 5, filter: { orderedFrom: "2025-11-11" }) { totalCount edges { node { erpOrderNo wmsOutboundNo status } } } }');
      live = res.data.orders.edges.find((e: any) => e.node.wmsOutboundNo)?.node ?? null;
      if (!live) await new Promise((r) => setTimeout(r, 500));
    }
    assert.ok(live, 'a live order with its outbound linked');
    assert.equal((await fetch(`http://127.0.0.1:${gateway}/readyz`)).status, 200);
    // Tokens were printed for the person at the terminal; no log line carries one.
    for (const line of output.split('\n').filter((l) => l.startsWith('{'))) assert.doesNotMatch(line, /eyJ[\w-]+\.eyJ/, `a log line holds a token: ${line}`);
  } finally {
    child.kill('SIGTERM');
    const code = await exited;
    rmSync(dir, { recursive: true, force: true });
    assert.equal(code, 0, `clean shutdown\n${output.slice(-2000)}`);
  }
});
