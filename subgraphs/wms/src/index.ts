import { loadConfig } from '../../../common/src/config.js';
import { createWmsSubgraph } from './server.js';

const config = loadConfig(process.env, 'subgraph');
await (await createWmsSubgraph(config)).start(config.WMS_SUBGRAPH_PORT, config.HOST);
