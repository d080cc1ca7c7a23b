import { runProcess } from '../../common/src/startup.js';
import { startGateway } from './server.js';

await runProcess('gateway', 'gateway', (config) => startGateway(config));
