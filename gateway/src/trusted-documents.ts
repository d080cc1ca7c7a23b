// Trusted documents: the operations the web pages (and any other registered app) were built with,
// known by hash. A client sends the hash in Apollo's APQ format, `extensions.persistedQuery.sha256Hash`
// (what urql, Apollo Client and Apollo Kotlin/iOS send), and the gateway runs the registered text.
// TRUSTED_DOCUMENTS says who may send nothing else: `customers` (customers; staff send any document),
// `all` (every person: customers and staff), or `off`. BI service accounts (role bi: few, named,
// revocable, read-only) write their own queries in any mode, and what the gateway runs for itself
// (the OData feed's operations, the revocation list) never came over HTTP and is not judged here.
// Manifests are GraphQL Code Generator's persisted-documents.json, {"sha256:<hex>": "<document>"};
// several may be listed (one per app); reading them is common/src/persisted-documents.ts (the pages'
// build tools and the tests read them too).
import { GraphQLError, Kind, type OperationDefinitionNode } from 'graphql';
import type { ApolloServerPlugin } from '@apollo/server';
import type { Config } from '../../common/src/config.js';
import type { Caller } from '../../common/src/caller.js';

export type TrustMode = 'off' | 'customers' | 'all';

export const NOT_IN_LIST = 'PERSISTED_QUERY_NOT_IN_LIST';

/** The mode in force: as configured, else customers-only (development, test) or everyone (production). */
export function trustMode(config: Pick<Config, 'TRUSTED_DOCUMENTS' | 'NODE_ENV'>): TrustMode {
  return config.TRUSTED_DOCUMENTS ?? (config.NODE_ENV === 'production' ? 'all' : 'customers');
}

/**
 * Only __schema, __type and __typename at the root: introspection, not data. Who may introspect
 * is decided elsewhere (introspection.ts: in development everyone, in production BI only).
 */
function introspectionOnly(operation: OperationDefinitionNode): boolean {
  return operation.selectionSet.selections.every((s) => s.kind === Kind.FIELD && s.name.value.startsWith('__'));
}

/** Does the mode restrict this caller to registered documents? (Subscriptions ask too: gateway/src/live/.) */
export const mustBeTrusted = (mode: TrustMode, caller: Caller | undefined): boolean =>
  caller?.role !== 'bi' && (mode === 'all' || (mode === 'customers' && caller?.role === 'customer'));

/** The refusal of an operation that is not a registered trusted document. */
export function notInList(): GraphQLError {
  const zh = '此操作未登记为可信文档：请在前端项目中登记该操作并重新构建（见 docs/web.md）';
  const en = 'This operation is not a registered trusted document: register it in the app and rebuild (see docs/web.md)';
  return new GraphQLError(`${zh} / ${en}`, { extensions: { code: NOT_IN_LIST, messageZh: zh, messageEn: en, http: { status: 400 } } });
}

export interface TrustOptions {
  mode: TrustMode;
  documents: Map<string, string>;
}

/**
 * An Apollo Server plugin: a registered hash gets its text before Apollo's APQ would look for it,
 * and, once the operation is known, a caller the mode restricts is refused anything unregistered
 * (400 PERSISTED_QUERY_NOT_IN_LIST), before any subgraph is asked and before APQ would remember it.
 * A hash nobody registered is answered by APQ as usual (PERSISTED_QUERY_NOT_FOUND).
 */
export function trustedDocumentsPlugin(options: TrustOptions): ApolloServerPlugin<{ caller: Caller }> {
  const restricted = (caller: Caller | undefined) => mustBeTrusted(options.mode, caller);
  return {
    async requestDidStart({ request }) {
      const hash = request.extensions?.persistedQuery?.sha256Hash;
      const text = typeof hash === 'string' && request.query === undefined ? options.documents.get(hash) : undefined;
      if (text !== undefined) {
        // Served from the manifest, not from APQ: nothing for APQ to look up or to remember, and
        // it works whether or not APQ is on. Apollo hashes the text again: the same hash.
        const { persistedQuery: _served, ...rest } = request.extensions!;
        request.query = text;
        request.extensions = rest;
      }
      return {
        async didResolveOperation({ contextValue, queryHash, operation, request: { http } }) {
          // Not over HTTP: an operation the gateway built and runs itself (execute.ts).
          if (!http || !restricted(contextValue.caller) || options.documents.has(queryHash)) return;
          if (operation && introspectionOnly(operation)) return;
          throw notInList();
        },
      };
    },
  };
}
