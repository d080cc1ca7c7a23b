// Who may read the schema itself. Connectors for BI tools (CData's drivers, Grafana's Infinity
// data source) need introspection to offer tables, so a BI service account may always introspect;
// in production nobody else may (people use the documented graph), in development everyone signed in.
import { GraphQLError, visit, type DocumentNode } from 'graphql';
import type { Caller } from '../../common/src/caller.js';

/** Does the document ask for __schema or __type (__typename is not introspection)? */
export function asksForSchema(document: DocumentNode): boolean {
  let asks = false;
  visit(document, {
    Field(node) {
      if (node.name.value === '__schema' || node.name.value === '__type') asks = true;
    },
  });
  return asks;
}

export function checkIntrospection(document: DocumentNode, caller: Caller, production: boolean): void {
  if (!production || caller.role === 'bi' || !asksForSchema(document)) return;
  const zh = '生产环境不允许 GraphQL 内省（introspection），仅 BI 服务账号可用';
  const en = 'GraphQL introspection is not allowed in production, except for BI service accounts';
  throw new GraphQLError(`${zh} / ${en}`, { extensions: { code: 'GRAPHQL_VALIDATION_FAILED', messageZh: zh, messageEn: en, http: { status: 400 } } });
}

