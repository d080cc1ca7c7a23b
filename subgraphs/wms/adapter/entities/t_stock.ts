import { EntitySchema } from 'typeorm';

export interface StockRowRaw {
  id: number;
  warehouse_code: string;
  sku: string;
  batch_no: string;
  exp_date: string | null;
  loc_code: string;
  qty: number;
  locked_qty: number;
}

export const StockEntity = new EntitySchema<StockRowRaw>({
  name: 'StockEntity',
  tableName: 't_stock',
  columns: {
    id: { type: 'int', primary: true },
    warehouse_code: { type: 'varchar' },
    sku: { type: 'varchar' },
    batch_no: { type: 'varchar' },
    // DATE read as text: no zone games with a calendar date.
    exp_date: { type: 'varchar', nullable: true },
    loc_code: { type: 'varchar' },
    qty: { type: 'int' },
    locked_qty: { type: 'int' },
  },
});
