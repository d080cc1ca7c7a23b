// npm run compose: rover-config.yaml → supergraph.graphql. Fails with every error and hint printed.
import { writeFileSync } from 'node:fs';
import { composeSubgraphs } from '../common/src/composition.js';
import { readRoverConfig } from '../common/src/rover-config.js';
import { API_SCHEMA_PATH, writeApiSchema } from '../web/tools/api-schema.js';

const configPath = process.argv[2] ?? 'rover-config.yaml';
const outPath = process.argv[3] ?? 'supergraph.graphql';
const outcome = composeSubgraphs(readRoverConfig(configPath));
for (const hint of outcome.hints) console.error(`hint: ${hint}`);
if (!outcome.supergraphSdl) {
  for (const error of outcome.errors) console.error(`error: ${error}`);
  console.error(`composition of ${configPath} failed with ${outcome.errors.length} error(s)`);
  process.exit(1);
}
writeFileSync(outPath, outcome.supergraphSdl);
writeApiSchema(outcome.supergraphSdl);
console.log(`composed ${configPath} → ${outPath} and its API schema → ${API_SCHEMA_PATH} (${outcome.hints.length} hint(s))`);
