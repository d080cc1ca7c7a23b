// Where the order events come from: database triggers on the tables the hub writes when it learns
// of a change (hub_order, hub_document, hub_hold, hub_decision, hub_order_draft). A trigger runs in
// the writer's own transaction, so an event is recorded exactly when its change commits — whoever
// writes (the linker, the rules, a person deciding a hold, a draft being confirmed), with no call
// site to forget — and only when a value really changed: re-reading a feed that says the same
// thing again writes the same values and records nothing. Events are inserted unnumbered; the
// sequencer (log.ts) numbers them per order and in one global order as they commit.
//
// Each event is a row of hub_order_event: the order, a type, the system that said so, when it
// happened there (`at`, epoch ms) and a JSON `detail`; text for people is made from these (text.ts).
import type { Dialect } from '../../../../common/src/db.js';

interface EventRule {
  /** SQL condition on OLD/NEW. */
  when: string;
  type: string;
  /** SQL expressions. */
  orderId: string;
  system: string;
  at: string;
  /** JSON detail: key → SQL expression. */
  detail: Record<string, string>;
  /** Rows to take the event from instead of none (e.g. the order a draft became). */
  from?: string;
}

interface TableTriggers {
  table: string;
  insert?: EventRule[];
  update?: EventRule[];
  delete?: EventRule[];
}

/** The stage columns of hub_order and the system that records each. */
const STAGE_COLUMNS: [column: string, stage: string, system: string][] = [
  ['paid_at', 'PAID', 'ERP'],
  ['picking_at', 'PICKING', 'WMS'],
  ['shipped_out_at', 'SHIPPED_OUT', 'WMS'],
  ['in_transit_at', 'IN_TRANSIT', 'TMS'],
  ['out_for_delivery_at', 'OUT_FOR_DELIVERY', 'TMS'],
  ['signed_at', 'SIGNED', 'TMS'],
  ['completed_at', 'COMPLETED', 'ERP'],
];

const q = (s: string) => `'${s}'`;

function rules(d: Dialect): TableTriggers[] {
  const differs = (a: string, b: string) => (d === 'mysql' ? `NOT (${a} <=> ${b})` : `${a} IS NOT ${b}`);
  const exceptionAt = (row: string) => (d === 'mysql' ? `JSON_VALUE(${row}.milestones, '$.EXCEPTION')` : `json_extract(${row}.milestones, '$.EXCEPTION')`);
  const has = (row: string, effect: string) => `${row}.effects LIKE '%"type":"${effect}"%'`;
  const stageOnInsert = STAGE_COLUMNS.filter(([c]) => c === 'paid_at' || c === 'completed_at');
  const draftOf = (erpNo: string) => `hub_order_draft dr WHERE dr.erp_order_no = ${erpNo} AND dr.state = 'CONFIRMED'`;
  return [
    {
      table: 'hub_order',
      insert: [
        {
          when: '1 = 1',
          type: 'CREATED',
          orderId: 'NEW.id',
          system: q('ERP'),
          at: 'NEW.ordered_at',
          detail: { erpOrderNo: 'NEW.erp_order_no', customerCode: 'NEW.customer_code', storeCode: 'NEW.store_code', region: 'NEW.region' },
        },
        // A confirmed draft whose order the linker has only now found in the ERP.
        { when: '1 = 1', from: draftOf('NEW.erp_order_no'), type: 'DRAFT_CONFIRMED', orderId: 'NEW.id', system: q('HUB'), at: 'dr.confirmed_at', detail: { draftId: 'dr.id', confirmedBy: 'dr.confirmed_by' } },
        ...stageOnInsert.map(([c, stage, system]) => ({ when: `NEW.${c} IS NOT NULL`, type: 'STAGE_REACHED', orderId: 'NEW.id', system: q(system), at: `NEW.${c}`, detail: { stage: q(stage) } })),
        { when: 'NEW.cancelled = 1', type: 'STAGE_REACHED', orderId: 'NEW.id', system: q('ERP'), at: 'NEW.updated_at', detail: { stage: q('CANCELLED') } },
      ],
      update: [
        ...STAGE_COLUMNS.map(([c, stage, system]) => ({
          when: `OLD.${c} IS NULL AND NEW.${c} IS NOT NULL`,
          type: 'STAGE_REACHED',
          orderId: 'NEW.id',
          system: q(system),
          at: `NEW.${c}`,
          detail: { stage: q(stage) },
        })),
        { when: 'OLD.cancelled = 0 AND NEW.cancelled = 1', type: 'STAGE_REACHED', orderId: 'NEW.id', system: q('ERP'), at: 'NEW.updated_at', detail: { stage: q('CANCELLED') } },
        {
          when: `OLD.promised_at IS NOT NULL AND ${differs('OLD.promised_at', 'NEW.promised_at')}`,
          type: 'PROMISE_CORRECTED',
          orderId: 'NEW.id',
          system: q('ERP'),
          at: 'NEW.updated_at',
          detail: { previous: 'OLD.promised_at', promisedAt: 'NEW.promised_at' },
        },
        {
          when: "OLD.missing_nodes = '' AND NEW.missing_nodes <> ''",
          type: 'BLOCKER_RAISED',
          orderId: 'NEW.id',
          system: q('HUB'),
          at: 'NEW.updated_at',
          detail: { code: q('LIFECYCLE_GAP'), stages: 'NEW.missing_nodes' },
        },
        {
          when: "OLD.missing_nodes <> '' AND NEW.missing_nodes = ''",
          type: 'BLOCKER_CLEARED',
          orderId: 'NEW.id',
          system: q('HUB'),
          at: 'NEW.updated_at',
          detail: { code: q('LIFECYCLE_GAP'), stages: 'OLD.missing_nodes' },
        },
      ],
    },
    {
      table: 'hub_document',
      insert: [
        { when: "NEW.state = 'LINKED' AND NEW.order_id IS NOT NULL", type: 'DOCUMENT_LINKED', orderId: 'NEW.order_id', system: 'NEW.system', at: 'NEW.linked_at', detail: { documentNo: 'NEW.document_no', method: 'NEW.method', confidence: 'NEW.confidence' } },
        {
          when: `NEW.state = 'LINKED' AND NEW.order_id IS NOT NULL AND ${exceptionAt('NEW')} IS NOT NULL`,
          type: 'SHIPMENT_EXCEPTION',
          orderId: 'NEW.order_id',
          system: 'NEW.system',
          at: exceptionAt('NEW'),
          detail: { documentNo: 'NEW.document_no', exception: d === 'mysql' ? "JSON_VALUE(NEW.milestones, '$.EXCEPTION_TYPE')" : "json_extract(NEW.milestones, '$.EXCEPTION_TYPE')" },
        },
      ],
      update: [
        {
          when: `OLD.state = 'LINKED' AND OLD.order_id IS NOT NULL AND (NEW.state <> 'LINKED' OR ${differs('OLD.order_id', 'NEW.order_id')})`,
          type: 'DOCUMENT_UNLINKED',
          orderId: 'OLD.order_id',
          system: 'OLD.system',
          at: 'NEW.updated_at',
          detail: { documentNo: 'OLD.document_no', reason: 'NEW.reason' },
        },
        {
          when: `NEW.state = 'LINKED' AND NEW.order_id IS NOT NULL AND (OLD.state <> 'LINKED' OR ${differs('OLD.order_id', 'NEW.order_id')})`,
          type: 'DOCUMENT_LINKED',
          orderId: 'NEW.order_id',
          system: 'NEW.system',
          at: 'NEW.linked_at',
          detail: { documentNo: 'NEW.document_no', method: 'NEW.method', confidence: 'NEW.confidence' },
        },
        {
          // A new exception on a linked waybill (or a waybill linked that already had one).
          when: `NEW.state = 'LINKED' AND NEW.order_id IS NOT NULL AND ${exceptionAt('NEW')} IS NOT NULL AND (${differs(exceptionAt('OLD'), exceptionAt('NEW'))} OR OLD.state <> 'LINKED' OR ${differs('OLD.order_id', 'NEW.order_id')})`,
          type: 'SHIPMENT_EXCEPTION',
          orderId: 'NEW.order_id',
          system: 'NEW.system',
          at: exceptionAt('NEW'),
          detail: { documentNo: 'NEW.document_no', exception: d === 'mysql' ? "JSON_VALUE(NEW.milestones, '$.EXCEPTION_TYPE')" : "json_extract(NEW.milestones, '$.EXCEPTION_TYPE')" },
        },
      ],
    },
    {
      table: 'hub_hold',
      insert: [
        {
          when: "NEW.state = 'OPEN'",
          type: 'HOLD_PLACED',
          orderId: 'NEW.order_id',
          system: q('HUB'),
          at: 'NEW.created_at',
          detail: { holdId: 'NEW.id', ruleId: 'NEW.rule_id', approverRole: 'NEW.approver_role', reasonCode: 'NEW.reason_code', reason: 'NEW.internal_reason' },
        },
      ],
      update: [
        {
          when: "OLD.state = 'OPEN' AND NEW.state <> 'OPEN'",
          type: 'HOLD_DECIDED',
          orderId: 'NEW.order_id',
          system: q('HUB'),
          at: 'NEW.decided_at',
          detail: { holdId: 'NEW.id', ruleId: 'NEW.rule_id', decision: 'NEW.state', decidedBy: 'NEW.decided_by', decidedRole: 'NEW.decided_role', reason: 'NEW.decision_reason' },
        },
        {
          when: "OLD.state <> 'OPEN' AND NEW.state = 'OPEN'",
          type: 'HOLD_PLACED',
          orderId: 'NEW.order_id',
          system: q('HUB'),
          at: 'NEW.created_at',
          detail: { holdId: 'NEW.id', ruleId: 'NEW.rule_id', approverRole: 'NEW.approver_role', reasonCode: 'NEW.reason_code', reason: 'NEW.internal_reason' },
        },
      ],
    },
    {
      table: 'hub_decision',
      // Only a decision that starts or stops firing is news: re-evaluating to the same outcome is not.
      insert: [
        { when: `NEW.fired = 1 AND ${has('NEW', 'PROMISE')}`, type: 'PROMISE_CORRECTED', orderId: 'NEW.order_id', system: q('HUB'), at: 'NEW.evaluated_at', detail: { ruleId: 'NEW.rule_id', effects: 'NEW.effects' } },
        { when: `NEW.fired = 1 AND ${has('NEW', 'REJECT_LINE')}`, type: 'BLOCKER_RAISED', orderId: 'NEW.order_id', system: q('HUB'), at: 'NEW.evaluated_at', detail: { code: q('LINE_REJECTED'), ruleId: 'NEW.rule_id', effects: 'NEW.effects' } },
      ],
      update: [
        { when: `OLD.fired = 0 AND NEW.fired = 1 AND ${has('NEW', 'PROMISE')}`, type: 'PROMISE_CORRECTED', orderId: 'NEW.order_id', system: q('HUB'), at: 'NEW.evaluated_at', detail: { ruleId: 'NEW.rule_id', effects: 'NEW.effects' } },
        { when: `OLD.fired = 1 AND NEW.fired = 0 AND ${has('OLD', 'PROMISE')}`, type: 'PROMISE_CORRECTED', orderId: 'NEW.order_id', system: q('HUB'), at: 'NEW.evaluated_at', detail: { ruleId: 'NEW.rule_id', withdrawn: '1' } },
        { when: `OLD.fired = 0 AND NEW.fired = 1 AND ${has('NEW', 'REJECT_LINE')}`, type: 'BLOCKER_RAISED', orderId: 'NEW.order_id', system: q('HUB'), at: 'NEW.evaluated_at', detail: { code: q('LINE_REJECTED'), ruleId: 'NEW.rule_id', effects: 'NEW.effects' } },
        { when: `OLD.fired = 1 AND NEW.fired = 0 AND ${has('OLD', 'REJECT_LINE')}`, type: 'BLOCKER_CLEARED', orderId: 'NEW.order_id', system: q('HUB'), at: 'NEW.evaluated_at', detail: { code: q('LINE_REJECTED'), ruleId: 'NEW.rule_id' } },
      ],
      delete: [
        { when: `OLD.fired = 1 AND ${has('OLD', 'REJECT_LINE')}`, type: 'BLOCKER_CLEARED', orderId: 'OLD.order_id', system: q('HUB'), at: 'OLD.evaluated_at', detail: { code: q('LINE_REJECTED'), ruleId: 'OLD.rule_id' } },
      ],
    },
    {
      table: 'hub_order_draft',
      // The order already in the hub when its draft is confirmed (else hub_order's insert says so).
      update: [
        { when: "OLD.state <> 'CONFIRMED'", from: "hub_order o WHERE o.erp_order_no = NEW.erp_order_no AND NEW.state = 'CONFIRMED'", type: 'DRAFT_CONFIRMED', orderId: 'o.id', system: q('HUB'), at: 'NEW.confirmed_at', detail: { draftId: 'NEW.id', confirmedBy: 'NEW.confirmed_by' } },
      ],
    },
  ];
}

/** The time a row is written, inside its transaction (the same clock as the fact stamps). */
const nowUs = (d: Dialect) => (d === 'mysql' ? 'CAST(UNIX_TIMESTAMP(SYSDATE(6)) * 1000000 AS SIGNED)' : "CAST(unixepoch('subsec') * 1000000 AS INTEGER)");

function insertFor(d: Dialect, r: EventRule): string {
  const detail = `JSON_OBJECT(${Object.entries(r.detail)
    .map(([k, v]) => `'${k}', ${v}`)
    .join(', ')})`;
  const columns = 'INSERT INTO hub_order_event (order_id, type, system, at, detail, recorded_us)';
  const values = `${r.orderId}, '${r.type}', ${r.system}, ${r.at}, ${detail}, ${nowUs(d)}`;
  if (d === 'mysql') return `IF ${r.when} THEN ${columns} ${r.from ? `SELECT ${values} FROM ${r.from}` : `VALUES (${values})`}; END IF`;
  const from = r.from ? ` FROM ${r.from} AND` : ' WHERE';
  return `${columns} SELECT ${values}${from} ${r.when}`;
}

export const TRIGGER_PREFIX = 'tr_event_';

/** CREATE TRIGGER statements for every table and write that can change an order. */
export function eventTriggers(d: Dialect): { name: string; sql: string }[] {
  return triggersFor(d, rules(d));
}

/**
 * What a service call's intent did to an order (calls/intake.ts: a hold, a ticket, a raised pick
 * priority, a warning). Made with hub_call_action by its own migration (ServiceCalls), after the
 * other event triggers.
 */
export function callActionTriggers(d: Dialect): { name: string; sql: string }[] {
  return triggersFor(d, [
    {
      table: 'hub_call_action',
      insert: [{ when: '1 = 1', type: 'CALL_ACTION', orderId: 'NEW.order_id', system: q('HUB'), at: 'NEW.created_at', detail: { callId: 'NEW.call_id', intent: 'NEW.intent', action: 'NEW.action', detail: 'NEW.detail' } }],
    },
  ]);
}

/** Blockers whose raising and clearing their own tables' triggers announce (above): the recorded blockers do not announce them again. */
export const ANNOUNCED_BY_SOURCE = ['LIFECYCLE_GAP', 'LINE_REJECTED'];

/**
 * The order's recorded blockers (hub_order_blocker, written only by blocker-record.ts): a row opened
 * is BLOCKER_RAISED, a row cleared BLOCKER_CLEARED, a cleared row opened again BLOCKER_RAISED — in
 * the recording's transaction. A row recorded quietly (an order the hub knew before blockers were
 * recorded: what it had then is no news) announces nothing. Made by its own migration (RecordedBlockers).
 */
export function recordedBlockerTriggers(d: Dialect): { name: string; sql: string }[] {
  const announced = `NEW.code NOT IN (${ANNOUNCED_BY_SOURCE.map(q).join(', ')})`;
  const detail = { code: 'NEW.code', key: 'NEW.blocker_key', severity: 'NEW.severity', visible: 'NEW.customer_visible', documentNo: 'NEW.document_no' };
  const raised = { type: 'BLOCKER_RAISED', orderId: 'NEW.order_id', system: q('HUB'), at: 'COALESCE(NEW.since, NEW.raised_at)', detail };
  return triggersFor(d, [
    {
      table: 'hub_order_blocker',
      insert: [{ when: `NEW.quiet = 0 AND NEW.cleared_at IS NULL AND ${announced}`, ...raised }],
      update: [
        { when: `OLD.cleared_at IS NULL AND NEW.cleared_at IS NOT NULL AND ${announced}`, type: 'BLOCKER_CLEARED', orderId: 'NEW.order_id', system: q('HUB'), at: 'NEW.cleared_at', detail },
        { when: `OLD.cleared_at IS NOT NULL AND NEW.cleared_at IS NULL AND ${announced}`, ...raised },
      ],
    },
  ]);
}

function triggersFor(d: Dialect, tables: TableTriggers[]): { name: string; sql: string }[] {
  const out: { name: string; sql: string }[] = [];
  for (const t of tables) {
    for (const op of ['insert', 'update', 'delete'] as const) {
      const list = t[op];
      if (!list?.length) continue;
      const name = `${TRIGGER_PREFIX}${t.table}_${op}`;
      const body = list.map((r) => insertFor(d, r)).join('; ');
      out.push({ name, sql: `CREATE TRIGGER ${name} AFTER ${op.toUpperCase()} ON ${t.table} FOR EACH ROW BEGIN ${body}; END` });
    }
  }
  return out;
}
