// The pages' one way to the graph: urql over fetch, sending each operation as its trusted-document
// hash (the text stays in the manifest the gateway reads), with the session's bearer token.
// UNAUTHENTICATED sends the person back to sign-in; FORBIDDEN too, saying the role may not.
import { Client, fetchExchange, mapExchange, type CombinedError } from '@urql/core';
import { persistedExchange } from '@urql/exchange-persisted';
import { backToSignIn, type Session } from './session';

/** The built pages call their own origin; the dev server (npm run web:dev) calls the gateway on :4000. */
export const GRAPHQL_URL: string = import.meta.env.VITE_GRAPHQL_URL ?? (import.meta.env.DEV ? 'http://127.0.0.1:4000/graphql' : '/graphql');

/** A registered operation's hash, as the trusted-documents manifest holds it (the codegen puts it in `__meta__`). */
export const documentHash = (document: unknown): string => String((document as { __meta__?: { hash?: string } }).__meta__?.hash ?? '').replace(/^sha256:/, '');

/** The codes a page reacts to by leaving: the person must sign in (again), or as someone else. */
function leaveOnAuthErrors(error: CombinedError): void {
  const codes = new Set(error.graphQLErrors.map((e) => e.extensions?.code));
  const status = error.response?.status;
  if (codes.has('UNAUTHENTICATED') || status === 401) backToSignIn('unauthenticated');
  else if (codes.has('FORBIDDEN') || status === 403) backToSignIn('forbidden');
}

export function createGraphClient(session: Session): Client {
  return new Client({
    url: GRAPHQL_URL,
    // No document cache: every read asks the graph, so a page shows what the systems say now.
    exchanges: [
      mapExchange({ onError: leaveOnAuthErrors }),
      persistedExchange({
        // Only the hash travels; a gateway that does not know it answers PERSISTED_QUERY_NOT_FOUND
        // (the page is older than the gateway's manifest) rather than being sent the text.
        enforcePersistedQueries: true,
        enableForMutation: true,
        // POST: order numbers in variables stay out of URLs (and out of access logs).
        preferGetForPersistedQueries: false,
        generateHash: async (_text, document) => documentHash(document),
      }),
      fetchExchange,
    ],
    preferGetMethod: false,
    fetchOptions: () => ({ headers: { authorization: `Bearer ${session.token}` } }),
  });
}
