// Builds the TMS adapter subgraph; index.ts runs it.
import type { Config } from '../../../common/src/config.js';
import { LegacyHttpClient } from '../../../common/src/legacy-http.js';
import { openDataSource } from '../../../common/src/db.js';
import { ErpDatasource, erpEntities } from '#adapters/erp';
import { buildSubgraph, subgraphKit } from '../../../common/src/subgraph.js';
import { TmsDatasource } from '#adapters/tms';
import { createLoaders } from './loaders.js';
import { resolvers } from './resolvers.js';
import type { Context } from './context.js';

export async function createTmsSubgraph(config: Config) {
  const kit = subgraphKit('tms', config);
  const http = new LegacyHttpClient(kit.legacy('tms'), config.TMS_API_URL);
  const tms = new TmsDatasource(http);
  // The TMS knows whom a waybill is for only by the consignee's name: the ERP's customer directory
  // says whose name that is, so a customer is shown only their own waybills whatever link led here.
  const erpDb = await openDataSource(config.ERP_DATABASE_URL, { entities: erpEntities, poolSize: 2 });
  const erp = new ErpDatasource(erpDb, kit.legacy('erp'));
  return buildSubgraph<Context>({
    kit,
    schemaPath: new URL('../schema.graphql', import.meta.url),
    resolvers,
    createContext: (base) => ({ ...base, loaders: createLoaders(tms, erp, { batching: kit.batching }) }),
    readiness: { tmsApi: () => tms.ping() },
    close: async () => {
      await http.close();
      await erpDb.destroy();
    },
  });
}
