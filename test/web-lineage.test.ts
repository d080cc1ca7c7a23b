// The board's lineage view in a real browser (Debian's Chromium through playwright-core) against the
// real stack: staff pick a type, the page draws lineageGraph as an SVG (field → subgraph · module →
// table.column or JSON path → table or endpoint → system), every node and edge the graph answers is
// drawn, a field opens its sources and transformation as the graph states them, in Chinese and then
// in English. The screenshot is kept in docs/web/board-lineage.png. The picker's page lists the pick
// queue as pickQueue orders it (chased orders first), and a tap opens the order's pick list.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import type { Browser } from 'playwright-core';
import { startStack, type Stack } from './helpers/stack.js';
import { DESKTOP, launchChromium, newContext, watchErrors } from './helpers/browser.js';
import { ensureWebBuilt } from '../web/tools/build.js';
import { createOrdersAwaitingPick } from '../legacy-sim/src/live.js';

let stack: Stack;
let browser: Browser;
let base: string;

before(async () => {
  await ensureWebBuilt({ log: (line) => console.log(line) });
  stack = await startStack({ name: 'weblineage', orders: 20, days: 1, linkRounds: 0 });
  await createOrdersAwaitingPick({ erpUrl: stack.targets.erpUrl, wmsUrl: stack.targets.wmsUrl, tmsApiUrl: stack.tmsApiUrl }, { count: 4, seed: 1206 });
  await stack.linker.runRound();
  await stack.linker.runRound();
  base = stack.gatewayUrl.replace(/\/graphql$/, '');
  browser = await launchChromium();
});

after(async () => {
  await browser?.close();
  await stack?.close();
});

const GRAPH = `query($type: String!) { lineageGraph(type: $type) { fields { coordinate transformZh transformEn sources { system table column endpoint jsonPath } } nodes { id kind label } edges { from to transform } } }`;
const sourceText = (s: any) => (s.endpoint ? `${s.system} ${s.endpoint} → ${s.jsonPath}` : s.table ? `${s.system} ${s.table}.${s.column}` : s.system);

describe('the lineage view on the board', () => {
  test('Order and Shipment are drawn node for node and edge for edge; Order.lifecycle opens its ERP, WMS, TMS and hub sources, in Chinese then English', async () => {
    const token = await stack.token('ops');
    const context = await newContext(browser, { viewport: { width: DESKTOP.width, height: 1000 } });
    const page = await context.newPage();
    const errors = watchErrors(page);
    await page.goto(`${base}/board#token=${token}`);
    await page.waitForSelector('[data-test=lineage-svg]');

    for (const type of ['Order', 'Shipment']) {
      if (type !== 'Order') {
        await page.fill('[data-test=lineage-type]', type);
        await page.click('[data-test=lineage-show]');
        await page.waitForSelector(`[data-test=lineage-svg] [data-node="field:${type}.waybillNo"]`);
      }
      const g = (await stack.query(GRAPH, { type }, { token })).data.lineageGraph;
      const drawn = await page.locator('[data-test=lineage-svg] [data-node]').evaluateAll((els) => els.map((e) => `${e.getAttribute('data-kind')} ${e.getAttribute('data-node')}`));
      assert.deepEqual(new Set(drawn), new Set(g.nodes.map((n: any) => `${n.kind} ${n.id}`)), `${type}: nodes drawn`);
      const paths = await page.locator('[data-test=lineage-svg] .edges path').evaluateAll((els) => els.map((e) => e.getAttribute('data-transform') ?? ''));
      assert.equal(paths.length, g.edges.length, `${type}: one path per edge`);
      assert.deepEqual(paths.sort(), g.edges.map((e: any) => e.transform ?? '').sort());
      assert.match(await page.innerText('[data-test=lineage-count]'), new RegExp(`${g.fields.length} 个字段`));
    }

    // Back to Order; a field opens what the graph says of it.
    await page.fill('[data-test=lineage-type]', 'Order');
    await page.click('[data-test=lineage-show]');
    await page.click('[data-test=lineage-svg] [data-node="field:Order.lifecycle"]');
    await page.waitForSelector('[data-test=lineage-detail]');
    const lifecycle = (await stack.query(`{ fieldLineage(coordinate: "Order.lifecycle") { transformZh transformEn sources { system table column endpoint jsonPath } } }`, {}, { token })).data.fieldLineage;
    assert.equal(await page.innerText('[data-test=lineage-transform]'), lifecycle.transformZh);
    const shownSources = await page.locator('[data-test=lineage-source]').allInnerTexts();
    assert.deepEqual(shownSources, lifecycle.sources.map(sourceText));
    for (const s of ['ERP SO_SOMain.dPayTime', 'WMS t_out_order.pick_start_time', 'HUB hub_order.paid_at']) assert.ok(shownSources.includes(s), s);
    // Its way to the systems is lit, the rest dimmed.
    for (const id of ['module:subgraphs/order-link/src/datasource.ts', 'column:ERP:SO_SOMain.dPayTime', 'table:WMS:t_out_order', 'system:TMS']) {
      assert.equal(await page.locator(`[data-test=lineage-svg] [data-node="${id}"]`).evaluate((e) => e.classList.contains('dim')), false, id);
    }
    assert.equal(await page.locator('[data-test=lineage-svg] [data-node="column:ERP:SO_SOMain.iTotalSum"]').evaluate((e) => e.classList.contains('dim')), true);
    await page.locator('[data-test=lineage]').screenshot({ path: 'docs/web/board-lineage.png' });

    // English: the page's words and the graph's English transformation.
    await page.click('[data-test=lang]');
    await page.waitForFunction(() => document.documentElement.lang === 'en');
    assert.equal(await page.innerText('[data-test=lineage-transform]'), lifecycle.transformEn);
    assert.match(await page.innerText('[data-test=lineage] h2'), /Where fields come from/);
    assert.match(await page.innerText('[data-test=lineage-count]'), /\d+ fields/);

    // A type nobody declared says so, in the page's language.
    await page.fill('[data-test=lineage-type]', 'NoSuchType');
    await page.click('[data-test=lineage-show]');
    await page.waitForSelector('[data-test=lineage] .note.bad');
    assert.match(await page.innerText('[data-test=lineage] .note.bad'), /NoSuchType/);
    assert.deepEqual(errors.filter((e) => !/400|BAD_USER_INPUT|Failed to load resource/.test(e)), []);
    await context.close();
  });
});

describe("the picker's queue", () => {
  test('the pick page lists what pickQueue lists, in its order, chased orders marked; a tap opens the pick list', async () => {
    const token = await stack.token('warehouse');
    const queue = (await stack.query(`{ pickQueue(first: 30) { order { erpOrderNo } chased } }`, {}, { token })).data.pickQueue;
    assert.ok(queue.length >= 4, `${queue.length} to pick`);
    const context = await newContext(browser, { mobile: true });
    const page = await context.newPage();
    const errors = watchErrors(page);
    await page.goto(`${base}/pick#token=${token}`);
    await page.waitForSelector('[data-test=queue-entry]');
    const shown = await page.locator('[data-test=queue-entry]').evaluateAll((els) => els.map((e) => `${e.getAttribute('data-order')} ${e.getAttribute('data-chased')}`));
    assert.deepEqual(shown, queue.map((e: any) => `${e.order.erpOrderNo} ${e.chased}`));
    await page.click(`[data-test=queue-entry][data-order="${queue[0].order.erpOrderNo}"] button`);
    await page.waitForSelector('[data-test=pick-order-no]');
    assert.equal(await page.innerText('[data-test=pick-order-no]'), queue[0].order.erpOrderNo);
    assert.deepEqual(errors, []);
    await context.close();
  });
});
