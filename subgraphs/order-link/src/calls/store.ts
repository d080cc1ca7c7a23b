// Service calls as the hub read them, looked up in batches for the graph.
import type { DataSource } from 'typeorm';
import type { LegacySystem } from '../../../../common/src/legacy.js';
import type { Bilingual } from '../../../../common/src/errors.js';
import { placeholders } from '../../../../common/src/db.js';
import { byKey, groupByKey, unique } from '../../../../common/src/loader.js';
import type { CallReading } from '#text';
import type { OrderSource } from './intake.js';

export interface CallRecord extends Pick<CallReading, 'intents' | 'setAside' | 'orderRef' | 'newAddress'> {
  callId: string;
  customerCode: string | null;
  startedAt: number;
  transcript: string;
  orderSource: OrderSource;
  readAt: number;
}

export interface CallActionRecord {
  id: number;
  callId: string;
  orderId: number;
  intent: string;
  action: string;
  detail: Bilingual;
  holdRuleId: string | null;
  createdAt: number;
}

const readCall = (r: any): CallRecord => {
  const reading = JSON.parse(r.reading);
  return {
    callId: r.call_id,
    customerCode: r.customer_code,
    startedAt: Number(r.started_at),
    transcript: r.transcript,
    intents: reading.intents,
    setAside: reading.setAside,
    orderRef: reading.orderRef,
    newAddress: reading.newAddress,
    orderSource: r.order_source,
    readAt: Number(r.read_at),
  };
};

const readAction = (r: any): CallActionRecord => {
  const [zh, en] = String(r.detail).split(' / ');
  return { id: Number(r.id), callId: r.call_id, orderId: Number(r.order_id), intent: r.intent, action: r.action, detail: { zh, en: en ?? zh }, holdRuleId: r.hold_rule_id, createdAt: Number(r.created_at) };
};

export class CallStore {
  constructor(
    private readonly db: DataSource,
    private readonly hub: LegacySystem,
  ) {}

  private query(operation: string, sql: string, params: unknown[]): Promise<any[]> {
    return this.hub.call(operation, () => this.db.query(sql, params));
  }

  async callsById(ids: readonly string[]): Promise<(CallRecord | null)[]> {
    const keys = unique(ids);
    const rows = await this.query('call.byId', `SELECT * FROM hub_call WHERE call_id IN (${placeholders(keys.length)})`, keys);
    return byKey(ids, rows.map(readCall), (c) => c.callId);
  }

  /** Each order's calls, oldest first. */
  async callsByOrder(orderIds: readonly number[]): Promise<CallRecord[][]> {
    const keys = unique(orderIds);
    const rows = await this.query(
      'call.byOrder',
      `SELECT o.order_id, c.* FROM hub_call_order o JOIN hub_call c ON c.call_id = o.call_id WHERE o.order_id IN (${placeholders(keys.length)}) ORDER BY c.started_at, c.call_id`,
      keys,
    );
    return groupByKey(orderIds, rows.map((r: any) => ({ orderId: Number(r.order_id), call: readCall(r) })), (x) => x.orderId).map((xs) => xs.map((x) => x.call));
  }

  /** The orders each call concerns. */
  async orderIdsByCall(callIds: readonly string[]): Promise<number[][]> {
    const keys = unique(callIds);
    const rows = await this.query('call.orders', `SELECT call_id, order_id FROM hub_call_order WHERE call_id IN (${placeholders(keys.length)}) ORDER BY order_id`, keys);
    return groupByKey(callIds, rows, (r: any) => r.call_id).map((rs) => rs.map((r: any) => Number(r.order_id)));
  }

  async actionsByCall(callIds: readonly string[]): Promise<CallActionRecord[][]> {
    const keys = unique(callIds);
    const rows = await this.query('call.actionsByCall', `SELECT * FROM hub_call_action WHERE call_id IN (${placeholders(keys.length)}) ORDER BY id`, keys);
    return groupByKey(callIds, rows.map(readAction), (a) => a.callId);
  }

  async actionsByOrder(orderIds: readonly number[]): Promise<CallActionRecord[][]> {
    const keys = unique(orderIds);
    const rows = await this.query('call.actionsByOrder', `SELECT * FROM hub_call_action WHERE order_id IN (${placeholders(keys.length)}) ORDER BY created_at, id`, keys);
    return groupByKey(orderIds, rows.map(readAction), (a) => a.orderId);
  }
}
