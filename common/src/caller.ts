// Who is asking: verified by the gateway from a JWT, carried to the subgraphs in a signed header.
// director: the sales director, who approves what a salesperson may not (large orders of risky customers, prices below floor).
// bi: a machine client (Power BI, Excel, a connector) reading flat facts; read-only (docs/bi.md).
export const ROLES = ['customer', 'sales', 'director', 'warehouse', 'finance', 'ops', 'admin', 'bi'] as const;
export type Role = (typeof ROLES)[number];
/** The roles of people on the staff: what a Query root without role tags is open to, who may approve a hold. */
export const STAFF_ROLES: Role[] = ROLES.filter((r) => r !== 'customer' && r !== 'bi');

export interface Caller {
  subject: string;
  role: Role;
  /** Set for customers: the only customer whose data they may see. */
  customerCode: string | null;
  /** The client application the token was issued to (JWT client_id, or azp), for attribution in logs and metrics. */
  client?: string | null;
  /** The token's jti, checked against the revocation list at the gateway; not sent on to the subgraphs. */
  tokenId?: string | null;
  /** When the token expires (epoch ms), at the gateway: a subscription ends then. Not sent on to the subgraphs. */
  expiresAt?: number | null;
}

/** May this caller read data that belongs to this customer? Staff read everything. */
export const mayRead = (caller: Caller, customerCode: string | null | undefined): boolean =>
  caller.role !== 'customer' || (customerCode != null && caller.customerCode === customerCode);

export const isRole = (value: unknown): value is Role => typeof value === 'string' && (ROLES as readonly string[]).includes(value);

export function encodeCaller(caller: Caller): string {
  return Buffer.from(JSON.stringify({ subject: caller.subject, role: caller.role, customerCode: caller.customerCode, ...(caller.client ? { client: caller.client } : {}) })).toString('base64url');
}

export function decodeCaller(text: string | undefined): Caller | null {
  if (!text) return null;
  try {
    const c = JSON.parse(Buffer.from(text, 'base64url').toString('utf8'));
    if (typeof c?.subject === 'string' && isRole(c.role) && (c.customerCode === null || typeof c.customerCode === 'string')) {
      if (c.role === 'customer' && !c.customerCode) return null;
      return { subject: c.subject, role: c.role, customerCode: c.customerCode, ...(typeof c.client === 'string' ? { client: c.client } : {}) };
    }
  } catch {
    // not a caller
  }
  return null;
}
