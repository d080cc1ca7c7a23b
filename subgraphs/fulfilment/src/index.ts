import { runProcess } from '../../../common/src/startup.js';
import { createFulfilmentSubgraph } from './server.js';

await runProcess('subgraph', 'fulfilment', async (config) => (await createFulfilmentSubgraph(config)).start(config.FULFILMENT_SUBGRAPH_PORT, config.HOST));
