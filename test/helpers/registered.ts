// The web pages' registered operations (web/src/gql/persisted-documents.json), and a way to run
// one through the gateway as the pages do: the hash only, in Apollo's APQ extension.
import { readManifests, registeredHash } from '../../common/src/persisted-documents.js';
import type { GraphQLResponse } from './stack.js';

export const WEB_MANIFEST = 'web/src/gql/persisted-documents.json';

export const registeredDocuments = (): Map<string, string> => readManifests([WEB_MANIFEST]);

export async function post(url: string, token: string, body: unknown): Promise<{ status: number; body: GraphQLResponse }> {
  const res = await fetch(url, { method: 'POST', headers: { 'content-type': 'application/json', authorization: `Bearer ${token}` }, body: JSON.stringify(body) });
  return { status: res.status, body: (await res.json()) as GraphQLResponse };
}

/** Runs a registered operation by name, sending only its hash. */
export async function runRegistered<T = any>(url: string, token: string, operationName: string, variables: Record<string, unknown> = {}): Promise<GraphQLResponse<T>> {
  const hash = registeredHash(registeredDocuments(), operationName);
  if (!hash) throw new Error(`${operationName} is not a registered operation`);
  return (await post(url, token, { operationName, variables, extensions: { persistedQuery: { version: 1, sha256Hash: hash } } })).body as GraphQLResponse<T>;
}
