import { EntitySchema } from 'typeorm';

/** WMS outbound order header. DATETIME columns are read as Beijing text. */
export interface OutOrderRow {
  id: number;
  out_no: string;
  ref_no: string | null;
  consignee_code: string;
  consignee_name: string | null;
  warehouse_code: string;
  status: number;
  create_time: string;
  pick_start_time: string | null;
  pick_end_time: string | null;
  ship_time: string | null;
  update_time: string;
}

export const OutOrderEntity = new EntitySchema<OutOrderRow>({
  name: 'OutOrderEntity',
  tableName: 't_out_order',
  columns: {
    id: { type: 'int', primary: true },
    out_no: { type: 'varchar' },
    ref_no: { type: 'varchar', nullable: true },
    consignee_code: { type: 'varchar' },
    consignee_name: { type: 'varchar', nullable: true },
    warehouse_code: { type: 'varchar' },
    status: { type: 'int' },
    create_time: { type: 'varchar' },
    pick_start_time: { type: 'varchar', nullable: true },
    pick_end_time: { type: 'varchar', nullable: true },
    ship_time: { type: 'varchar', nullable: true },
    update_time: { type: 'varchar' },
  },
});
