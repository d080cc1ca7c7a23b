// The web pages, measured: what each page weighs (JS + CSS its HTML loads before it can render,
// gzipped and brotli, and what Chromium actually fetched, lazy chunks included), how long the
// customer's order page takes to first render on the local stack (MariaDB, 2 days × 2,600
// orders), and the screenshots in docs/web/ at phone (375 px) and desktop (1280 px) width.
// Run: npm run bench:web [-- --orders 5200 --days 2 --runs 15 --shots yes]
import { existsSync, readFileSync, statSync } from 'node:fs';
import { mkdirSync } from 'node:fs';
import { loadavg } from 'node:os';
import { join } from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { startStack } from '../test/helpers/stack.js';
import { DESKTOP, launchChromium, newContext, PHONE } from '../test/helpers/browser.js';
import { runRegistered } from '../test/helpers/registered.js';
import { createOrdersAwaitingPick } from '../legacy-sim/src/live.js';
import { DIST, ensureWebBuilt } from '../web/tools/build.js';
import { args, machine, median, writeResult } from './lib.js';

const opts = args({ orders: '5200', days: '2', runs: '15', shots: 'yes' });
process.env.LOG_LEVEL ??= 'warn';
const RUNS = Number(opts.runs);
const SHOTS = 'docs/web';
const kb = (bytes: number) => `${(bytes / 1024).toFixed(1)} kB`;
const p90 = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.min(xs.length - 1, Math.ceil(xs.length * 0.9) - 1)];

// 1. Page weight, from the built files: what each page's HTML makes the browser load before it renders.
const built = await ensureWebBuilt({ force: true, log: console.log });
const PAGES = { order: 'order/index.html', board: 'board/index.html', pick: 'pick/index.html', home: 'index.html', graphiql: 'graphiql/index.html' } as const;
const sizeOf = (file: string) => (existsSync(file) ? statSync(file).size : statSync(file.replace(/\.(gz|br)$/, '')).size);
const weights = Object.entries(PAGES).map(([page, html]) => {
  const text = readFileSync(join(DIST, html), 'utf8');
  const assets = [...new Set([...text.matchAll(/(?:src|href)="(\/assets\/[^"]+\.(?:js|css))"/g)].map((m) => m[1]))];
  const sum = (suffix: string, kind?: string) => assets.filter((a) => !kind || a.endsWith(kind)).reduce((s, a) => s + sizeOf(join(DIST, a) + suffix), 0);
  return { page, files: assets.length, raw: sum(''), gzip: sum('.gz'), br: sum('.br'), jsGzip: sum('.gz', '.js'), cssGzip: sum('.gz', '.css') };
});

// 2. The local stack, and a customer with an order that shows everything: a blocker, a stage passed unrecorded.
const started = Date.now();
const stack = await startStack({ name: 'benchweb', orders: Number(opts.orders), days: Number(opts.days), seed: 2026, dialect: 'mysql', env: { TRUSTED_DOCUMENTS: 'customers', REPORT_SCHEDULE: 'off', LEGACY_TIMEOUT_MS: '20000', LEGACY_DEADLINE_MS: '60000' } });
// Every order linked and judged by the rules before measuring, as on a running system.
for (let round = 0; round < 10; round++) {
  const r = await stack.linker.runRound();
  if (!r.failedFeeds && !r.ordersRefreshed) break;
}
while ((await stack.orderLink.engine.evaluatePending()) > 0);
const setupMs = Date.now() - started;
const base = stack.gatewayUrl.replace(/\/graphql$/, '');
let browser: Browser | undefined;
try {
  const candidates = (
    await stack.query('{ orders(first: 200, filter: { status: [IN_TRANSIT, OUT_FOR_DELIVERY], hasMissingNodes: true }) { edges { node { erpOrderNo tmsWaybillNo customer { code } currentBlocker { code } lines { rowNo } } } } }')
  ).data.orders.edges.map((e: any) => e.node);
  const shown = candidates.find((o: any) => o.currentBlocker && o.tmsWaybillNo && o.lines?.length >= 2) ?? candidates[0];
  const customer = await stack.token('customer', shown.customer.code);

  // The graph alone: the order page's query, by hash, as the page sends it.
  const graphMs: number[] = [];
  for (let i = 0; i < RUNS; i++) {
    const t = performance.now();
    await runRegistered(stack.gatewayUrl, customer, 'OrderByNumber', { number: shown.erpOrderNo });
    graphMs.push(performance.now() - t);
  }

  // 3. Time to first render in Chromium: navigation start → first contentful paint, and → the
  // order (number, blocker, stages) on screen after the graph answered. A fresh context per run
  // (nothing cached), then a reload in the same context (assets cached, as on a second visit).
  browser = await launchChromium();
  const cold = { fcp: [] as number[], order: [] as number[] };
  const warm = { fcp: [] as number[], order: [] as number[] };
  let fetched = 0;
  for (let i = 0; i < RUNS; i++) {
    const context = await newContext(browser, { viewport: PHONE, mobile: true });
    // When the order (its stages) first appears, by the page's own clock. A plain script: the
    // compiled TypeScript of a function would carry helpers the page does not have.
    await context.addInitScript({
      content: `new MutationObserver((_, observer) => {
        if (document.querySelector('[data-test=order] [data-test=timeline] li')) { window.orderShownAt = performance.now(); observer.disconnect(); }
      }).observe(document, { childList: true, subtree: true });`,
    });
    const page = await context.newPage();
    const measure = async (into: { fcp: number[]; order: number[] }) => {
      await page.waitForSelector('[data-test=order] [data-test=timeline] li');
      const { fcp, order } = await page.evaluate(() => ({
        fcp: performance.getEntriesByName('first-contentful-paint')[0]?.startTime ?? NaN,
        order: (window as any).orderShownAt as number,
      }));
      into.fcp.push(fcp);
      into.order.push(order);
    };
    await page.goto(`${base}/order?no=${encodeURIComponent(shown.erpOrderNo)}#token=${customer}`);
    await measure(cold);
    if (i === 0) fetched = await page.evaluate(() => performance.getEntriesByType('resource').filter((r) => /\.(js|css)$/.test(new URL(r.name).pathname)).reduce((s, r) => s + (r as PerformanceResourceTiming).encodedBodySize, 0));
    await page.reload();
    await measure(warm);
    await context.close();
  }

  // What each page really fetched once rendered, lazy chunks included (the board's ECharts).
  const fetchedByPage: Record<string, number> = { order: fetched };
  const staff = { board: await stack.token('director'), pick: await stack.token('warehouse') };
  for (const [name, path, ready] of [
    ['board', '/board?from=2025-11-08&through=2025-11-09', '[data-test=kpi-satisfaction] svg'],
    ['pick', '/pick', '[data-test=pick-order]'],
  ] as const) {
    const context = await newContext(browser, { viewport: DESKTOP });
    const page = await context.newPage();
    await page.goto(`${base}${path}#token=${staff[name]}`);
    await page.waitForSelector(ready);
    fetchedByPage[name] = await page.evaluate(() => performance.getEntriesByType('resource').filter((r) => /\.(js|css)$/.test(new URL(r.name).pathname)).reduce((s, r) => s + (r as PerformanceResourceTiming).encodedBodySize, 0));
    await context.close();
  }

  // 4. Screenshots of each page at phone and desktop width, in the states worth seeing.
  const shots: string[] = [];
  if (opts.shots === 'yes') {
    mkdirSync(SHOTS, { recursive: true });
    /** One page in one state; `region` keeps a long page to the part worth seeing. */
    const shoot = async (name: string, viewport: 'phone' | 'desktop', path: string, token: string, act: (page: Page) => Promise<void>, region: 'page' | 'screen' | string = 'screen') => {
      const context = await newContext(browser!, viewport === 'phone' ? { viewport: PHONE, mobile: true } : { viewport: DESKTOP });
      const page = await context.newPage();
      await page.goto(`${base}${path}#token=${token}`);
      await act(page);
      // The focused field would scroll a phone's visual viewport; the picture shows the page at rest.
      await page.evaluate(() => {
        (document.activeElement as HTMLElement | null)?.blur();
        window.scrollTo(0, 0);
      });
      await page.waitForTimeout(300);
      const file = `${SHOTS}/${name}-${viewport}.png`;
      if (region === 'page' || region === 'screen') await page.screenshot({ path: file, fullPage: region === 'page' });
      else {
        const box = (await page.locator(region).boundingBox())!;
        await page.screenshot({ path: file, fullPage: true, clip: { x: 0, y: Math.max(0, box.y - 12), width: viewport === 'phone' ? PHONE.width : DESKTOP.width, height: Math.min(box.height + 24, 900) } });
      }
      shots.push(file);
      await context.close();
    };
    const orderPage = `/order?no=${encodeURIComponent(shown.erpOrderNo)}`;
    const orderReady = (page: Page) => page.waitForSelector('[data-test=order] [data-test=timeline] li').then(() => undefined);
    await shoot('order', 'phone', orderPage, customer, orderReady, 'screen');
    await shoot('order-whole', 'phone', orderPage, customer, orderReady, 'page');
    await shoot('order', 'desktop', orderPage, customer, orderReady, 'page');
    await shoot('order-list', 'phone', '/order', customer, (page) => page.waitForSelector('[data-test=order-row]').then(() => undefined));
    const board = '/board?from=2025-11-08&through=2025-11-09';
    const boardReady = async (page: Page) => {
      await page.waitForSelector('[data-test=kpi-satisfaction] svg');
      await page.click('[data-test=value-delivery]');
      await page.waitForSelector('[data-test=drill][data-loading=false]');
    };
    await shoot('board', 'desktop', board, staff.board, boardReady, 'screen');
    await shoot('board-drill', 'desktop', board, staff.board, boardReady, '[data-test=drill]');
    await shoot('board-holds', 'desktop', board, staff.board, boardReady, '.panels');
    await shoot('board', 'phone', board, staff.board, (page) => page.waitForSelector('[data-test=kpi-satisfaction] svg').then(() => undefined));
    await shoot('board-drill', 'phone', board, staff.board, boardReady, '[data-test=drill]');
    // The picker: a fresh order, a wrong batch scanned (refused), then one line picked.
    const made = await createOrdersAwaitingPick({ erpUrl: stack.targets.erpUrl, wmsUrl: stack.targets.wmsUrl, tmsApiUrl: stack.tmsApiUrl }, { count: 16, seed: 2026 });
    await stack.linker.runRound();
    // Orders the stock serves in full, with a few lines to walk.
    const servable: { no: string; lines: number }[] = [];
    for (const o of made) {
      const list = (await stack.query(`{ pickList(orderId: "${o.erpOrderNo}") { lines { lineNo } allocation { shortfalls { quantity } } } }`, {}, { token: staff.pick })).data.pickList;
      if (!list.allocation.shortfalls.length) servable.push({ no: o.erpOrderNo, lines: list.lines.length });
    }
    const [a, b] = servable.sort((x, y) => y.lines - x.lines).map((o) => o.no);
    if (!b) throw new Error(`only ${servable.length} of ${made.length} new orders can be picked in full from stock`);
    const pickAs = async (page: Page, orderNo: string, wrongFirst: boolean) => {
      await page.waitForSelector('[data-test=pick-order]');
      await page.keyboard.type(orderNo);
      await page.keyboard.press('Enter');
      await page.waitForSelector('[data-test=next]');
      const lines = (await stack.query(`{ pickList(orderId: "${orderNo}") { lines { sequence sku { code } batchNo quantity } } }`, {}, { token: staff.pick })).data.pickList.lines;
      const first = [...lines].sort((x: any, y: any) => x.sequence - y.sequence)[0];
      await page.keyboard.type(wrongFirst ? `WMS|${first.sku.code}|X000000|1` : `WMS|${first.sku.code}|${first.batchNo}|${first.quantity}`);
      await page.keyboard.press('Enter');
      await page.waitForSelector(`[data-test=outcome][data-outcome=${wrongFirst ? 'WRONG_BATCH' : 'OK'}]`).catch(async (err) => {
        throw new Error(`${err.message}\n${await page.innerText('main')}`);
      });
    };
    await shoot('pick', 'phone', '/pick', staff.pick, (page) => pickAs(page, a, true));
    await shoot('pick', 'desktop', '/pick', staff.pick, (page) => pickAs(page, b, false), 'page');
  }

  const order = weights.find((w) => w.page === 'order')!;
  const load = loadavg().map((l) => l.toFixed(2)).join(', ');
  const row = (w: (typeof weights)[number]) => `| \`/${w.page === 'home' ? '' : w.page}\` | ${w.files} | ${kb(w.raw)} | **${kb(w.gzip)}** (JS ${kb(w.jsGzip)}, CSS ${kb(w.cssGzip)}) | ${kb(w.br)} | ${fetchedByPage[w.page] != null ? kb(fetchedByPage[w.page]) : '—'} |`;
  const md = `# Web pages: weight and time to first render

\`npm run bench:web -- --orders ${opts.orders} --days ${opts.days} --runs ${RUNS}\` on ${machine()}, load average ${load}
(shared with other work). Stack: MariaDB, ${opts.orders} orders over ${opts.days} days, set up in ${(setupMs / 1000).toFixed(0)} s;
the pages built by Vite ${built.built ? `in ${(built.ms / 1000).toFixed(1)} s` : '(current)'}.

## Weight: JS + CSS each page's HTML loads before it renders

| page | files | raw | gzipped | brotli | fetched by Chromium once rendered (brotli, lazy chunks included) |
| --- | --- | --- | --- | --- | --- |
${weights.map(row).join('\n')}

Target for the order page: under 150 kB gzipped — it is **${kb(order.gzip)}** (${order.gzip < 150 * 1024 ? 'met' : 'NOT met'}). The board's
ECharts comes on demand after its first render; GraphiQL (Monaco) is development-only.

## Time to first render of the order page (phone, 375 px)

Chromium headless, from navigation start, median / p90 of ${RUNS} runs, the order ${shown.erpOrderNo} of customer ${shown.customer.code}:

| | first contentful paint | the order on screen (graph answered, stages drawn) |
| --- | --- | --- |
| cold (fresh profile, nothing cached) | ${median(cold.fcp).toFixed(0)} ms / ${p90(cold.fcp).toFixed(0)} ms | **${median(cold.order).toFixed(0)} ms** / ${p90(cold.order).toFixed(0)} ms |
| warm (reload, assets cached) | ${median(warm.fcp).toFixed(0)} ms / ${p90(warm.fcp).toFixed(0)} ms | ${median(warm.order).toFixed(0)} ms / ${p90(warm.order).toFixed(0)} ms |

The graph alone (OrderByNumber by hash through the gateway, from Node): median ${median(graphMs).toFixed(0)} ms, p90 ${p90(graphMs).toFixed(0)} ms.
Target: under 1 s — ${median(cold.order) < 1000 ? 'met' : 'NOT met'} (cold median).

## Screenshots

${shots.map((s) => `- [${s}](../../${s})`).join('\n') || '(not taken: --shots no)'}
`;
  writeResult('bench/results/web.md', md);
  console.log(md);
} finally {
  await browser?.close();
  await stack.close();
}
