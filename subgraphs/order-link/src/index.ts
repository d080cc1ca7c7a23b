import { loadConfig } from '../../../common/src/config.js';
import { createOrderLinkSubgraph } from './server.js';

const config = loadConfig();
const { subgraph } = await createOrderLinkSubgraph(config);
await subgraph.start(config.ORDER_LINK_SUBGRAPH_PORT, config.HOST);
