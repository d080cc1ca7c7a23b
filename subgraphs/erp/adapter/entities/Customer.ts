import { EntitySchema } from 'typeorm';

export interface CustomerRow {
  cCusCode: string;
  cCusName: string;
  cGrade: string;
  iCreditLine: string | number;
  cDepCode: string | null;
  cCusPhone: string | null;
}

export const CustomerEntity = new EntitySchema<CustomerRow>({
  name: 'CustomerEntity',
  tableName: 'Customer',
  columns: {
    cCusCode: { type: 'varchar', primary: true },
    cCusName: { type: 'varchar' },
    cGrade: { type: 'varchar' },
    iCreditLine: { type: 'decimal' },
    cDepCode: { type: 'varchar', nullable: true },
    cCusPhone: { type: 'varchar', nullable: true },
  },
});
