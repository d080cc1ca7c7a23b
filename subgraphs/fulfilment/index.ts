// fulfilment's public entry point for the other hub workers (`#fulfilment`): the pick flow's own
// records — allocations, scans and seals — as order-link's blockers read them (has this outbound
// been sealed, and has TMS a waybill for it). Everything else in src/ is fulfilment's own.
export { PickingStore, type SealRecord } from './src/picking/store.js';
export { fulfilmentLineage } from './src/lineage.js';
