// Runs one simulator on its own (docker-compose): `tsx legacy-sim/src/serve-cli.ts tms|crm`.
import { runProcess } from '../../common/src/startup.js';
import { startTmsSim } from './tms-server.js';
import { startCrmSim } from './crm-server.js';

const which = process.argv[2];
const port = (url: string) => Number(new URL(url).port || 80);
if (which === 'tms') {
  const sim = await runProcess('legacy-sim', 'tms-sim', (config) => startTmsSim({ databaseUrl: config.TMS_SIM_DATABASE_URL, port: port(config.TMS_API_URL), host: config.HOST }));
  console.log(`TMS simulator on ${sim.url}`);
} else if (which === 'crm') {
  const sim = await runProcess('legacy-sim', 'crm-sim', (config) => startCrmSim({ databaseUrl: config.CRM_SIM_DATABASE_URL, port: port(config.CRM_API_URL), host: config.HOST }));
  console.log(`CRM simulator on ${sim.url}`);
} else {
  console.error('usage: serve-cli.ts tms|crm');
  process.exit(2);
}
