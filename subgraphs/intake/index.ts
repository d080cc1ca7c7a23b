// intake's public entry point for the other hub workers (`#intake`): where its fields come from, for
// order-link's one list of the graph's lineage. Everything else in src/ is intake's own.
export { intakeLineage } from './src/lineage.js';
