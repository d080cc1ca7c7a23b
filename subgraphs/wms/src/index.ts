import { runProcess } from '../../../common/src/startup.js';
import { createWmsSubgraph } from './server.js';

await runProcess('subgraph', 'wms', async (config) => (await createWmsSubgraph(config)).start(config.WMS_SUBGRAPH_PORT, config.HOST));
