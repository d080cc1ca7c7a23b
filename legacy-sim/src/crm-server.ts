// The simulated CRM: {success, result} envelopes, epoch-millisecond times, level codes and
// comma-joined tag strings, look-ups of at most 500 keys per call.
import { openDataSource, placeholders } from '../../common/src/db.js';
import { BadRequest, startSimServer, stringList, type SimServer } from './sim-http.js';

export interface CrmSimOptions {
  databaseUrl: string;
  port: number;
  host?: string;
}

const ok = (result: unknown) => ({ body: { success: true, result } });
const TICKET_TYPES = new Set(['COMPLAINT', 'INQUIRY', 'RETURN', 'EXCHANGE']);

const toTicket = (r: any) => ({
  ticketId: r.ticket_id,
  orderRef: r.order_ref,
  custCode: r.cust_code,
  type: r.ticket_type,
  status: r.status,
  createdAt: Number(r.created_at),
  closedAt: r.closed_at == null ? null : Number(r.closed_at),
  title: r.title,
  transcript: JSON.parse(r.transcript),
  satisfaction: r.satisfaction == null ? null : Number(r.satisfaction),
});

export async function startCrmSim(options: CrmSimOptions): Promise<SimServer> {
  const ds = await openDataSource(options.databaseUrl);
  const server = await startSimServer(
    [
      { method: 'GET', path: /^\/health$/, handle: async () => ({ body: { success: true } }) },
      {
        method: 'GET',
        path: /^\/crm\/api\/customers$/,
        handle: async (_p, q) => {
          const codes = stringList((q.get('codes') ?? '').split(',').filter(Boolean), 'codes');
          if (!codes.length) return ok([]);
          const rows = await ds.query(`SELECT * FROM crm_customer WHERE cust_code IN (${placeholders(codes.length)})`, codes);
          return ok(
            rows.map((r: any) => ({
              custCode: r.cust_code,
              custName: r.cust_name,
              levelCode: r.level_code == null ? null : Number(r.level_code),
              tagList: r.tag_list,
              satisfaction: r.satisfaction == null ? null : Number(r.satisfaction),
              updatedAt: Number(r.updated_at),
            })),
          );
        },
      },
      {
        method: 'POST',
        path: /^\/crm\/api\/tickets\/search$/,
        handle: async (_p, _q, body) => {
          const refs = stringList(body?.orderRefs, 'orderRefs');
          if (!refs.length) return ok([]);
          const rows = await ds.query(`SELECT * FROM crm_ticket WHERE order_ref IN (${placeholders(refs.length)}) ORDER BY created_at, ticket_id`, refs);
          return ok(rows.map(toTicket));
        },
      },
      {
        // The CRM's SMS channel to customers. bizKey makes a resend of the same message a no-op.
        method: 'POST',
        path: /^\/crm\/api\/sms$/,
        handle: async (_p, _q, body) => {
          if (typeof body?.mobile !== 'string' || !/^1\d{10}$/.test(body.mobile)) throw new BadRequest('mobile must be an 11-digit mobile number');
          if (typeof body?.content !== 'string' || !body.content || body.content.length > 500) throw new BadRequest('content is 1–500 characters');
          if (typeof body?.bizKey !== 'string' || !body.bizKey || body.bizKey.length > 160) throw new BadRequest('bizKey is required (1–160 characters)');
          const existing = await ds.query('SELECT * FROM crm_sms WHERE biz_key = ?', [body.bizKey]);
          if (!existing.length) {
            await ds.query(`INSERT ${ds.options.type === 'mysql' ? 'IGNORE' : 'OR IGNORE'} INTO crm_sms (biz_key, mobile, content, created_at) VALUES (?, ?, ?, ?)`, [body.bizKey, body.mobile, body.content, Date.now()]);
          }
          const [row] = await ds.query('SELECT * FROM crm_sms WHERE biz_key = ?', [body.bizKey]);
          return ok({ smsId: Number(row.id), mobile: row.mobile, content: row.content, bizKey: row.biz_key, duplicate: existing.length > 0 });
        },
      },
      {
        // Not part of the real CRM: lets a test see what was sent.
        method: 'GET',
        path: /^\/crm\/api\/sms$/,
        handle: async (_p, q) => {
          const rows = await ds.query('SELECT * FROM crm_sms WHERE mobile = ? OR ? = \'\' ORDER BY id', [q.get('mobile') ?? '', q.get('mobile') ?? '']);
          return ok(rows.map((r: any) => ({ smsId: Number(r.id), mobile: r.mobile, content: r.content, bizKey: r.biz_key, createdAt: Number(r.created_at) })));
        },
      },
      {
        method: 'POST',
        path: /^\/crm\/api\/tickets$/,
        handle: async (_p, _q, body) => {
          if (typeof body?.custCode !== 'string' || !TICKET_TYPES.has(body?.type) || typeof body?.title !== 'string') {
            throw new BadRequest('custCode, type (COMPLAINT, INQUIRY, RETURN, EXCHANGE) and title are required');
          }
          const createdAt = Number.isInteger(body.createdAt) ? body.createdAt : Date.now();
          const day = new Date(createdAt + 8 * 3_600_000).toISOString().slice(0, 10).replace(/-/g, '');
          const [{ n }] = await ds.query('SELECT COUNT(*) AS n FROM crm_ticket WHERE ticket_id LIKE ?', [`T${day}%`]);
          const ticketId = `T${day}${String(Number(n) + 1).padStart(4, '0')}`;
          await ds.query(
            'INSERT INTO crm_ticket (ticket_id, order_ref, cust_code, ticket_type, status, created_at, closed_at, title, transcript, satisfaction) VALUES (?, ?, ?, ?, ?, ?, NULL, ?, ?, NULL)',
            [ticketId, body.orderRef ?? null, body.custCode, body.type, 'OPEN', createdAt, body.title, JSON.stringify(body.transcript ?? [])],
          );
          return ok(toTicket((await ds.query('SELECT * FROM crm_ticket WHERE ticket_id = ?', [ticketId]))[0]));
        },
      },
    ],
    { port: options.port, host: options.host, errorBody: (status, message) => ({ success: false, errorCode: `E${status}`, errorMsg: message }) },
  );
  return {
    ...server,
    async close() {
      await server.close();
      await ds.destroy();
    },
  };
}
