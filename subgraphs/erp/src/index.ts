import { loadConfig } from '../../../common/src/config.js';
import { createErpSubgraph } from './server.js';

const config = loadConfig(process.env, 'subgraph');
await (await createErpSubgraph(config)).start(config.ERP_SUBGRAPH_PORT, config.HOST);
