// Builds the TMS adapter subgraph; index.ts runs it.
import type { Config } from '../../../common/src/config.js';
import { LegacyHttpClient } from '../../../common/src/legacy-http.js';
import { buildSubgraph, subgraphKit } from '../../../common/src/subgraph.js';
import { TmsDatasource } from '#adapters/tms';
import { createLoaders } from './loaders.js';
import { resolvers } from './resolvers.js';
import type { Context } from './context.js';

export async function createTmsSubgraph(config: Config) {
  const kit = subgraphKit('tms', config);
  const http = new LegacyHttpClient(kit.legacy('tms'), config.TMS_API_URL);
  const tms = new TmsDatasource(http);
  return buildSubgraph<Context>({
    kit,
    schemaPath: new URL('../schema.graphql', import.meta.url),
    resolvers,
    createContext: (base) => ({ ...base, loaders: createLoaders(tms, { batching: kit.batching }) }),
    readiness: { tmsApi: () => tms.ping() },
    close: () => http.close(),
  });
}
