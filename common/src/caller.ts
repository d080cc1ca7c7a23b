// Who is asking: verified by the gateway from a JWT, carried to the subgraphs in a signed header.
// director: the sales director, who approves what a salesperson may not (large orders of risky customers, prices below floor).
export const ROLES = ['customer', 'sales', 'director', 'warehouse', 'finance', 'ops', 'admin'] as const;
export type Role = (typeof ROLES)[number];

export interface Caller {
  subject: string;
  role: Role;
  /** Set for customers: the only customer whose data they may see. */
  customerCode: string | null;
}

/** May this caller read data that belongs to this customer? Staff read everything. */
export const mayRead = (caller: Caller, customerCode: string | null | undefined): boolean =>
  caller.role !== 'customer' || (customerCode != null && caller.customerCode === customerCode);

export const isRole = (value: unknown): value is Role => typeof value === 'string' && (ROLES as readonly string[]).includes(value);

export function encodeCaller(caller: Caller): string {
  return Buffer.from(JSON.stringify(caller)).toString('base64url');
}

export function decodeCaller(text: string | undefined): Caller | null {
  if (!text) return null;
  try {
    const c = JSON.parse(Buffer.from(text, 'base64url').toString('utf8'));
    if (typeof c?.subject === 'string' && isRole(c.role) && (c.customerCode === null || typeof c.customerCode === 'string')) {
      if (c.role === 'customer' && !c.customerCode) return null;
      return { subject: c.subject, role: c.role, customerCode: c.customerCode };
    }
  } catch {
    // not a caller
  }
  return null;
}
