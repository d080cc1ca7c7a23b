import { runProcess } from '../../../common/src/startup.js';
import { createErpSubgraph } from './server.js';

await runProcess('subgraph', 'erp', async (config) => (await createErpSubgraph(config)).start(config.ERP_SUBGRAPH_PORT, config.HOST));
