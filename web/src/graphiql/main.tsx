// GraphiQL from the project's own dependencies (no CDN), for development only (the gateway serves
// /graphiql outside production). It sends the signed-in role's token, so the explorer sees the graph
// as that role does: a customer sees only what customers may ask, and under TRUSTED_DOCUMENTS
// (customers by default) may run only registered operations.
import 'graphiql/setup-workers/vite';
import 'graphiql/style.css';
import { createRoot } from 'react-dom/client';
import { GraphiQL } from 'graphiql';
import { createGraphiQLFetcher } from '@graphiql/toolkit';
import { GRAPHQL_URL } from '../shared/graph';
import { requireSession } from '../shared/session';

const session = requireSession(['customer', 'sales', 'director', 'warehouse', 'finance', 'ops']);

const DEFAULT_QUERY = `# Signed in as ${session?.role ?? '—'}${session?.customerCode ? ` (${session.customerCode})` : ''}.
# Any of an order's numbers finds it: SO-…, CK…, the waybill, or its OH… ID.
query Orders {
  orders(first: 5) {
    edges {
      node {
        id erpOrderNo wmsOutboundNo tmsWaybillNo status
        currentBlocker { code messageZh messageEn expectedBy }
        lifecycle { stage reached recorded missing at }
      }
    }
  }
}
`;

if (session) {
  const fetcher = createGraphiQLFetcher({ url: GRAPHQL_URL, headers: { authorization: `Bearer ${session.token}` } });
  createRoot(document.getElementById('app')!).render(<GraphiQL fetcher={fetcher} defaultQuery={DEFAULT_QUERY} />);
}
