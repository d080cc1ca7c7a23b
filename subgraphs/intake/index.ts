// intake's public entry point (`#intake`): what other parts of the hub may use of it — where its fields
// come from, for the graph's lineage. Everything else in src/ is intake's own.
export { intakeLineage } from './src/lineage.js';
