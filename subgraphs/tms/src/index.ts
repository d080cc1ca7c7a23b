import { loadConfig } from '../../../common/src/config.js';
import { createTmsSubgraph } from './server.js';

const config = loadConfig(process.env, 'subgraph');
await (await createTmsSubgraph(config)).start(config.TMS_SUBGRAPH_PORT, config.HOST);
