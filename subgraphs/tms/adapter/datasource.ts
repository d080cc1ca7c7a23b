// The only place that speaks TMS: its {code, msg, data} envelope, numeric status/opCodes and
// Beijing-time strings.
import type { LegacyHttpClient } from '../../../common/src/legacy-http.js';
import { upstreamUnavailable } from '../../../common/src/errors.js';
import { beijingToIso, formatBeijing, parseBeijing } from '../../../common/src/time.js';
import { decode } from '../../../common/src/legacy-codes.js';
import { byKey, unique } from '../../../common/src/loader.js';

export type ShipmentStatus = 'CREATED' | 'COLLECTED' | 'IN_TRANSIT' | 'OUT_FOR_DELIVERY' | 'SIGNED' | 'EXCEPTION' | 'RETURNED';
const STATUS: Record<number, ShipmentStatus> = {
  0: 'CREATED',
  10: 'COLLECTED',
  20: 'IN_TRANSIT',
  30: 'OUT_FOR_DELIVERY',
  40: 'SIGNED',
  50: 'EXCEPTION',
  60: 'RETURNED',
};

const CARRIERS: Record<string, string> = { SF: '顺丰速运', JD: '京东物流', ZTO: '中通快递', DB: '德邦物流' };

interface TmsTrack {
  opCode: number;
  opTime: string;
  opCity: string | null;
  opDesc: string;
}

interface TmsWaybill {
  waybillNo: string;
  carrierCode: string;
  customerRef: string | null;
  consignee: string | null;
  destCity: string | null;
  status: number;
  weightKg: string | number | null;
  createTime: string;
  updateTime: string;
  exception: { code: string; desc: string | null; delayMinutes: number | null } | null;
  tracks: TmsTrack[];
}

interface TmsAlert {
  alertId: string;
  city: string;
  level: string;
  type: string;
  startTime: string;
  endTime: string;
  desc: string;
}

export interface WeatherAlert {
  alertId: string;
  city: string;
  level: string;
  type: string;
  startAt: number;
  endAt: number;
  description: string;
}

interface TmsEnvelope<T> {
  code: number;
  msg: string;
  data: T;
}

export interface TrackingEvent {
  code: ShipmentStatus;
  at: string;
  city: string | null;
  description: string;
}

export interface Waybill {
  waybillNo: string;
  carrier: { code: string; name: string };
  status: ShipmentStatus;
  customerReference: string | null;
  consignee: string | null;
  destinationCity: string | null;
  weightKg: string | null;
  createdAt: string;
  updatedAt: string;
  events: TrackingEvent[];
  exception: { type: string; description: string | null; delayMinutes: number | null } | null;
}

function unwrap<T>(body: unknown, operation: string): T {
  const envelope = body as TmsEnvelope<T>;
  if (typeof envelope?.code !== 'number') throw new Error(`TMS ${operation}: malformed response`);
  if (envelope.code !== 0) throw upstreamUnavailable('TMS', `${operation}: code ${envelope.code} ${envelope.msg}`);
  return envelope.data;
}

export function toWaybill(w: TmsWaybill): Waybill {
  const events = [...(w.tracks ?? [])]
    .map((t) => ({
      code: decode('TMS', 'track opCode', STATUS, Number(t.opCode)),
      at: beijingToIso(t.opTime)!,
      city: t.opCity ?? null,
      description: t.opDesc,
    }))
    .sort((a, b) => a.at.localeCompare(b.at));
  return {
    waybillNo: w.waybillNo,
    carrier: { code: w.carrierCode, name: CARRIERS[w.carrierCode] ?? w.carrierCode },
    status: decode('TMS', 'waybill status', STATUS, Number(w.status)),
    customerReference: w.customerRef ?? null,
    consignee: w.consignee ?? null,
    destinationCity: w.destCity ?? null,
    weightKg: w.weightKg == null ? null : String(w.weightKg),
    createdAt: beijingToIso(w.createTime)!,
    updatedAt: beijingToIso(w.updateTime)!,
    events,
    exception: w.exception ? { type: w.exception.code, description: w.exception.desc ?? null, delayMinutes: w.exception.delayMinutes ?? null } : null,
  };
}

/** What a new waybill needs (TMS POST /api/v1/waybill/create). */
export interface NewWaybill {
  carrierCode: string;
  customerReference: string;
  consignee: string | null;
  destinationCity: string | null;
  fromCity: string | null;
  weightKg: string | null;
}

export class TmsDatasource {
  constructor(private readonly http: LegacyHttpClient) {}

  async waybillsByNo(waybillNos: readonly string[]): Promise<(Waybill | null)[]> {
    const body = await this.http.post('waybill.batchQuery', '/api/v1/waybill/batchQuery', { waybillNos: unique(waybillNos) }, { idempotent: true });
    const waybills = unwrap<TmsWaybill[]>(body, 'batchQuery').map(toWaybill);
    return byKey(waybillNos, waybills, (w) => w.waybillNo);
  }

  /** Waybills whose customerRef is one of `refs` (the CK or SO no. they were created for), by ref. */
  async waybillsByReference(refs: readonly string[]): Promise<Waybill[][]> {
    const body = await this.http.post('waybill.queryByRef', '/api/v1/waybill/queryByRef', { customerRefs: unique(refs) }, { idempotent: true });
    const waybills = unwrap<TmsWaybill[]>(body, 'queryByRef').map(toWaybill);
    return refs.map((ref) => waybills.filter((w) => w.customerReference === ref).sort((a, b) => a.createdAt.localeCompare(b.createdAt) || a.waybillNo.localeCompare(b.waybillNo)));
  }

  /**
   * Creates a waybill; TMS issues the number. Not idempotent: TMS creates a second waybill for
   * the same reference if asked twice, so callers look up by reference first and serialize.
   */
  async createWaybill(input: NewWaybill): Promise<Waybill> {
    const body = await this.http.post(
      'waybill.create',
      '/api/v1/waybill/create',
      {
        carrierCode: input.carrierCode,
        customerRef: input.customerReference,
        consignee: input.consignee,
        destCity: input.destinationCity,
        fromCity: input.fromCity,
        weightKg: input.weightKg,
      },
      { idempotent: false },
    );
    return toWaybill(unwrap<TmsWaybill>(body, 'create'));
  }

  /** Waybills updated after (updateTime, waybillNo), oldest first: TMS's own change feed. */
  async waybillsChangedSince(since: string, afterNo: string, limit: number): Promise<{ items: Waybill[]; nextSince: string; nextAfterNo: string }> {
    const body = await this.http.get('sync.waybill.changes', '/api/v1/waybill/changes', { since, afterNo, limit: String(limit) });
    const data = unwrap<{ items: TmsWaybill[]; nextSince: string; nextAfterNo: string }>(body, 'changes');
    return { items: data.items.map(toWaybill), nextSince: data.nextSince ?? since, nextAfterNo: data.nextAfterNo ?? afterNo };
  }

  /** Weather alerts in these cities overlapping [from, to] (epoch ms); one call for all. */
  async weatherAlerts(cities: readonly string[], from: number, to: number): Promise<WeatherAlert[]> {
    if (!cities.length) return [];
    const body = await this.http.get('weather.alerts', '/api/v1/weather/alerts', { cities: unique(cities).join(','), from: formatBeijing(from), to: formatBeijing(to) });
    return unwrap<TmsAlert[]>(body, 'weather').map((a) => ({
      alertId: a.alertId,
      city: a.city,
      level: a.level,
      type: a.type,
      startAt: parseBeijing(a.startTime)!,
      endAt: parseBeijing(a.endTime)!,
      description: a.desc,
    }));
  }

  ping(): Promise<void> {
    return this.http.ping('/health');
  }
}
