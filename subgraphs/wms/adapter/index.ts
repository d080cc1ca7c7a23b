// The WMS adapter's public entry point (`#adapters/wms`): the one place that speaks the WMS's tongue —
// its tables (entities/), status codes, bin codes, Beijing-time strings — and its stock rules (FEFO
// allocation, lot states), for the wms subgraph and every hub worker alike. Import it by that name.
export * from './datasource.js';
export * from './allocation.js';
export { wmsLineage } from './lineage.js';
