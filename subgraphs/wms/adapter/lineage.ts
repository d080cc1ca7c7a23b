// Where the wms subgraph's fields come from: WMS tables and columns as datasource.ts reads them.
import { declareLineage } from '../../../common/src/lineage.js';

const B2I = 'BEIJING_TIME_TO_INSTANT' as const;
const bin = (column: string, table: string) => ({ from: `${table}.${column}`, transform: 'PARSED' as const, note: 'from loc_code F2-A03-S05 = floor 2, aisle 3, shelf 5' });

export const wmsLineage = declareLineage({ subgraph: 'wms', module: 'subgraphs/wms/adapter/datasource.ts', system: 'WMS' }, {
  Outbound: {
    table: 't_out_order',
    fields: {
      outboundNo: 'out_no',
      reference: { from: 'ref_no', note: 'as the clerk typed it: a variant of the SO no. or empty' },
      status: { from: 'status', transform: 'CODE_MAP', note: '10 CREATED · 20 ALLOCATED · 30 PICKING · 40 PICKED · 50 PACKED · 60 SHIPPED · 90 CANCELLED' },
      warehouseCode: 'warehouse_code',
      customerCode: 'consignee_code',
      createdAt: { from: 'create_time', transform: B2I },
      pickStartedAt: { from: 'pick_start_time', transform: B2I },
      pickedAt: { from: 'pick_end_time', transform: B2I },
      shippedAt: { from: 'ship_time', transform: B2I },
      lines: { from: 't_out_line.out_no', transform: 'DERIVED', note: 'the outbound’s t_out_line rows by line_no' },
    },
  },
  OutboundLine: {
    table: 't_out_line',
    fields: {
      lineNo: 'line_no',
      sku: { from: 'sku', transform: 'ENTITY_REFERENCE' },
      batchNo: 'batch_no',
      expiresOn: { from: ['t_stock.exp_date', 'batch_no'], transform: 'DERIVED', note: 't_stock.exp_date of the line’s (sku, batch_no)' },
      location: { from: 'loc_code', transform: 'PARSED' },
      quantity: 'plan_qty',
      pickedQuantity: 'picked_qty',
    },
  },
  BinLocation: {
    table: 't_stock',
    fields: { code: { from: 'loc_code', transform: 'PARSED', note: 'trimmed, upper case' }, floor: bin('loc_code', 't_stock'), aisle: bin('loc_code', 't_stock'), shelf: bin('loc_code', 't_stock') },
  },
  Sku: {
    table: 't_stock',
    fields: {
      code: 'sku',
      batches: { from: 'sku', transform: 'DERIVED', note: 'the SKU’s t_stock rows, soonest expiry first' },
      availableQuantity: { from: ['qty', 'locked_qty'], transform: 'DERIVED', note: 'Σ (qty − locked_qty) over the SKU’s rows' },
    },
  },
  StockBatch: {
    table: 't_stock',
    fields: {
      batchNo: 'batch_no',
      warehouseCode: 'warehouse_code',
      expiresOn: { from: 'exp_date', note: 'DATE → YYYY-MM-DD' },
      location: { from: 'loc_code', transform: 'PARSED' },
      quantity: 'qty',
      lockedQuantity: 'locked_qty',
      availableQuantity: { from: ['qty', 'locked_qty'], transform: 'DERIVED', note: 'qty − locked_qty' },
    },
  },
});
