// Bad configuration is bad input: before a process starts serving, every database, API and cache
// its settings point at is asked once, and a setting that is malformed, too short or points at
// something that does not answer ends start-up with one line per problem — the variable, the
// target (passwords hidden) and what failed, in Chinese and English — and exit code 1. No stack
// trace for a configuration mistake; an unexpected failure is one line too (its stack at debug).
import { accessSync, constants, mkdirSync } from 'node:fs';
import { dirname } from 'node:path';
import { createConnection } from 'mysql2/promise';
import { request } from 'undici';
import { loadConfig, ConfigProblem, printable, type Config, type ProcessKind } from './config.js';
import { dialectOf, sqlitePath } from './db.js';
import { redisReplayCache } from './replay-cache.js';

const PROBE_TIMEOUT_MS = 3000;

/** One thing wrong with the configuration, said in one line. */
export class StartupProblem extends Error {
  constructor(
    readonly variable: string,
    readonly target: string,
    readonly zh: string,
    readonly en: string,
  ) {
    super(`${variable}${target ? ` (${target})` : ''}: ${zh} / ${en}`);
  }
}

/** A URL as it may be printed: the password replaced. */
const shown = (url: string) => printable('URL', url).replace(/^"|"$/g, '');

/** Why a connection failed, in both languages, from the error's code. */
function why(err: unknown): [string, string] {
  const e = err as { code?: string; errno?: string; message?: string; name?: string };
  const code = e?.code ?? e?.errno ?? '';
  if (code === 'ECONNREFUSED') return ['连接被拒绝，没有服务在该端口监听', 'connection refused: nothing listens there'];
  if (code === 'ENOTFOUND' || code === 'EAI_AGAIN') return ['主机名无法解析', 'the host name does not resolve'];
  if (code === 'ETIMEDOUT' || code === 'UND_ERR_CONNECT_TIMEOUT' || code === 'UND_ERR_HEADERS_TIMEOUT' || /timeout/i.test(`${e?.name} ${e?.message}`))
    return [`${PROBE_TIMEOUT_MS / 1000} 秒内无应答`, `no answer within ${PROBE_TIMEOUT_MS / 1000} s`];
  if (code === 'ER_ACCESS_DENIED_ERROR' || code === 'ER_DBACCESS_DENIED_ERROR') return ['用户名或密码被拒绝', 'the user or password was refused'];
  if (code === 'ER_BAD_DB_ERROR') return ['数据库不存在', 'the database does not exist'];
  if (code === 'EACCES' || code === 'EROFS') return ['目录不可写', 'the directory is not writable'];
  if (code === 'ECONNRESET' || code === 'EPIPE') return ['连接被对方关闭（地址对，但不是预期的服务？）', 'the connection was closed by the other side (the right address for another service?)'];
  const text = String(e?.message ?? err).split('\n')[0].slice(0, 160);
  return [`无法连接：${text}`, `cannot connect: ${text}`];
}

/** Asks a database once: MySQL/MariaDB answers (and the database exists, when it must); SQLite's folder is writable. */
export async function probeDatabase(variable: string, url: string, mustExist: boolean): Promise<void> {
  if (dialectOf(url) === 'sqlite') {
    const file = sqlitePath(url);
    if (file === ':memory:') return;
    try {
      mkdirSync(dirname(file), { recursive: true });
      accessSync(dirname(file), constants.W_OK);
    } catch (err) {
      throw new StartupProblem(variable, url, ...why(err));
    }
    return;
  }
  const u = new URL(url.replace(/^mariadb:/, 'mysql:'));
  if (!mustExist) u.pathname = '/';
  try {
    const conn = await createConnection({ uri: u.toString(), connectTimeout: PROBE_TIMEOUT_MS });
    await conn.end();
  } catch (err) {
    throw new StartupProblem(variable, shown(url), ...why(err));
  }
}

/** Asks an HTTP API once: any HTTP answer will do; no answer will not. */
export async function probeHttp(variable: string, url: string): Promise<void> {
  try {
    const res = await request(url, { method: 'GET', headersTimeout: PROBE_TIMEOUT_MS, bodyTimeout: PROBE_TIMEOUT_MS, signal: AbortSignal.timeout(PROBE_TIMEOUT_MS) });
    await res.body.dump();
  } catch (err) {
    throw new StartupProblem(variable, shown(url), ...why(err));
  }
}

export async function probeRedis(variable: string, url: string): Promise<void> {
  const cache = redisReplayCache(url);
  try {
    await cache.check();
  } catch (err) {
    throw new StartupProblem(variable, shown(url), ...why(err));
  } finally {
    await cache.close();
  }
}

/** The processes, each with what it depends on. `start` is npm start: everything it does not start itself. */
export type Component = 'gateway' | 'erp' | 'wms' | 'tms' | 'crm' | 'order-link' | 'fulfilment' | 'intake' | 'tms-sim' | 'crm-sim' | 'start' | 'start-no-sim';

/** Every target of a component, asked at once; all problems are reported, not only the first. */
export async function checkTargets(config: Config, component: Component): Promise<void> {
  const checks: Promise<void>[] = [];
  const db = (v: 'ERP_DATABASE_URL' | 'WMS_DATABASE_URL' | 'HUB_DATABASE_URL' | 'TMS_SIM_DATABASE_URL' | 'CRM_SIM_DATABASE_URL', mustExist: boolean) => checks.push(probeDatabase(v, config[v], mustExist));
  const api = (v: 'TMS_API_URL' | 'CRM_API_URL' | 'AUTH_JWKS_URL') => config[v] && checks.push(probeHttp(v, config[v]!));
  const subgraph = component === 'erp' || component === 'wms' || component === 'tms' || component === 'crm' || component === 'order-link' || component === 'fulfilment' || component === 'intake';
  if (subgraph || component.startsWith('start')) {
    if (config.SUBGRAPH_REPLAY_CACHE !== 'memory') checks.push(probeRedis('SUBGRAPH_REPLAY_CACHE', config.SUBGRAPH_REPLAY_CACHE));
  }
  if (component === 'gateway' || component.startsWith('start')) api('AUTH_JWKS_URL');
  // The legacy databases must exist for an adapter; npm start seeds them (and creates the hub).
  if (component === 'erp' || component === 'order-link' || component === 'fulfilment' || component === 'intake') db('ERP_DATABASE_URL', true);
  if (component === 'wms' || component === 'order-link' || component === 'fulfilment') db('WMS_DATABASE_URL', true);
  if (component === 'order-link') db('HUB_DATABASE_URL', false);
  // fulfilment and intake open the hub order-link has created and migrated.
  if (component === 'fulfilment' || component === 'intake') db('HUB_DATABASE_URL', true);
  if (component === 'tms' || component === 'order-link' || component === 'fulfilment' || component === 'start-no-sim') api('TMS_API_URL');
  if (component === 'crm' || component === 'order-link' || component === 'start-no-sim') api('CRM_API_URL');
  if (component === 'start' || component === 'start-no-sim') {
    db('ERP_DATABASE_URL', component === 'start-no-sim');
    db('WMS_DATABASE_URL', component === 'start-no-sim');
    db('HUB_DATABASE_URL', false);
  }
  if (component === 'tms-sim' || component === 'start') db('TMS_SIM_DATABASE_URL', false);
  if (component === 'crm-sim' || component === 'start') db('CRM_SIM_DATABASE_URL', false);
  const outcomes = await Promise.allSettled(checks);
  const problems = outcomes.filter((o): o is PromiseRejectedResult => o.status === 'rejected').map((o) => o.reason);
  if (problems.length) throw problems.length === 1 ? problems[0] : new AggregateError(problems);
}

const PREFIX = '启动失败 / start-up failed:';

/** The lines a failed start-up prints: one per problem. */
export function problemLines(err: unknown): string[] {
  if (err instanceof AggregateError) return err.errors.flatMap(problemLines);
  if (err instanceof ConfigProblem) return err.issues.map((i) => `${PREFIX} ${ConfigProblem.line(i)}`);
  if (err instanceof StartupProblem) return [`${PREFIX} ${err.message}`];
  const e = err as { code?: string; message?: string };
  // A port taken is configuration too, though only listen() finds it out.
  if (e?.code === 'EADDRINUSE') return [`${PREFIX} ${String(e.message).replace(/^listen /, '')}: 端口已被占用（改 *_PORT 设置） / the port is taken (change the *_PORT setting)`];
  return [`${PREFIX} ${String(e?.message ?? err).split('\n')[0]}`];
}

function fail(err: unknown): never {
  for (const line of problemLines(err)) process.stderr.write(`${line}\n`);
  if (process.env.LOG_LEVEL === 'debug' || process.env.LOG_LEVEL === 'trace') process.stderr.write(`${(err as Error)?.stack ?? err}\n`);
  process.exit(1);
}

/** Until the returned function is called, any error thrown during start-up (top-level await included) ends the process the same way. */
export function guardStartup(): () => void {
  process.on('uncaughtException', fail);
  return () => process.off('uncaughtException', fail);
}

/**
 * Runs a process's start-up: configuration read and checked, targets asked, then `start`. Any
 * failure before it serves ends the process with one line per problem on stderr and exit code 1.
 */
export async function runProcess<T>(kind: ProcessKind, component: Component, start: (config: Config) => Promise<T>): Promise<T> {
  try {
    const config = loadConfig(process.env, kind);
    await checkTargets(config, component);
    return await start(config);
  } catch (err) {
    fail(err);
  }
}
