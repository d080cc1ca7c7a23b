// The CRM adapter's public entry point (`#adapters/crm`): the one place that speaks the CRM's HTTP JSON —
// customers, levels, tickets and their codes — for the crm subgraph and every hub worker alike.
// Import it by that name.
export * from './datasource.js';
export { crmLineage } from './lineage.js';
