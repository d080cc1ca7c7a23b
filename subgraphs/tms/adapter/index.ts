// The TMS adapter's public entry point (`#adapters/tms`): the one place that speaks the TMS's HTTP JSON —
// waybills, tracking events, status codes, epoch and Beijing times — for the tms subgraph and every
// hub worker alike. Import it by that name.
export * from './datasource.js';
export { tmsLineage } from './lineage.js';
