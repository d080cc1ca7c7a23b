// Environment variables, parsed and validated once at start-up. Defaults make `npm start` work on a
// fresh machine (embedded SQLite, simulators on localhost). Every variable is listed in README.md.
import { z } from 'zod';
import { Cron } from 'croner';

const dbUrl = z
  .string()
  .regex(/^(mysql|mariadb):\/\/|^sqlite:/, 'must start with mysql://, mariadb:// or sqlite:');
const httpUrl = z.string().url().regex(/^https?:\/\//, 'must be an http(s) URL');
const port = z.coerce.number().int().min(0).max(65535);
const ms = z.coerce.number().int().min(1).max(600_000);

/** Development-only secrets: loadConfig refuses them when NODE_ENV=production. */
export const DEV_JWT_SECRET = 'order-hub-development-jwt-secret-not-for-production';
export const DEV_SIGNING_SECRET = 'order-hub-development-subgraph-signing-not-for-production';

/**
 * The predicted-satisfaction model (order-link src/health): per paid order, on a 1–5 scale,
 *   base − late × [delivered late, or not delivered and past the promise]
 *        − returnExchange × [RETURN and EXCHANGE tickets on the order]
 *        − responsePerHour × min(mean hours to the first agent reply over its tickets, responseCapHours)
 * clamped to 1–5; an order below alertBelow is at risk.
 */
export const satisfactionModelSchema = z.strictObject({
  base: z.number().min(1).max(5).default(5),
  late: z.number().min(0).max(4).default(1.5),
  returnExchange: z.number().min(0).max(4).default(1),
  responsePerHour: z.number().min(0).max(4).default(0.5),
  responseCapHours: z.number().min(0).max(720).default(4),
  alertBelow: z.number().min(1).max(5).default(4),
});
export type SatisfactionModel = z.infer<typeof satisfactionModelSchema>;

/** JSON text from the environment; an already parsed object (a config passed on) is taken as it is. */
const jsonObject = <T extends z.ZodType>(schema: T) =>
  z.preprocess((value, ctx) => {
    if (typeof value !== 'string') return value;
    try {
      return JSON.parse(value);
    } catch {
      ctx.issues.push({ code: 'custom', message: 'must be a JSON object', input: value });
      return z.NEVER;
    }
  }, schema);

const cronOrOff = z
  .string()
  .trim()
  .refine((v) => {
    if (v === 'off') return true;
    try {
      new Cron(v, { paused: true, timezone: 'Asia/Shanghai' }).stop();
      return true;
    } catch {
      return false;
    }
  }, 'must be a cron expression (minute hour day month weekday) or "off"');

export const configSchema = z.object({
  NODE_ENV: z.enum(['development', 'production', 'test']).default('development'),
  HOST: z.string().default('127.0.0.1'),

  ERP_DATABASE_URL: dbUrl.default('sqlite:data/erp.sqlite'),
  WMS_DATABASE_URL: dbUrl.default('sqlite:data/wms.sqlite'),
  HUB_DATABASE_URL: dbUrl.default('sqlite:data/hub.sqlite'),
  TMS_API_URL: httpUrl.default('http://127.0.0.1:4301'),
  CRM_API_URL: httpUrl.default('http://127.0.0.1:4302'),

  GATEWAY_PORT: port.default(4000),
  ERP_SUBGRAPH_PORT: port.default(4101),
  WMS_SUBGRAPH_PORT: port.default(4102),
  TMS_SUBGRAPH_PORT: port.default(4103),
  CRM_SUBGRAPH_PORT: port.default(4104),
  ORDER_LINK_SUBGRAPH_PORT: port.default(4105),

  /** Override a subgraph's routing_url from rover-config.yaml (e.g. inside docker-compose). */
  ERP_SUBGRAPH_URL: httpUrl.optional(),
  WMS_SUBGRAPH_URL: httpUrl.optional(),
  TMS_SUBGRAPH_URL: httpUrl.optional(),
  CRM_SUBGRAPH_URL: httpUrl.optional(),
  ORDER_LINK_SUBGRAPH_URL: httpUrl.optional(),
  SUPERGRAPH_PATH: z.string().default('supergraph.graphql'),

  /** One attempt of a legacy call (SQL query or TMS/CRM request) may take this long. */
  LEGACY_TIMEOUT_MS: ms.default(700),
  /** All attempts of one legacy call together (retries included) finish within this. */
  LEGACY_DEADLINE_MS: ms.default(1500),
  /** Retries of an idempotent read, with exponential backoff and full jitter. */
  LEGACY_RETRIES: z.coerce.number().int().min(0).max(5).default(2),
  /** Consecutive failures after which a legacy system's circuit opens. */
  BREAKER_FAILURE_THRESHOLD: z.coerce.number().int().min(1).max(1000).default(5),
  /** How long an open circuit fails fast before one trial call goes through. */
  BREAKER_COOLDOWN_MS: ms.default(5000),
  /** The gateway gives up on one subgraph fetch after this. */
  SUBGRAPH_TIMEOUT_MS: ms.default(1900),
  /** … or after this, for root fields tagged slow in the SDL (reports, dry runs). */
  SUBGRAPH_SLOW_TIMEOUT_MS: ms.default(60_000),

  /** HS256 secret for development tokens; production uses AUTH_JWKS_URL and must not keep the default. */
  AUTH_JWT_SECRET: z.string().min(32, 'must be at least 32 characters').default(DEV_JWT_SECRET),
  /** JWKS URL of the identity provider (RS256/ES256/EdDSA); when set, HS256 tokens are refused. */
  AUTH_JWKS_URL: httpUrl.optional(),
  AUTH_ISSUER: z.string().min(1).default('order-hub'),
  AUTH_AUDIENCE: z.string().min(1).default('order-hub'),
  /** Shared by the gateway and every subgraph: the HMAC key of gateway → subgraph requests. */
  SUBGRAPH_SIGNING_SECRET: z.string().min(32, 'must be at least 32 characters').default(DEV_SIGNING_SECRET),

  /** Request limits at the gateway. */
  MAX_QUERY_DEPTH: z.coerce.number().int().min(2).max(100).default(12),
  MAX_QUERY_ALIASES: z.coerce.number().int().min(0).max(1000).default(30),
  MAX_QUERY_COST: z.coerce.number().int().min(10).max(10_000_000).default(100_000),
  MAX_REQUEST_BYTES: z.coerce.number().int().min(1024).max(50_000_000).default(100_000),
  /** Keep-alive connections per subgraph from the gateway. */
  GATEWAY_SUBGRAPH_CONNECTIONS: z.coerce.number().int().min(1).max(1024).default(64),
  /** How often order-link looks for new and changed legacy documents. */
  LINK_POLL_MS: ms.default(500),
  /** How far apart (days) an order and an outbound without reference may be and still match. */
  LINK_MATCH_WINDOW_DAYS: z.coerce.number().int().min(0).max(30).default(2),
  /** How often the outbox worker delivers the rules' side effects (SMS, requisitions, locks, free lines). */
  OUTBOX_POLL_MS: ms.default(500),
  /** Rows read per table per sync round. */
  LINK_BATCH_SIZE: z.coerce.number().int().min(10).max(20_000).default(2000),
  /** The simulators' own stores and the demo's trickle of new orders (npm start only). */
  TMS_SIM_DATABASE_URL: dbUrl.default('sqlite:data/tms.sqlite'),
  CRM_SIM_DATABASE_URL: dbUrl.default('sqlite:data/crm.sqlite'),
  SIM_LIVE_ORDERS_PER_MIN: z.coerce.number().min(0).max(6000).default(6),

  /** Where order-link keeps uploaded files (the repair wizard's CSV/XLSX) until their job is done. */
  UPLOAD_DIR: z.string().default('data/uploads'),
  /** Largest upload accepted, at the gateway and at order-link. */
  UPLOAD_MAX_BYTES: z.coerce.number().int().min(1024).max(2_000_000_000).default(200 * 1024 * 1024),
  /** Rows of an uploaded file handled per batch (one ERP read, one hub write each). */
  REPAIR_BATCH_ROWS: z.coerce.number().int().min(10).max(5000).default(500),
  /** Changes written to ERP per transaction when a repair job is applied or undone. */
  REPAIR_APPLY_BATCH: z.coerce.number().int().min(1).max(5000).default(1000),
  /** Proposed changes at or above this confidence are accepted by default; the rest wait for review. */
  REPAIR_AUTO_ACCEPT: z.coerce.number().min(0).max(1).default(0.85),
  /** An outbound is due this many hours after payment; later, reconciliation reports the order. */
  OUTBOUND_SLA_HOURS: z.coerce.number().int().min(1).max(720).default(24),
  /** The predicted-satisfaction model's weights, as JSON (see satisfactionModelSchema); fields left out keep their defaults. */
  SATISFACTION_MODEL: jsonObject(satisfactionModelSchema).default(satisfactionModelSchema.parse({})),
  /** CRM has no change feed: the tickets of recent orders are read again this often … */
  HEALTH_TICKET_SWEEP_MS: ms.default(600_000),
  /** … for orders placed within this many days. */
  HEALTH_TICKET_SWEEP_DAYS: z.coerce.number().int().min(1).max(90).default(14),
  /** When the daily health report runs, Asia/Shanghai time (croner syntax), or "off". */
  REPORT_SCHEDULE: cronOrOff.default('0 2 * * *'),
  /** Where the daily report is posted (a WeCom group robot's webhook URL); none: stored only. */
  REPORT_WEBHOOK_URL: httpUrl.optional(),
  /** Delivery attempts per report, with exponential backoff between them. */
  REPORT_WEBHOOK_ATTEMPTS: z.coerce.number().int().min(1).max(10).default(4),
  /** One delivery attempt may take this long. */
  REPORT_WEBHOOK_TIMEOUT_MS: ms.default(5000),

  /** BI clients (role bi) may read personal data (receivers' names, mobiles, addresses, free text people typed): off or on. */
  BI_PERSONAL_DATA: z.enum(['off', 'on']).default('off'),
  /** How often each gateway reads the token revocation list, and how old it may get before BI tokens are refused (503). */
  TOKEN_REVOCATION_POLL_MS: ms.default(5000),
  TOKEN_REVOCATION_MAX_STALE_MS: ms.default(60_000),
  /** Rows per page of the OData feed (a client's Prefer: odata.maxpagesize may ask otherwise, up to 50,000). */
  ODATA_PAGE_SIZE: z.coerce.number().int().min(1).max(50_000).default(5000),
  /** Where the open transactions cannot be seen (SQLite, no PROCESS privilege), an incremental extraction stops this far behind now. */
  FACTS_COMMIT_LAG_MS: ms.default(10_000),

  /** DataLoader batching; off only to measure what N+1 costs (bench). */
  LOADER_BATCHING: z.enum(['on', 'off']).default('on'),
});

export type Config = z.infer<typeof configSchema>;

/**
 * Which process loads the configuration, so that production refuses only the development secrets
 * it would use: the gateway verifies tokens and signs subgraph calls, a subgraph checks signatures,
 * the simulators and the seed hold neither secret.
 */
export type ProcessKind = 'gateway' | 'subgraph' | 'legacy-sim';

export function loadConfig(env: NodeJS.ProcessEnv = process.env, kind: ProcessKind = 'gateway'): Config {
  const parsed = configSchema.safeParse(env);
  if (!parsed.success) {
    const lines = parsed.error.issues.map((i) => `  ${i.path.join('.')}: ${i.message} (got ${JSON.stringify(env[String(i.path[0])])})`);
    throw new Error(`invalid configuration:\n${lines.join('\n')}`);
  }
  const config = parsed.data;
  // A deadline shorter than one attempt cuts every slow attempt short, and silently: say so.
  if (config.LEGACY_TIMEOUT_MS > config.LEGACY_DEADLINE_MS) {
    throw new Error(`invalid configuration:\n  LEGACY_TIMEOUT_MS: ${config.LEGACY_TIMEOUT_MS} is longer than LEGACY_DEADLINE_MS (${config.LEGACY_DEADLINE_MS}), which bounds all attempts together`);
  }
  if (config.NODE_ENV === 'production') {
    const problems: string[] = [];
    if (kind !== 'legacy-sim' && config.SUBGRAPH_SIGNING_SECRET === DEV_SIGNING_SECRET) problems.push('  SUBGRAPH_SIGNING_SECRET: the development secret must not be used in production');
    if (kind === 'gateway' && !config.AUTH_JWKS_URL && config.AUTH_JWT_SECRET === DEV_JWT_SECRET) problems.push('  AUTH_JWT_SECRET: the development secret must not be used in production (set AUTH_JWKS_URL, or a secret of your own)');
    if (problems.length) throw new Error(`invalid configuration:\n${problems.join('\n')}`);
  }
  return config;
}
