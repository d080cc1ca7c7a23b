// The only place that speaks CRM: its {success, result} envelope, epoch milliseconds, level codes
// and comma-joined tag strings.
import type { LegacyHttpClient } from '../../../common/src/legacy-http.js';
import { upstreamUnavailable } from '../../../common/src/errors.js';
import { toIsoBeijing } from '../../../common/src/time.js';
import { decode } from '../../../common/src/legacy-codes.js';
import { byKey, groupByKey, unique } from '../../../common/src/loader.js';

export type CustomerLevel = 'NORMAL' | 'SILVER' | 'GOLD' | 'DIAMOND';
const LEVEL: Record<number, CustomerLevel> = { 1: 'NORMAL', 2: 'SILVER', 3: 'GOLD', 4: 'DIAMOND' };

interface CrmCustomer {
  custCode: string;
  levelCode: number | null;
  tagList: string | null;
  satisfaction: number | null;
}

interface CrmTicket {
  ticketId: string;
  orderRef: string;
  custCode: string;
  type: string;
  status: string;
  createdAt: number;
  closedAt: number | null;
  title: string;
  transcript: { from: string; at: number; text: string }[];
  satisfaction: number | null;
}

export interface CrmCustomerRecord {
  code: string;
  level: CustomerLevel | null;
  tags: string[];
  satisfaction: number | null;
}

export interface CrmCustomerRef {
  code: string;
}

export interface OrderRef {
  erpOrderNo: string;
}

export type TicketType = 'COMPLAINT' | 'INQUIRY' | 'RETURN' | 'EXCHANGE';
export type TicketStatus = 'OPEN' | 'PROCESSING' | 'CLOSED';

export interface Ticket {
  ticketNo: string;
  orderRef: string;
  customerCode: string;
  type: TicketType;
  status: TicketStatus;
  title: string;
  openedAt: string;
  closedAt: string | null;
  satisfaction: number | null;
  transcript: { speaker: 'CUSTOMER' | 'AGENT'; at: string; text: string }[];
}

interface CrmCall {
  callId: string;
  custCode: string | null;
  callerPhone: string | null;
  agent: string;
  startedAt: number;
  durationSec: number;
  transcript: string;
  changeSeq: number;
  updatedAt: number;
}

/** A service call as the CRM keeps it: the call platform's speech-to-text, one text with speaker turns. */
export interface ServiceCallRecord {
  callId: string;
  customerCode: string | null;
  callerPhone: string | null;
  agent: string;
  /** Epoch ms. */
  startedAt: number;
  durationSec: number;
  transcript: string;
  /** The CRM's change counter: the feed's position. */
  changeSeq: number;
}

const toCall = (c: CrmCall): ServiceCallRecord => ({
  callId: c.callId,
  customerCode: c.custCode ?? null,
  callerPhone: c.callerPhone ?? null,
  agent: c.agent,
  startedAt: Number(c.startedAt),
  durationSec: Number(c.durationSec),
  transcript: String(c.transcript ?? ''),
  changeSeq: Number(c.changeSeq),
});

/** Most the CRM hands out or looks up in one call. */
export const CRM_PAGE = 500;

function unwrap<T>(body: unknown, operation: string): T {
  const envelope = body as { success?: boolean; result?: T; errorCode?: string; errorMsg?: string };
  if (envelope?.success !== true) throw upstreamUnavailable('CRM', `${operation}: ${envelope?.errorCode ?? 'malformed response'} ${envelope?.errorMsg ?? ''}`);
  return envelope.result as T;
}

const toCustomer = (c: CrmCustomer): CrmCustomerRecord => ({
  code: c.custCode,
  level: c.levelCode == null ? null : decode('CRM', 'levelCode', LEVEL, Number(c.levelCode)),
  // Agents type tags with either comma, full-width or ASCII, and sometimes spaces.
  tags: (c.tagList ?? '')
    .split(/[,，、;；]/)
    .map((t) => t.trim())
    .filter(Boolean),
  satisfaction: c.satisfaction == null ? null : Number(c.satisfaction),
});

const toTicket = (t: CrmTicket): Ticket => ({
  ticketNo: t.ticketId,
  orderRef: t.orderRef,
  customerCode: t.custCode,
  type: decode('CRM', 'ticket type', { COMPLAINT: 'COMPLAINT', INQUIRY: 'INQUIRY', RETURN: 'RETURN', EXCHANGE: 'EXCHANGE' } as const, t.type),
  status: decode('CRM', 'ticket status', { OPEN: 'OPEN', PROCESSING: 'PROCESSING', CLOSED: 'CLOSED' } as const, t.status),
  title: t.title,
  openedAt: toIsoBeijing(t.createdAt)!,
  closedAt: toIsoBeijing(t.closedAt),
  satisfaction: t.satisfaction == null ? null : Number(t.satisfaction),
  transcript: (t.transcript ?? []).map((e) => ({
    speaker: e.from === 'agent' ? 'AGENT' : 'CUSTOMER',
    at: toIsoBeijing(e.at)!,
    text: e.text,
  })),
});

export class CrmDatasource {
  constructor(private readonly http: LegacyHttpClient) {}

  async customersByCode(codes: readonly string[]): Promise<(CrmCustomerRecord | null)[]> {
    const body = await this.http.get('customers.byCode', '/crm/api/customers', { codes: unique(codes).join(',') });
    return byKey(codes, unwrap<CrmCustomer[]>(body, 'customers').map(toCustomer), (c) => c.code);
  }

  async ticketsByOrderNo(orderNos: readonly string[]): Promise<Ticket[][]> {
    const body = await this.http.post('tickets.byOrder', '/crm/api/tickets/search', { orderRefs: unique(orderNos) }, { idempotent: true });
    const tickets = unwrap<CrmTicket[]>(body, 'tickets').map(toTicket);
    tickets.sort((a, b) => a.openedAt.localeCompare(b.openedAt));
    return groupByKey(orderNos, tickets, (t) => t.orderRef);
  }

  /** Service calls whose change counter is above `after`, in its order: the CRM's change feed. */
  async callsChangedSince(after: number, limit = CRM_PAGE): Promise<{ calls: ServiceCallRecord[]; last: number }> {
    const body = await this.http.get('calls.changes', '/crm/api/calls/changes', { after: String(after), limit: String(Math.min(limit, CRM_PAGE)) });
    const page = unwrap<{ calls: CrmCall[]; last: number }>(body, 'calls.changes');
    return { calls: page.calls.map(toCall), last: Number(page.last) };
  }

  /** Calls by id, in pages of at most 500 ids. */
  async callsById(ids: readonly string[]): Promise<(ServiceCallRecord | null)[]> {
    const keys = unique(ids);
    const found: ServiceCallRecord[] = [];
    for (let i = 0; i < keys.length; i += CRM_PAGE) {
      const body = await this.http.post('calls.byId', '/crm/api/calls/search', { callIds: keys.slice(i, i + CRM_PAGE) }, { idempotent: true });
      found.push(...unwrap<CrmCall[]>(body, 'calls').map(toCall));
    }
    return byKey(ids, found, (c) => c.callId);
  }

  /**
   * Opens a ticket; the business key makes a retry find the ticket it opened instead of opening a
   * second. Returns the CRM's ticket number.
   */
  async openTicket(ticket: { customerCode: string; orderRef: string; type: TicketType; title: string; bizKey: string; transcript?: { from: 'customer' | 'agent'; at: number; text: string }[] }): Promise<{ ticketNo: string; duplicate: boolean }> {
    const body = await this.http.post(
      'tickets.open',
      '/crm/api/tickets',
      { custCode: ticket.customerCode, orderRef: ticket.orderRef, type: ticket.type, title: ticket.title, bizKey: ticket.bizKey, transcript: ticket.transcript ?? [] },
      { idempotent: true },
    );
    const t = unwrap<CrmTicket & { duplicate?: boolean }>(body, 'tickets.open');
    return { ticketNo: t.ticketId, duplicate: t.duplicate === true };
  }

  /** Texts a customer through the CRM; the business key makes a repeat send nothing. */
  async sendSms(message: { mobile: string; content: string; bizKey: string }): Promise<{ smsId: number; duplicate: boolean }> {
    const body = await this.http.post('sms.send', '/crm/api/sms', message, { idempotent: true });
    return unwrap<{ smsId: number; duplicate: boolean }>(body, 'sms');
  }

  ping(): Promise<void> {
    return this.http.ping('/health');
  }
}
