import { EntitySchema } from 'typeorm';

/** ERP sales order lines. */
export interface SoDetailsRow {
  AutoID: number;
  cSOCode: string;
  iRowNo: number;
  cInvCode: string;
  iQuantity: number;
  iTaxUnitPrice: string | number;
  iSum: string | number;
  cMemo: string | null;
}

export const SoDetailsEntity = new EntitySchema<SoDetailsRow>({
  name: 'SoDetailsEntity',
  tableName: 'SO_SODetails',
  columns: {
    AutoID: { type: 'int', primary: true },
    cSOCode: { type: 'varchar' },
    iRowNo: { type: 'int' },
    cInvCode: { type: 'varchar' },
    iQuantity: { type: 'int' },
    iTaxUnitPrice: { type: 'decimal' },
    iSum: { type: 'decimal' },
    cMemo: { type: 'varchar', nullable: true },
  },
});
