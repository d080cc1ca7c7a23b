// GET /odata/…: an OData v4 feed of the fact sets, read-only, for Excel ("From OData feed"), Power BI
// and any OData client. Each request is translated into GraphQL on the flat fact connections and run
// through the gateway's own pipeline (execute.ts): one path to the data, the same access policy,
// limits, batching and attribution as /graphql. A page of the feed is streamed as the connection's
// pages come — never held whole — and ends with @odata.nextLink where more remain.
//   /odata/                    service document
//   /odata/$metadata           CSDL XML
//   /odata/Orders?$select=…&$filter=…&$orderby=…&$top=…&$skip=…&$count=true
//   /odata/Orders/$count       /odata/Orders('OH0000000001')
// Credentials: Authorization: Bearer <token>, or HTTP Basic with the token as the password (what
// Excel and Power BI send); without them a 401 asks for Basic.
import { once } from 'node:events';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { Counter } from 'prom-client';
import type { Caller } from '../../../common/src/caller.js';
import { HttpRefusal, type RouteHandler } from '../../../common/src/http-host.js';
import type { Logger } from '../../../common/src/logger.js';
import type { Metrics } from '../../../common/src/metrics.js';
import type { Authenticator } from '../auth.js';
import type { Execute, Executed } from '../execute.js';
import { metadataXml } from './csdl.js';
import type { EntitySet, ODataProperty } from './model.js';
import { encodeSkipToken, ODataError, translate } from './query.js';

export interface ODataOptions {
  sets: EntitySet[];
  authenticate: Authenticator;
  execute: Execute;
  /** Rows per page of the feed (Prefer: odata.maxpagesize may ask for fewer or more, up to MAX_PAGE). */
  pageSize: number;
  personalData: boolean;
  metrics: Metrics;
  logger: Logger;
}

const MAX_PAGE = 50_000;
const ODATA_HEADERS = { 'odata-version': '4.0' };
const REALM = 'Basic realm="Order Hub OData", charset="UTF-8"';

/** A BI client reads pages of up to 1,000 rows from a connection, people 200 (the connection's own limit). */
const connectionPage = (caller: Caller) => (caller.role === 'bi' ? 1000 : 200);

function sendError(res: ServerResponse, status: number, code: string, message: string, target?: string, headers: Record<string, string | string[]> = {}) {
  if (res.headersSent) return void res.destroy();
  const body = JSON.stringify({ error: { code, message, ...(target ? { target } : {}) } });
  res.writeHead(status, { 'content-type': 'application/json; charset=utf-8', 'content-length': Buffer.byteLength(body), ...ODATA_HEADERS, ...headers });
  res.end(body);
}

/** The bearer token in Authorization: as sent, or as the password of HTTP Basic (the user name is not used). */
function bearerOf(header: string | undefined): string | undefined {
  if (!header) return undefined;
  const basic = /^Basic\s+([A-Za-z0-9+/=]+)\s*$/i.exec(header);
  if (!basic) return header;
  const decoded = Buffer.from(basic[1], 'base64').toString('utf8');
  const colon = decoded.indexOf(':');
  return colon < 0 ? 'Basic' : `Bearer ${decoded.slice(colon + 1)}`;
}

/** A GraphQL answer that failed, as an OData error. */
function failure(r: Executed): ODataError {
  const e = r.errors?.[0];
  const code = String(e?.extensions?.code ?? 'INTERNAL_SERVER_ERROR');
  const status = r.status >= 400 ? r.status : code === 'BAD_USER_INPUT' ? 400 : code === 'FORBIDDEN' ? 403 : code === 'UPSTREAM_UNAVAILABLE' ? 503 : 500;
  const zh = String(e?.extensions?.messageZh ?? e?.message ?? '内部错误');
  const en = String(e?.extensions?.messageEn ?? e?.message ?? 'Internal error');
  return new ODataError(status, code, zh, en, e?.extensions?.argument ? String(e.extensions.argument) : undefined);
}

/** One key predicate: ('OH…'), (5) or (orderId='OH…',lineNo=1). */
function keyWhere(set: EntitySet, text: string): Record<string, unknown> {
  const parts = text.includes('=') ? text.split(/,(?=\s*\w+\s*=)/) : [text];
  if (parts.length !== set.key.length) throw new ODataError(400, 'BAD_REQUEST', `${set.name} 的键有 ${set.key.length} 部分`, `${set.name}'s key has ${set.key.length} part(s): ${set.key.join(', ')}`);
  return {
    and: parts.map((part, i) => {
      const m = /^\s*(?:(\w+)\s*=\s*)?('(?:[^']|'')*'|-?\d+)\s*$/.exec(part);
      const name = m?.[1] ?? set.key[i];
      if (!m || !set.key.includes(name)) throw new ODataError(400, 'BAD_REQUEST', `键「${part}」格式错误`, `Key "${part}" is malformed`);
      const value = m[2].startsWith("'") ? m[2].slice(1, -1).replace(/''/g, "'") : Number(m[2]);
      return { [name]: { eq: value } };
    }),
  };
}

/** The GraphQL operation that reads a page of a set. */
function operation(set: EntitySet, columns: string[], withCount: boolean): string {
  const vars = [['first', 'Int'], ['after', 'String'], ['where', set.whereType], ['orderBy', set.orderType && `[${set.orderType}!]`], ['skip', 'Int']].filter(
    ([name, type]) => type && set.arguments.has(name!),
  ) as [string, string][];
  return `query ODataRead(${vars.map(([n, t]) => `$${n}: ${t}`).join(', ')}) { page: ${set.field}(${vars.map(([n]) => `${n}: $${n}`).join(', ')}) { ${withCount ? 'totalCount ' : ''}nodes { ${columns.join(' ')} } pageInfo { hasNextPage endCursor } } }`;
}

/** A row as OData JSON: decimals are numbers unless the client asked for IEEE754Compatible strings. */
function rowJson(row: Record<string, unknown>, decimals: ODataProperty[], asStrings: boolean): string {
  if (!asStrings) for (const p of decimals) if (row[p.name] != null) row[p.name] = Number(row[p.name]);
  return JSON.stringify(row);
}

export function odataRoute(options: ODataOptions): RouteHandler {
  const sets = new Map(options.sets.map((s) => [s.name, s]));
  const rowsServed = new Counter({
    name: 'gateway_odata_rows_total',
    help: 'Rows the OData feed served, by entity set and client (a token\'s client_id, else its role)',
    labelNames: ['set', 'client'],
    registers: [options.metrics.registry],
  });
  const visible = (caller: Caller) => (set: EntitySet) => set.properties.filter((p) => !p.personal || options.personalData || caller.role !== 'bi');

  return async (req: IncomingMessage, res: ServerResponse, requestId: string): Promise<void> => {
    const started = Date.now();
    try {
      if (req.method !== 'GET' && req.method !== 'HEAD') {
        req.resume();
        throw new ODataError(405, 'METHOD_NOT_ALLOWED', 'OData 服务只读，仅支持 GET', 'The OData service is read-only: GET only');
      }
      let caller: Caller;
      try {
        caller = await options.authenticate(bearerOf(req.headers.authorization));
      } catch (err) {
        if (err instanceof HttpRefusal) {
          const challenge: Record<string, string[]> = err.status === 401 ? { 'www-authenticate': [REALM, 'Bearer'] } : {};
          return sendError(res, err.status, err.code, err.message, undefined, challenge);
        }
        throw err;
      }
      const url = new URL(req.url ?? '/', 'http://localhost');
      const proto = String(req.headers['x-forwarded-proto'] ?? 'http').split(',')[0].trim();
      const base = `${proto}://${req.headers['x-forwarded-host'] ?? req.headers.host ?? 'localhost'}/odata/`;
      const path = decodeURIComponent(url.pathname.replace(/^\/odata\/?/, ''));
      const shown = visible(caller);

      if (path === '') {
        const body = JSON.stringify({ '@odata.context': `${base}$metadata`, value: options.sets.map((s) => ({ name: s.name, kind: 'EntitySet', url: s.name })) });
        res.writeHead(200, { 'content-type': 'application/json;odata.metadata=minimal;charset=utf-8', ...ODATA_HEADERS }).end(body);
        return;
      }
      if (path === '$metadata') {
        res.writeHead(200, { 'content-type': 'application/xml;charset=utf-8', ...ODATA_HEADERS }).end(metadataXml(options.sets, shown));
        return;
      }
      const m = /^([A-Za-z]\w*)(?:\((.*)\))?(\/\$count)?$/.exec(path);
      const set = m ? sets.get(m[1]) : undefined;
      if (!m || !set) throw new ODataError(404, 'NOT_FOUND', `没有「${path}」：实体集见服务文档 /odata/`, `No resource "${path}": the entity sets are listed at /odata/`);
      const t = translate(set, url.searchParams, shown(set));
      const asStrings = /IEEE754Compatible=true/i.test(String(req.headers.accept ?? '')) || /IEEE754Compatible=true/i.test(url.searchParams.get('$format') ?? '');
      const decimals = t.select.filter((p) => p.edm === 'Edm.Decimal');
      const run = async (variables: Record<string, unknown>, columns: string[], withCount: boolean) => {
        const r = await options.execute<{ page: { totalCount?: number; nodes: Record<string, unknown>[]; pageInfo: { hasNextPage: boolean; endCursor: string | null } } }>(
          { query: operation(set, columns, withCount), variables },
          caller,
          requestId,
        );
        if (r.errors?.length || !r.data?.page) throw failure(r);
        return r.data.page;
      };

      if (m[3]) {
        // /$count: the number, as text.
        if (!set.countable) throw new ODataError(501, 'NOT_IMPLEMENTED', `${set.name} 不提供计数`, `${set.name} cannot be counted`, '$count');
        const page = await run({ first: 0, where: t.where }, [set.key[0]], true);
        res.writeHead(200, { 'content-type': 'text/plain;charset=utf-8', ...ODATA_HEADERS }).end(String(page.totalCount));
        return;
      }
      if (m[2] != null) {
        const where = t.where ? { and: [keyWhere(set, m[2]), t.where] } : keyWhere(set, m[2]);
        const page = await run({ first: 1, where }, t.select.map((p) => p.name), false);
        if (!page.nodes.length) throw new ODataError(404, 'NOT_FOUND', `${set.name} 中没有 ${m[2]}`, `${set.name} has no ${m[2]}`);
        const body = JSON.stringify({ '@odata.context': `${base}$metadata#${set.name}/$entity`, ...JSON.parse(rowJson(page.nodes[0], decimals, asStrings)) });
        res.writeHead(200, { 'content-type': 'application/json;odata.metadata=minimal;charset=utf-8', ...ODATA_HEADERS }).end(body);
        return;
      }

      // A page of the collection: as many connection pages as it takes, written as they come.
      const preferred = /odata\.maxpagesize=(\d+)/i.exec(String(req.headers.prefer ?? ''))?.[1];
      const pageSize = preferred ? Math.max(1, Math.min(MAX_PAGE, Number(preferred))) : options.pageSize;
      const remaining = t.skipToken ? t.skipToken.remaining : t.top;
      const wanted = remaining == null ? pageSize : Math.min(pageSize, remaining);
      const columns = t.select.map((p) => p.name);
      let after = t.skipToken?.after ?? null;
      let written = 0;
      let more = true;
      let headed = false;
      let gone = false;
      res.once('close', () => (gone = true));
      const context = `${base}$metadata#${set.name}${url.searchParams.get('$select') ? `(${columns.join(',')})` : ''}`;
      while (!gone) {
        const first = Math.min(connectionPage(caller), wanted - written);
        let page;
        try {
          page = await run({ first: Math.max(0, first), after, where: t.where, orderBy: t.orderBy, skip: after || !t.skip ? undefined : t.skip }, columns, !headed && t.count);
        } catch (err) {
          // Before anything is written the client gets the error as it is; later, the page ends
          // where it stands and nextLink resumes from the last rows given.
          if (!headed) throw err;
          options.logger.warn({ requestId, set: set.name, err: (err as Error)?.message }, 'OData page ended early');
          break;
        }
        let chunk = '';
        if (!headed) {
          headed = true;
          res.writeHead(200, {
            'content-type': `application/json;odata.metadata=minimal;odata.streaming=true;IEEE754Compatible=${asStrings};charset=utf-8`,
            ...ODATA_HEADERS,
            ...(preferred ? { 'preference-applied': `odata.maxpagesize=${pageSize}` } : {}),
          });
          chunk = `{"@odata.context":${JSON.stringify(context)},${t.count ? `"@odata.count":${page.totalCount},` : ''}"value":[`;
        }
        for (const row of page.nodes) chunk += `${written++ ? ',' : ''}${rowJson(row, decimals, asStrings)}`;
        if (page.pageInfo.endCursor) after = page.pageInfo.endCursor;
        if (!res.write(chunk)) await once(res, 'drain').catch(() => undefined);
        if (!page.pageInfo.hasNextPage) {
          more = false;
          break;
        }
        if (written >= wanted) break;
      }
      if (gone) return;
      const left = remaining == null ? null : remaining - written;
      const next = new URLSearchParams([...url.searchParams].filter(([k]) => k !== '$skip' && k !== '$top' && k !== '$skiptoken'));
      if (more && after && (left == null || left > 0)) next.set('$skiptoken', encodeSkipToken({ after, remaining: left }));
      res.end(`]${next.has('$skiptoken') ? `,"@odata.nextLink":${JSON.stringify(`${base}${set.name}?${next.toString().replace(/\+/g, '%20')}`)}` : ''}}`);
      rowsServed.inc({ set: set.name, client: caller.client ?? caller.role }, written);
      options.logger.info({ requestId, client: caller.client ?? null, subject: caller.subject, role: caller.role, set: set.name, rows: written, ms: Date.now() - started }, 'odata page');
    } catch (err) {
      if (err instanceof ODataError) return sendError(res, err.status, err.code, err.message, err.target);
      options.logger.error({ err, requestId }, 'OData request failed');
      sendError(res, 500, 'INTERNAL_SERVER_ERROR', '内部错误 / Internal error');
    }
  };
}
