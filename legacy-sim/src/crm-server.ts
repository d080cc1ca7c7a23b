// The simulated CRM: {success, result} envelopes, epoch-millisecond times, level codes and
// comma-joined tag strings, look-ups of at most 500 keys per call.
import { openDataSource, placeholders } from '../../common/src/db.js';
import { ensureCrmStore } from './schema.js';
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

const toCall = (r: any) => ({
  callId: r.call_id,
  custCode: r.cust_code,
  callerPhone: r.caller_phone,
  agent: r.agent,
  startedAt: Number(r.started_at),
  durationSec: Number(r.duration_s),
  transcript: r.transcript,
  changeSeq: Number(r.change_seq),
  updatedAt: Number(r.updated_at),
});

const MAX_PAGE = 500;

export async function startCrmSim(options: CrmSimOptions): Promise<SimServer> {
  const ds = await openDataSource(options.databaseUrl);
  await ensureCrmStore(ds);
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
        // Service calls in the order they reached the CRM (or were corrected): the change feed.
        method: 'GET',
        path: /^\/crm\/api\/calls\/changes$/,
        handle: async (_p, q) => {
          const after = Number(q.get('after') ?? 0);
          const limit = Number(q.get('limit') ?? MAX_PAGE);
          if (!Number.isInteger(after) || after < 0) throw new BadRequest('after must be a change counter (0 or more)');
          if (!Number.isInteger(limit) || limit < 1 || limit > MAX_PAGE) throw new BadRequest(`limit is 1–${MAX_PAGE}`);
          const rows = await ds.query('SELECT * FROM crm_call WHERE change_seq > ? ORDER BY change_seq LIMIT ?', [after, limit]);
          return ok({ calls: rows.map(toCall), last: rows.length ? Number(rows[rows.length - 1].change_seq) : after });
        },
      },
      {
        method: 'POST',
        path: /^\/crm\/api\/calls\/search$/,
        handle: async (_p, _q, body) => {
          if (body?.callIds !== undefined) {
            const ids = stringList(body.callIds, 'callIds');
            if (!ids.length) return ok([]);
            return ok((await ds.query(`SELECT * FROM crm_call WHERE call_id IN (${placeholders(ids.length)}) ORDER BY started_at, call_id`, ids)).map(toCall));
          }
          const codes = stringList(body?.custCodes, 'custCodes');
          if (!codes.length) return ok([]);
          return ok((await ds.query(`SELECT * FROM crm_call WHERE cust_code IN (${placeholders(codes.length)}) ORDER BY started_at, call_id`, codes)).map(toCall));
        },
      },
      {
        // The call platform hands a finished call (its speech-to-text transcript) to the CRM.
        method: 'POST',
        path: /^\/crm\/api\/calls$/,
        handle: async (_p, _q, body) => {
          if (typeof body?.transcript !== 'string' || !body.transcript.trim() || body.transcript.length > 20_000) throw new BadRequest('transcript is 1–20000 characters');
          if (body.custCode != null && typeof body.custCode !== 'string') throw new BadRequest('custCode must be a string');
          const startedAt = Number.isInteger(body.startedAt) ? body.startedAt : Date.now();
          const day = new Date(startedAt + 8 * 3_600_000).toISOString().slice(0, 10).replace(/-/g, '');
          // The counter and the daily sequence are unique: a concurrent insert that took them is retried.
          for (let attempt = 0; ; attempt++) {
            const [{ n }] = await ds.query('SELECT COUNT(*) AS n FROM crm_call WHERE call_id LIKE ?', [`CL${day}%`]);
            const [{ seq }] = await ds.query('SELECT COALESCE(MAX(change_seq), 0) AS seq FROM crm_call');
            const callId = `CL${day}${String(Number(n) + 1).padStart(4, '0')}`;
            try {
              await ds.query(
                'INSERT INTO crm_call (call_id, cust_code, caller_phone, agent, started_at, duration_s, transcript, change_seq, updated_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)',
                [callId, body.custCode ?? null, body.callerPhone ?? null, String(body.agent ?? 'kf01'), startedAt, Number(body.durationSec ?? 60), body.transcript, Number(seq) + 1, Date.now()],
              );
              return ok(toCall((await ds.query('SELECT * FROM crm_call WHERE call_id = ?', [callId]))[0]));
            } catch (err) {
              if (attempt >= 5) throw err;
            }
          }
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
          if (body.bizKey != null && (typeof body.bizKey !== 'string' || !body.bizKey || body.bizKey.length > 160)) throw new BadRequest('bizKey is 1–160 characters');
          // An integration's retry carries the same business key: it gets the ticket it opened.
          if (body.bizKey) {
            const [existing] = await ds.query('SELECT * FROM crm_ticket WHERE biz_key = ?', [body.bizKey]);
            if (existing) return ok({ ...toTicket(existing), duplicate: true });
          }
          const createdAt = Number.isInteger(body.createdAt) ? body.createdAt : Date.now();
          const day = new Date(createdAt + 8 * 3_600_000).toISOString().slice(0, 10).replace(/-/g, '');
          const [{ n }] = await ds.query('SELECT COUNT(*) AS n FROM crm_ticket WHERE ticket_id LIKE ?', [`T${day}%`]);
          const ticketId = `T${day}${String(Number(n) + 1).padStart(4, '0')}`;
          await ds.query(
            'INSERT INTO crm_ticket (ticket_id, order_ref, cust_code, ticket_type, status, created_at, closed_at, title, transcript, satisfaction, biz_key) VALUES (?, ?, ?, ?, ?, ?, NULL, ?, ?, NULL, ?)',
            [ticketId, body.orderRef ?? null, body.custCode, body.type, 'OPEN', createdAt, body.title, JSON.stringify(body.transcript ?? []), body.bizKey ?? null],
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
