import { runProcess } from '../../../common/src/startup.js';
import { createTmsSubgraph } from './server.js';

await runProcess('subgraph', 'tms', async (config) => (await createTmsSubgraph(config)).start(config.TMS_SUBGRAPH_PORT, config.HOST));
