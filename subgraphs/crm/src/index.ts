import { runProcess } from '../../../common/src/startup.js';
import { createCrmSubgraph } from './server.js';

await runProcess('subgraph', 'crm', async (config) => (await createCrmSubgraph(config)).start(config.CRM_SUBGRAPH_PORT, config.HOST));
