import { runProcess } from '../../../common/src/startup.js';
import { createIntakeSubgraph } from './server.js';

await runProcess('subgraph', 'intake', async (config) => (await createIntakeSubgraph(config)).subgraph.start(config.INTAKE_SUBGRAPH_PORT, config.HOST));
