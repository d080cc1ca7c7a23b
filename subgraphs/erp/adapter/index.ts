// The ERP adapter's public entry point (`#adapters/erp`): the one place that speaks the ERP's tongue —
// its tables (entities/), status codes, Beijing-time strings and DECIMAL money — for the erp
// subgraph and every hub worker alike. Import it by that name; its other files are its own.
export * from './datasource.js';
// Writing a sales order or a requisition goes through the erp subgraph (signed, as the caller), never
// straight into the tables: ErpOrders is the client every hub worker uses for it.
export * from './erp-orders.js';
export { erpLineage } from './lineage.js';
