import { runProcess } from '../../../common/src/startup.js';
import { createOrderLinkSubgraph } from './server.js';

await runProcess('subgraph', 'order-link', async (config) => (await createOrderLinkSubgraph(config)).subgraph.start(config.ORDER_LINK_SUBGRAPH_PORT, config.HOST));
