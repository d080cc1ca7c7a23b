import { EntitySchema } from 'typeorm';

/** ERP sales order header. DATETIME columns are read as Beijing text (see common/src/time.ts). */
export interface SoMainRow {
  ID: number;
  cSOCode: string;
  cCusCode: string;
  cDepCode: string;
  cRegion: string;
  dDate: string;
  dPreDate: string | null;
  iStatus: number;
  dPayTime: string | null;
  dCloseTime: string | null;
  iTotalSum: string | number;
  cMemo: string | null;
  cMaker: string | null;
  cCusPerson: string | null;
  cPersonPhone: string | null;
  cShipAddress: string | null;
  cDefine10: string | null;
  dModifyTime: string;
}

export const SoMainEntity = new EntitySchema<SoMainRow>({
  name: 'SoMainEntity',
  tableName: 'SO_SOMain',
  columns: {
    ID: { type: 'int', primary: true },
    cSOCode: { type: 'varchar' },
    cCusCode: { type: 'varchar' },
    cDepCode: { type: 'varchar' },
    cRegion: { type: 'varchar' },
    dDate: { type: 'varchar' },
    dPreDate: { type: 'varchar', nullable: true },
    iStatus: { type: 'int' },
    dPayTime: { type: 'varchar', nullable: true },
    dCloseTime: { type: 'varchar', nullable: true },
    iTotalSum: { type: 'decimal' },
    cMemo: { type: 'varchar', nullable: true },
    cMaker: { type: 'varchar', nullable: true },
    cCusPerson: { type: 'varchar', nullable: true },
    cPersonPhone: { type: 'varchar', nullable: true },
    cShipAddress: { type: 'varchar', nullable: true },
    cDefine10: { type: 'varchar', nullable: true },
    dModifyTime: { type: 'varchar' },
  },
});
