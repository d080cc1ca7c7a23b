import { loadConfig } from '../../../common/src/config.js';
import { createOrderLinkSubgraph } from './server.js';

const config = loadConfig(process.env, 'subgraph');
const { subgraph } = await createOrderLinkSubgraph(config);
await subgraph.start(config.ORDER_LINK_SUBGRAPH_PORT, config.HOST);
