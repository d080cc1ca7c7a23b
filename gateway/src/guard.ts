// The gateway's first look at a GraphQL request, before Apollo Server sees it (the HTTP host calls
// it once the caller is known): automatic persisted queries that cannot be right are the client's
// mistake (400 with a PERSISTED_QUERY_* code, never a 500), and the query text is screened against
// the limits before graphql-js parses and validates it for real (limits.ts). Apollo's plugin hooks
// before validation cannot refuse a request without it becoming a 500, hence here.
import { createHash } from 'node:crypto';
import { GraphQLError, type GraphQLSchema } from 'graphql';
import { HttpRefusal } from '../../common/src/http-host.js';
import { refuse, screenDocument, type Limits } from './limits.js';

export const PersistedQueryCode = {
  VERSION_NOT_SUPPORTED: 'PERSISTED_QUERY_VERSION_NOT_SUPPORTED',
  HASH_INVALID: 'PERSISTED_QUERY_HASH_INVALID',
  HASH_MISMATCH: 'PERSISTED_QUERY_HASH_MISMATCH',
} as const;

/** Refuses an APQ extension that no stored query could answer rightly. */
export function checkPersistedQuery(query: unknown, extensions: unknown): void {
  const apq = (extensions as { persistedQuery?: { version?: unknown; sha256Hash?: unknown } } | undefined)?.persistedQuery;
  if (apq === undefined) return;
  if (apq === null || typeof apq !== 'object' || apq.version !== 1) {
    throw refuse(
      PersistedQueryCode.VERSION_NOT_SUPPORTED,
      '只支持第 1 版自动持久化查询（persistedQuery.version = 1）',
      'Only version 1 of automatic persisted queries is supported (persistedQuery.version = 1)',
      { supported: [1] },
    );
  }
  if (typeof apq.sha256Hash !== 'string' || !/^[0-9a-f]{64}$/.test(apq.sha256Hash)) {
    throw refuse(PersistedQueryCode.HASH_INVALID, 'persistedQuery.sha256Hash 应为 64 位小写十六进制', 'persistedQuery.sha256Hash must be 64 lowercase hex digits');
  }
  if (typeof query === 'string' && createHash('sha256').update(query).digest('hex') !== apq.sha256Hash) {
    throw refuse(
      PersistedQueryCode.HASH_MISMATCH,
      'persistedQuery.sha256Hash 与查询文本的 SHA-256 不符',
      'persistedQuery.sha256Hash does not match the SHA-256 of the query text',
    );
  }
}

/** A GraphQL request as sent: the POST body, or the GET query string's parameters. */
export interface RawRequest {
  query?: unknown;
  extensions?: unknown;
}

/**
 * The screen the host runs on every GraphQL request: throws an HttpRefusal (400, the limit's code,
 * zh + en) and tells `onRefused`. Anything it cannot read it leaves to Apollo Server, which
 * refuses malformed requests itself.
 */
export function requestScreen(schema: GraphQLSchema, limits: Limits, onRefused: (code: string) => void) {
  return (request: RawRequest): void => {
    try {
      checkPersistedQuery(request.query, request.extensions);
      if (typeof request.query === 'string') screenDocument(schema, request.query, limits);
    } catch (err) {
      if (!(err instanceof GraphQLError)) throw err;
      const { code, messageZh, messageEn, http: _http, ...details } = err.extensions as Record<string, any>;
      onRefused(String(code));
      throw new HttpRefusal(400, String(code), messageZh, messageEn, details);
    }
  };
}
