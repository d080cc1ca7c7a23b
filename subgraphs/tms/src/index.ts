import { loadConfig } from '../../../common/src/config.js';
import { createTmsSubgraph } from './server.js';

const config = loadConfig();
await (await createTmsSubgraph(config)).start(config.TMS_SUBGRAPH_PORT, config.HOST);
