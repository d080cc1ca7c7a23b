import { loadConfig } from '../../../common/src/config.js';
import { createCrmSubgraph } from './server.js';

const config = loadConfig(process.env, 'subgraph');
await (await createCrmSubgraph(config)).start(config.CRM_SUBGRAPH_PORT, config.HOST);
