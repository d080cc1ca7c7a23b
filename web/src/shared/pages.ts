// Each role's own page: where a sign-in link takes it (npm start prints one per role) and where
// the home page sends it. Read by the pages and by scripts/start.ts alike. The roles of people:
// a BI service account (role bi, docs/bi.md) is a machine client with no page.
export type Role = 'customer' | 'sales' | 'director' | 'warehouse' | 'finance' | 'ops' | 'admin';

export const HOME_OF: Record<Role, string> = {
  customer: '/order',
  warehouse: '/pick',
  director: '/board',
  ops: '/board',
  finance: '/board',
  admin: '/board',
  sales: '/graphiql',
};

/** Each role as people call it. */
export const ROLE_NAME: Record<Role, readonly [string, string]> = {
  customer: ['客户', 'customer'],
  sales: ['销售', 'sales'],
  director: ['销售总监', 'sales director'],
  warehouse: ['仓库', 'warehouse'],
  finance: ['财务', 'finance'],
  ops: ['运营', 'operations'],
  admin: ['管理员', 'admin'],
};
