import { EntitySchema } from 'typeorm';

export interface OutLineRow {
  id: number;
  out_no: string;
  line_no: number;
  sku: string;
  batch_no: string;
  loc_code: string;
  plan_qty: number;
  picked_qty: number | null;
}

export const OutLineEntity = new EntitySchema<OutLineRow>({
  name: 'OutLineEntity',
  tableName: 't_out_line',
  columns: {
    id: { type: 'int', primary: true },
    out_no: { type: 'varchar' },
    line_no: { type: 'int' },
    sku: { type: 'varchar' },
    batch_no: { type: 'varchar' },
    loc_code: { type: 'varchar' },
    plan_qty: { type: 'int' },
    picked_qty: { type: 'int', nullable: true },
  },
});
