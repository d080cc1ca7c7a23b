import { EntitySchema } from 'typeorm';

/** ERP departments; the distributor uses them for its stores. */
export interface DepartmentRow {
  cDepCode: string;
  cDepName: string;
  cRegion: string;
  cWhCode: string;
}

export const DepartmentEntity = new EntitySchema<DepartmentRow>({
  name: 'DepartmentEntity',
  tableName: 'Department',
  columns: {
    cDepCode: { type: 'varchar', primary: true },
    cDepName: { type: 'varchar' },
    cRegion: { type: 'varchar' },
    cWhCode: { type: 'varchar' },
  },
});
