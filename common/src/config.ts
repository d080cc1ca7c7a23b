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
/** A comma-separated list, blanks dropped. */
const list = <T extends z.ZodType<string>>(item: T) =>
  z.preprocess((v) => (typeof v === 'string' ? v.split(',').map((s) => s.trim()).filter(Boolean) : v), z.array(item));
/** A browser origin exactly as browsers send it: scheme, host and port, nothing more. */
const origin = z.string().refine((v) => {
  try {
    return new URL(v).origin === v;
  } catch {
    return false;
  }
}, 'must be origins such as https://shop.example.com or http://localhost:5173 (scheme, host, port; no path or trailing slash)');

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
  FULFILMENT_SUBGRAPH_PORT: port.default(4106),
  INTAKE_SUBGRAPH_PORT: port.default(4107),

  /** Override a subgraph's routing_url from rover-config.yaml (e.g. inside docker-compose). */
  ERP_SUBGRAPH_URL: httpUrl.optional(),
  WMS_SUBGRAPH_URL: httpUrl.optional(),
  TMS_SUBGRAPH_URL: httpUrl.optional(),
  CRM_SUBGRAPH_URL: httpUrl.optional(),
  ORDER_LINK_SUBGRAPH_URL: httpUrl.optional(),
  FULFILMENT_SUBGRAPH_URL: httpUrl.optional(),
  INTAKE_SUBGRAPH_URL: httpUrl.optional(),
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
  /** Keys of their own for some subgraphs, JSON `{"erp": "…", "order-link": "…"}`; the others use SUBGRAPH_SIGNING_SECRET. */
  SUBGRAPH_SIGNING_KEYS: jsonObject(z.record(z.string().regex(/^[a-z][a-z0-9-]*$/, 'a subgraph name'), z.string().min(32, 'each key at least 32 characters'))).default({}),
  /** Where a subgraph remembers the nonces it accepted: `memory` (one instance only) or a shared redis:// URL. */
  SUBGRAPH_REPLAY_CACHE: z.union([z.literal('memory'), z.string().regex(/^rediss?:\/\/[^\s]+$/, 'must be "memory" or a redis:// URL')]).default('memory'),

  /** Request limits at the gateway. */
  /** Deepest selection; each fragment spread and inline fragment is a level too. */
  MAX_QUERY_DEPTH: z.coerce.number().int().min(2).max(100).default(12),
  /** Lexical tokens per query text, counted while parsing. */
  MAX_QUERY_TOKENS: z.coerce.number().int().min(100).max(100_000).default(2000),
  /** Fragment definitions per query text. */
  MAX_QUERY_FRAGMENTS: z.coerce.number().int().min(0).max(1000).default(30),
  /** Fragment spreads (`...Name`) per query text. */
  MAX_QUERY_FRAGMENT_SPREADS: z.coerce.number().int().min(0).max(5000).default(60),
  /** Directives per operation, fragments expanded. */
  MAX_QUERY_DIRECTIVES: z.coerce.number().int().min(0).max(1000).default(20),
  MAX_QUERY_ALIASES: z.coerce.number().int().min(0).max(1000).default(30),
  MAX_QUERY_COST: z.coerce.number().int().min(10).max(10_000_000).default(100_000),
  MAX_REQUEST_BYTES: z.coerce.number().int().min(1024).max(50_000_000).default(100_000),
  /** Keep-alive connections per subgraph from the gateway. */
  GATEWAY_SUBGRAPH_CONNECTIONS: z.coerce.number().int().min(1).max(1024).default(64),
  /** How often order-link looks for new and changed legacy documents. */
  LINK_POLL_MS: ms.default(500),
  /** Many order-link instances: a dead holder of the singleton lease (linking, rules, outbox, health facts, sweeps) is replaced within this long. */
  LINK_LEASE_MS: z.coerce.number().int().min(1000).max(600_000).default(10_000),
  /** How far apart (days) an order and an outbound without reference may be and still match. */
  LINK_MATCH_WINDOW_DAYS: z.coerce.number().int().min(0).max(30).default(2),
  /** How often the outbox worker delivers the rules' side effects (SMS, requisitions, locks, free lines). */
  OUTBOX_POLL_MS: ms.default(500),
  /** How often order-link reads the CRM's feed of service calls. */
  CALL_POLL_MS: ms.default(2000),
  /** Service calls read per page of the CRM feed (the CRM hands out at most 500). */
  CALL_PAGE_SIZE: z.coerce.number().int().min(1).max(500).default(200),
  /** A call older than this when the hub reads it is recorded but does not act (no holds for last year's calls). */
  CALL_ACT_WITHIN_HOURS: z.coerce.number().min(0).max(24 * 30).default(24),
  /** How much older than what the hub has read a legacy row may be when it becomes visible (a long transaction, a batch import, a clock behind) and still be read by the change feeds. */
  SYNC_LATE_COMMIT_MS: z.coerce.number().int().min(0).max(86_400_000).default(600_000),
  /** The feeds look for such late rows every this many link rounds (by versions: key and modify time only). */
  SYNC_LATE_EVERY_ROUNDS: z.coerce.number().int().min(1).max(10_000).default(4),
  /** How often the completeness sweep compares the recent days of each legacy system with the hub, by keys (0: never). */
  SYNC_SWEEP_EVERY_MS: z.coerce.number().int().min(0).max(86_400_000).default(900_000),
  /** How many days (today included) the periodic sweep covers, by order day in ERP and creation day in WMS and TMS. */
  SYNC_SWEEP_WINDOW_DAYS: z.coerce.number().int().min(1).max(400).default(2),
  /** When the sweep covers the whole previous day, Asia/Shanghai time (croner syntax), or "off": before the daily report. */
  SYNC_SWEEP_DAILY: cronOrOff.default('40 1 * * *'),
  /** Order events (docs/live-events.md). NATS servers (nats://host:4222, comma-separated) the hub publishes to and gateways read from; unset: in-process only. */
  EVENTS_NATS_URL: z.string().regex(/^(nats|tls):\/\/[^\s,]+(,\s*(nats|tls):\/\/[^\s,]+)*$/, 'must be nats:// URLs, comma-separated').optional(),
  /** The JetStream stream the events are kept in (created with the subjects below when missing). */
  EVENTS_NATS_STREAM: z.string().regex(/^[A-Za-z0-9_-]{1,64}$/, 'letters, digits, _ and - only').default('ORDER_EVENTS'),
  /** Replicas of the stream when the hub creates it: 3 or 5 on a NATS cluster (an existing stream is left as it is). */
  EVENTS_NATS_REPLICAS: z.coerce.number().int().min(1).max(5).default(1),
  /** Subject prefix: each event goes to <prefix>.<unified order ID>. */
  EVENTS_NATS_SUBJECT: z.string().regex(/^[A-Za-z0-9_-]+(\.[A-Za-z0-9_-]+)*$/, 'dot-separated tokens, no wildcards').default('orderhub.events'),
  /** How often order-link numbers new events and publishes them (it also does so right after each link round). */
  EVENTS_PUBLISH_MS: ms.default(200),
  /** Subscriptions at the gateway: at most this many per WebSocket connection, and per token across connections and SSE. */
  EVENTS_MAX_SUBSCRIPTIONS_PER_CONNECTION: z.coerce.number().int().min(1).max(10_000).default(20),
  EVENTS_MAX_SUBSCRIPTIONS_PER_TOKEN: z.coerce.number().int().min(1).max(100_000).default(50),
  /** WebSocket ping interval; a connection that misses a pong is closed (SSE sends its own comment line every 12 s). */
  EVENTS_HEARTBEAT_MS: ms.default(12_000),
  /** Events waiting for one subscriber, or bytes unsent on its connection, before it is cut off as too slow. */
  EVENTS_MAX_PENDING: z.coerce.number().int().min(1).max(100_000).default(200),
  EVENTS_MAX_BUFFER_BYTES: z.coerce.number().int().min(1024).max(1_000_000_000).default(1_000_000),
  /** How often a gateway reads the hub's log for events its bus connection may have missed at the end. */
  EVENTS_LOG_CHECK_MS: ms.default(5000),
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
  /** Longest file name an upload may carry (X-File-Name, decoded); longer is refused, not cut. */
  UPLOAD_MAX_NAME_LENGTH: z.coerce.number().int().min(16).max(255).default(200),
  /** Uploads no repair job was started from are removed, row and file, after this many hours. */
  UPLOAD_RETENTION_HOURS: z.coerce.number().min(0.01).max(24 * 365).default(24),
  /** Rows of an uploaded file handled per batch (one ERP read, one hub write each). */
  REPAIR_BATCH_ROWS: z.coerce.number().int().min(10).max(5000).default(500),
  /** Changes written to ERP per transaction when a repair job is applied or undone. */
  REPAIR_APPLY_BATCH: z.coerce.number().int().min(1).max(5000).default(1000),
  /** Proposed changes at or above this confidence are accepted by default; the rest wait for review. */
  REPAIR_AUTO_ACCEPT: z.coerce.number().min(0).max(1).default(0.85),
  /** Weeks of ERP order history purchase suggestions learn from (a year for the season, plus the weeks before it). */
  PLAN_HISTORY_WEEKS: z.coerce.number().int().min(8).max(260).default(104),
  /** Supplier lead time in days for a SKU whose ERP Inventory.iInvAdvance is empty. */
  PLAN_DEFAULT_LEAD_TIME_DAYS: z.coerce.number().int().min(1).max(180).default(14),
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
  /** Who may send only registered operations (trusted documents): off, customers, all; unset: customers, or all in production. */
  TRUSTED_DOCUMENTS: z.enum(['off', 'customers', 'all']).optional(),
  /** The registered operations: persisted-documents.json manifests, comma-separated (one per app). */
  TRUSTED_DOCUMENTS_MANIFESTS: list(z.string().min(1)).default(['web/src/gql/persisted-documents.json']),
  /** Browser origins allowed to call the graph, comma-separated; unset: Vite's dev server in development, none otherwise. */
  CORS_ORIGINS: list(origin).optional(),

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

/** One setting that is wrong, said in Chinese and English. */
export interface ConfigIssue {
  variable: string;
  /** The value as it may be printed: passwords and secrets hidden. */
  value: string;
  zh: string;
  en: string;
}

/** What loadConfig throws: every wrong setting, one line each. */
export class ConfigProblem extends Error {
  constructor(readonly issues: ConfigIssue[]) {
    super(`invalid configuration:\n${issues.map((i) => `  ${ConfigProblem.line(i)}`).join('\n')}`);
  }

  static line(i: ConfigIssue): string {
    return `${i.variable}${i.value ? ` = ${i.value}` : ''}: ${i.zh} / ${i.en}`;
  }
}

/** A setting's value as it may be printed: a secret by its length, a URL without its password. */
export function printable(variable: string, value: unknown): string {
  if (value === undefined) return '';
  const text = typeof value === 'string' ? value : JSON.stringify(value);
  if (/SECRET|KEYS|PASSWORD/.test(variable)) return `(${text.length} characters)`;
  // As given, but with a URL's password hidden.
  const safe = text.replace(/(\/\/[^:@/\s]*:)[^@/\s]*@/, '$1****@');
  return JSON.stringify(safe.length > 80 ? `${safe.slice(0, 80)}…` : safe);
}

/** zod's issue in Chinese; its own (or our schema's) English message beside it. */
function chinese(issue: z.core.$ZodIssue): string {
  const i = issue as any;
  switch (issue.code) {
    case 'too_small':
      return i.origin === 'string' ? `至少 ${i.minimum} 个字符` : `不能小于 ${i.minimum}`;
    case 'too_big':
      return i.origin === 'string' ? `最多 ${i.maximum} 个字符` : `不能大于 ${i.maximum}`;
    case 'invalid_format':
    case 'invalid_union':
      return '格式不对';
    case 'invalid_type':
      return `类型不对（应为 ${i.expected}）`;
    case 'invalid_value':
      return `只能是 ${(i.values ?? []).join('、')}`;
    default:
      return '取值不合法';
  }
}

export function loadConfig(env: NodeJS.ProcessEnv = process.env, kind: ProcessKind = 'gateway'): Config {
  const parsed = configSchema.safeParse(env);
  if (!parsed.success) {
    throw new ConfigProblem(
      parsed.error.issues.map((i) => {
        const variable = String(i.path[0]);
        return { variable: i.path.join('.'), value: printable(variable, env[variable]), zh: chinese(i), en: i.message };
      }),
    );
  }
  const config = parsed.data;
  // A deadline shorter than one attempt cuts every slow attempt short, and silently: say so.
  if (config.LEGACY_TIMEOUT_MS > config.LEGACY_DEADLINE_MS) {
    throw new ConfigProblem([
      {
        variable: 'LEGACY_TIMEOUT_MS',
        value: String(config.LEGACY_TIMEOUT_MS),
        zh: `比 LEGACY_DEADLINE_MS（${config.LEGACY_DEADLINE_MS}，所有尝试的总时限）还长`,
        en: `is longer than LEGACY_DEADLINE_MS (${config.LEGACY_DEADLINE_MS}), which bounds all attempts together`,
      },
    ]);
  }
  if (config.NODE_ENV === 'production') {
    const problems: ConfigIssue[] = [];
    const dev = (variable: string, zh: string, en: string) => problems.push({ variable, value: '', zh, en });
    if (kind !== 'legacy-sim' && config.SUBGRAPH_SIGNING_SECRET === DEV_SIGNING_SECRET) dev('SUBGRAPH_SIGNING_SECRET', '生产环境不得使用开发密钥', 'the development secret must not be used in production');
    // Several instances of a subgraph must share the nonces they saw, or a replay to another instance passes.
    if (kind === 'subgraph' && config.SUBGRAPH_REPLAY_CACHE === 'memory') {
      dev('SUBGRAPH_REPLAY_CACHE', '"memory" 只适用于单实例；生产环境请设为共享的 redis:// 地址', '"memory" holds for one instance only; set a shared redis:// URL in production');
    }
    if (kind === 'gateway' && !config.AUTH_JWKS_URL && config.AUTH_JWT_SECRET === DEV_JWT_SECRET) {
      dev('AUTH_JWT_SECRET', '生产环境不得使用开发密钥（设置 AUTH_JWKS_URL 或自己的密钥）', 'the development secret must not be used in production (set AUTH_JWKS_URL, or a secret of your own)');
    }
    if (problems.length) throw new ConfigProblem(problems);
  }
  return config;
}

/** The HMAC key of requests to one subgraph: its own, or the shared one. */
export const signingKeyFor = (config: Pick<Config, 'SUBGRAPH_SIGNING_SECRET' | 'SUBGRAPH_SIGNING_KEYS'>, subgraph: string): string =>
  config.SUBGRAPH_SIGNING_KEYS[subgraph] ?? config.SUBGRAPH_SIGNING_SECRET;
