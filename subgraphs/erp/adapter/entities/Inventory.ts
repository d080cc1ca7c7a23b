import { EntitySchema } from 'typeorm';

export interface InventoryRow {
  cInvCode: string;
  cInvName: string;
  cInvNameEn: string | null;
  cInvStd: string;
  cInvCCode: string;
  cComUnitName: string;
  iInvSPrice: string | number;
  iShelfLifeMonths: number | null;
  bService: number;
  cBarCode: string | null;
  /** 提前期: supplier lead time in days; NULL where purchasing never filled it in. */
  iInvAdvance: number | null;
}

export const InventoryEntity = new EntitySchema<InventoryRow>({
  name: 'InventoryEntity',
  tableName: 'Inventory',
  columns: {
    cInvCode: { type: 'varchar', primary: true },
    cInvName: { type: 'varchar' },
    cInvNameEn: { type: 'varchar', nullable: true },
    cInvStd: { type: 'varchar' },
    cInvCCode: { type: 'varchar' },
    cComUnitName: { type: 'varchar' },
    iInvSPrice: { type: 'decimal' },
    iShelfLifeMonths: { type: 'int', nullable: true },
    bService: { type: 'int' },
    cBarCode: { type: 'varchar', nullable: true },
    iInvAdvance: { type: 'int', nullable: true },
  },
});
