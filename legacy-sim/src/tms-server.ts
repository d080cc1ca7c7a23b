// The simulated TMS: an HTTP JSON service in the real one's manner — a {code, msg, data} envelope
// on HTTP 200, numeric status codes, Beijing-time strings, batch look-ups of at most 500.
import { openDataSource, placeholders } from '../../common/src/db.js';
import { formatBeijing, parseBeijing } from '../../common/src/time.js';
import { BadRequest, startSimServer, stringList, type SimServer } from './sim-http.js';
import { insertWaybills, loadWaybills } from './tms-store.js';
import type { TmsWaybill } from './story.js';

export interface TmsSimOptions {
  databaseUrl: string;
  port: number;
  host?: string;
}

const ok = (data: unknown) => ({ body: { code: 0, msg: 'ok', data } });
const fail = (code: number, msg: string) => ({ body: { code, msg, data: null } });

const BEIJING_TEXT = /^\d{4}-\d{2}-\d{2} \d{2}:\d{2}:\d{2}$/;
const STATUS_CODES = new Set([0, 10, 20, 30, 40, 50, 60]);
const CARRIERS = new Set(['SF', 'JD', 'ZTO', 'DB']);

export async function startTmsSim(options: TmsSimOptions): Promise<SimServer> {
  const ds = await openDataSource(options.databaseUrl);
  // Numbers the TMS issues itself, in sequence above everything it holds.
  let issued = Number((await ds.query('SELECT COUNT(*) AS n FROM tms_waybill'))[0].n);
  const byNos = async (nos: string[]) =>
    nos.length ? loadWaybills(ds, await ds.query(`SELECT * FROM tms_waybill WHERE waybill_no IN (${placeholders(nos.length)})`, nos)) : [];

  const server = await startSimServer(
    [
      { method: 'GET', path: /^\/health$/, handle: async () => ({ body: { code: 0, msg: 'ok' } }) },
      {
        method: 'POST',
        path: /^\/api\/v1\/waybill\/batchQuery$/,
        handle: async (_p, _q, body) => ok(await byNos(stringList(body?.waybillNos, 'waybillNos'))),
      },
      {
        method: 'POST',
        path: /^\/api\/v1\/waybill\/queryByRef$/,
        handle: async (_p, _q, body) => {
          const refs = stringList(body?.customerRefs, 'customerRefs');
          if (!refs.length) return ok([]);
          return ok(await loadWaybills(ds, await ds.query(`SELECT * FROM tms_waybill WHERE customer_ref IN (${placeholders(refs.length)})`, refs)));
        },
      },
      {
        method: 'GET',
        path: /^\/api\/v1\/waybill\/changes$/,
        handle: async (_p, q) => {
          const since = q.get('since') ?? '1970-01-01 00:00:00';
          const afterNo = q.get('afterNo') ?? '';
          const limit = Number(q.get('limit') ?? 500);
          if (!BEIJING_TEXT.test(since)) return fail(400, 'since must be YYYY-MM-DD HH:mm:ss');
          if (!Number.isInteger(limit) || limit < 1 || limit > 5000) return fail(400, 'limit must be 1..5000');
          const rows = await ds.query(
            'SELECT * FROM tms_waybill WHERE update_time > ? OR (update_time = ? AND waybill_no > ?) ORDER BY update_time, waybill_no LIMIT ?',
            [since, since, afterNo, limit],
          );
          const items = await loadWaybills(ds, rows);
          const last = items[items.length - 1];
          return ok({ items, nextSince: last?.updateTime ?? since, nextAfterNo: last?.waybillNo ?? afterNo });
        },
      },
      {
        method: 'POST',
        path: /^\/api\/v1\/waybill\/create$/,
        handle: async (_p, _q, body) => {
          const carrierCode = String(body?.carrierCode ?? '');
          if (!CARRIERS.has(carrierCode)) throw new BadRequest('carrierCode must be SF, JD, ZTO or DB');
          if (typeof body?.customerRef !== 'string' || !body.customerRef.trim()) throw new BadRequest('customerRef is required');
          const now = formatBeijing(Date.now());
          let waybillNo: string | undefined = body.waybillNo;
          if (waybillNo != null) {
            if (typeof waybillNo !== 'string' || !/^[A-Z]{2,4}\d{9,13}(CN)?$/.test(waybillNo)) throw new BadRequest('waybillNo is malformed');
            if ((await byNos([waybillNo])).length) return fail(1001, `waybill ${waybillNo} exists`);
          } else {
            waybillNo = `${carrierCode}${200_000_000 + issued++ * 37 + (Date.now() % 37)}CN`;
          }
          const waybill: TmsWaybill = {
            waybillNo,
            carrierCode,
            customerRef: body.customerRef,
            consignee: body.consignee ?? null,
            destCity: body.destCity ?? null,
            status: 0,
            weightKg: body.weightKg == null ? null : Number(body.weightKg).toFixed(2),
            createTime: typeof body.createTime === 'string' && BEIJING_TEXT.test(body.createTime) ? body.createTime : now,
            updateTime: now,
            exception: null,
            tracks: [],
          };
          waybill.tracks.push({ opCode: 0, opTime: waybill.createTime, opCity: body.fromCity ?? null, opDesc: '订单已创建，等待揽收' });
          await insertWaybills(ds, [waybill]);
          return ok((await byNos([waybillNo]))[0]);
        },
      },
      {
        method: 'POST',
        path: /^\/api\/v1\/waybill\/([^/]+)\/track$/,
        handle: async ([waybillNo], _q, body) => {
          const opCode = Number(body?.opCode);
          if (!STATUS_CODES.has(opCode)) throw new BadRequest('opCode must be one of 0, 10, 20, 30, 40, 50, 60');
          if (typeof body?.opTime !== 'string' || parseBeijing(body.opTime) == null) throw new BadRequest('opTime must be YYYY-MM-DD HH:mm:ss');
          if (!(await byNos([waybillNo])).length) return fail(1002, `waybill ${waybillNo} not found`);
          const ex = body.exception;
          await ds.transaction(async (em) => {
            await em.query('INSERT INTO tms_track (waybill_no, op_code, op_time, op_city, op_desc) VALUES (?, ?, ?, ?, ?)', [
              waybillNo,
              opCode,
              body.opTime,
              body.opCity ?? null,
              String(body.opDesc ?? ''),
            ]);
            // The change feed runs on update_time: it is when TMS wrote the change, not when it happened.
            await em.query(
              'UPDATE tms_waybill SET status = ?, update_time = ?' + (ex ? ', exception_code = ?, exception_desc = ?, delay_minutes = ?' : '') + ' WHERE waybill_no = ?',
              ex ? [opCode, formatBeijing(Date.now()), ex.code, ex.desc ?? null, ex.delayMinutes ?? null, waybillNo] : [opCode, formatBeijing(Date.now()), waybillNo],
            );
          });
          return ok((await byNos([waybillNo]))[0]);
        },
      },
      {
        method: 'GET',
        path: /^\/api\/v1\/weather\/alerts$/,
        handle: async (_p, q) => {
          // Active at one moment (`at`, default now), or overlapping a period (`from` … `to`).
          const at = q.get('at') ?? formatBeijing(Date.now());
          const from = q.get('from') ?? at;
          const to = q.get('to') ?? at;
          if (![at, from, to].every((t) => BEIJING_TEXT.test(t))) return fail(400, 'at, from and to must be YYYY-MM-DD HH:mm:ss');
          const cities = (q.get('cities') ?? '').split(',').map((c) => c.trim()).filter(Boolean);
          const rows = await ds.query(
            `SELECT * FROM tms_weather_alert WHERE start_time <= ? AND end_time > ?${cities.length ? ` AND city IN (${placeholders(cities.length)})` : ''} ORDER BY start_time`,
            [to, from, ...cities],
          );
          return ok(
            rows.map((r: any) => ({
              alertId: r.alert_id,
              city: r.city,
              level: r.level,
              type: r.alert_type,
              startTime: String(r.start_time).slice(0, 19),
              endTime: String(r.end_time).slice(0, 19),
              desc: r.description,
            })),
          );
        },
      },
      {
        // Not part of the real TMS: lets a demo or a test raise an alert.
        method: 'POST',
        path: /^\/api\/v1\/weather\/alerts$/,
        handle: async (_p, _q, body) => {
          for (const f of ['alertId', 'city', 'level', 'type', 'startTime', 'endTime', 'desc']) {
            if (typeof body?.[f] !== 'string') throw new BadRequest(`${f} is required`);
          }
          await ds.query('INSERT INTO tms_weather_alert (alert_id, city, level, alert_type, start_time, end_time, description) VALUES (?, ?, ?, ?, ?, ?, ?)', [
            body.alertId,
            body.city,
            body.level,
            body.type,
            body.startTime,
            body.endTime,
            body.desc,
          ]);
          return ok(body);
        },
      },
    ],
    { port: options.port, host: options.host, errorBody: (status, message) => ({ code: status, msg: message, data: null }) },
  );
  return {
    ...server,
    async close() {
      await server.close();
      await ds.destroy();
    },
  };
}
