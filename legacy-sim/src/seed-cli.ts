// npm run seed -- --orders N --days D --seed S --start YYYY-MM-DD --customers C --rate name=value --truth path [--if-empty]
//                  [--history-weeks W --history-orders-per-day N]
// Refills the simulated ERP, WMS, TMS and CRM stores named by the *_DATABASE_URL variables, and
// empties the hub's database, whose links would no longer describe anything. With --if-empty it
// does nothing when the ERP already holds orders (docker compose runs it on every `up`).
import { loadConfig } from '../../common/src/config.js';
import { dropDatabase, ensureDatabase, openDataSource } from '../../common/src/db.js';
import { DEFAULT_RATES, DEFAULT_SEED_OPTIONS } from './generator.js';
import { seed } from './seed.js';
import type { AnomalyKind, SeedOptions } from './types.js';

function usage(problem: string): never {
  console.error(`${problem}
usage: npm run seed -- [--orders N] [--days D] [--seed S] [--start YYYY-MM-DD] [--customers C]
                       [--rate name=value]... [--truth data/ground-truth.json] [--if-empty]
                       [--history-weeks W] [--history-orders-per-day N]   (order history before --start)
rates: ${Object.entries(DEFAULT_RATES).map(([k, v]) => `${k}=${v}`).join(' ')}`);
  process.exit(2);
}

const options: SeedOptions = { ...DEFAULT_SEED_OPTIONS, rates: {}, truthPath: 'data/ground-truth.json' };
const args = process.argv.slice(2).filter((a) => a !== '--if-empty');
const ifEmpty = args.length < process.argv.length - 2;
for (let i = 0; i < args.length; i++) {
  const flag = args[i];
  const value = args[++i];
  if (value === undefined) usage(`${flag} needs a value`);
  const int = () => {
    const n = Number(value);
    if (!Number.isInteger(n) || n < 1) usage(`${flag} must be a whole number ≥ 1 (got ${value})`);
    return n;
  };
  if (flag === '--orders') options.orders = int();
  else if (flag === '--days') options.days = int();
  else if (flag === '--seed') options.seed = int();
  else if (flag === '--customers') options.customers = int();
  else if (flag === '--truth') options.truthPath = value;
  else if (flag === '--history-weeks') options.history = { ordersPerDay: 150, ...options.history, weeks: int() };
  else if (flag === '--history-orders-per-day') options.history = { weeks: 60, ...options.history, ordersPerDay: int() };
  else if (flag === '--start') {
    if (!/^\d{4}-\d{2}-\d{2}$/.test(value)) usage(`--start must be YYYY-MM-DD (got ${value})`);
    options.start = value;
  } else if (flag === '--rate') {
    const [name, rate] = value.split('=');
    if (!(name in DEFAULT_RATES)) usage(`unknown rate ${name}`);
    const r = Number(rate);
    if (!(r >= 0 && r <= 0.2)) usage(`rate ${name} must be between 0 and 0.2 (got ${rate})`);
    options.rates[name as AnomalyKind] = r;
  } else usage(`unknown argument ${flag}`);
}

const config = loadConfig(process.env, 'legacy-sim');
if (ifEmpty) {
  await ensureDatabase(config.ERP_DATABASE_URL);
  const erp = await openDataSource(config.ERP_DATABASE_URL, { poolSize: 1 });
  const orders = await erp.query('SELECT COUNT(*) AS n FROM SO_SOMain').then((r) => Number(r[0].n), () => 0);
  await erp.destroy();
  if (orders > 0) {
    console.log(`ERP already holds ${orders} orders; nothing seeded (--if-empty)`);
    process.exit(0);
  }
}
const started = Date.now();
const truth = await seed(
  { erpUrl: config.ERP_DATABASE_URL, wmsUrl: config.WMS_DATABASE_URL, tmsStoreUrl: config.TMS_SIM_DATABASE_URL, crmStoreUrl: config.CRM_SIM_DATABASE_URL },
  options,
);
await dropDatabase(config.HUB_DATABASE_URL);
const counts = new Map<string, number>();
for (const a of truth.anomalies) counts.set(a.kind, (counts.get(a.kind) ?? 0) + 1);
console.log(
  `seeded ${truth.orders.length} orders over ${options.days} day(s) from ${options.start} (seed ${options.seed}) in ${Date.now() - started} ms; ` +
    `hub emptied; ground truth in ${options.truthPath}\nanomalies: ${[...counts].map(([k, n]) => `${k} ${n}`).join(', ')}`,
);
