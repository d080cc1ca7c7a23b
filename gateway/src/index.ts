import { loadConfig } from '../../common/src/config.js';
import { startGateway } from './server.js';

await startGateway(loadConfig());
