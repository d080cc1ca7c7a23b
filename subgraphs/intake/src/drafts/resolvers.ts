// Thin: remark reading, drafts from chat text and their confirmation.
import type { Resolvers } from '../../../../codegen/generated/intake.js';
import type { Role } from '../../../../common/src/caller.js';
import { appError, badInput, ErrorCode } from '../../../../common/src/errors.js';
import { toIsoBeijing } from '../../../../common/src/time.js';
import { interpretRemark, type Evidence, type Field, type Span } from '#text';
import { parsePageSize, requireRole } from '../../../../common/src/arguments.js';
import { findOrder } from '#hub';
import type { Context } from '../context.js';
import { draftNotFound, draftRemark, formatDraftId, mayReadDraft, isComplete, parseDraftId, requestedDelivery, splitMessage, type DraftEdits } from './service.js';

const DRAFTERS: Role[] = ['sales', 'ops'];
const MAX_REMARK = 2000;

export const textSpan = (text: string, span: Span | null) => (span ? { start: span[0], end: span[1], text: text.slice(span[0], span[1]) } : null);

const read = <T>(text: string, f: Field<T>) => ({ value: f.value, confidence: f.confidence, span: textSpan(text, f.span), source: f.source });

const evidence = (text: string, list: Evidence[]) => list.map((e) => ({ span: textSpan(text, e.span)!, cue: e.cue, negated: e.negated }));

/** One remark as the graph shows it: each field with its value, confidence and evidence spans. */
export function remarkReading(text: string) {
  const r = interpretRemark(text);
  const out = <T>(f: { value: T; confidence: number; evidence: Evidence[] }) => ({ value: f.value, confidence: f.confidence, evidence: evidence(text, f.evidence) });
  return {
    text,
    priority: out(r.priority),
    attachments: out(r.attachments),
    purpose: out(r.purpose),
    minShelfLifeMonths: out(r.minShelfLifeMonths),
    callBeforeDelivery: out(r.callBeforeDelivery),
    deliveryConstraint: out(r.deliveryConstraint),
  };
}

function draftId(id: string): number {
  const n = parseDraftId(id);
  if (n == null) throw badInput({ zh: `「${id.slice(0, 40)}」不是草稿号（DR0000000012）`, en: `"${id.slice(0, 40)}" is not a draft ID (DR0000000012)` }, { argument: 'id' });
  return n;
}

export const draftResolvers: Resolvers = {
  Query: {
    interpretRemark: (_root, { text }) => {
      if (text.length > MAX_REMARK) throw badInput({ zh: `备注过长（上限 ${MAX_REMARK} 字）`, en: `The remark is longer than ${MAX_REMARK} characters` }, { argument: 'text', max: MAX_REMARK });
      return remarkReading(text);
    },
    orderDraft: async (_root, { id }, ctx) => {
      requireRole(ctx, DRAFTERS, 'orderDraft');
      const n = draftId(id);
      const [draft] = await ctx.drafts.byIds([n]);
      if (!draft || !mayReadDraft(draft, ctx.caller)) throw draftNotFound(n);
      return draft;
    },
    orderDrafts: (_root, { state, everyone, first }, ctx) => {
      requireRole(ctx, DRAFTERS, 'orderDrafts');
      // Sales see their own drafts; asking for everyone's is for ops (and admin).
      const all = everyone === true && (ctx.caller.role === 'ops' || ctx.caller.role === 'admin');
      if (everyone && !all) throw appError(ErrorCode.FORBIDDEN, { zh: '只有运营可以查看所有人的草稿', en: 'Only ops may list everyone\'s drafts' }, { argument: 'everyone' });
      return ctx.drafts.list({ state: state ?? null, createdBy: all ? null : ctx.caller.subject.slice(0, 80) }, parsePageSize(first ?? 20));
    },
  },
  Mutation: {
    draftOrderFromText: (_root, { text, storeCode }, ctx) => {
      requireRole(ctx, DRAFTERS, 'draftOrderFromText');
      return ctx.drafts.create(text, storeCode ?? null, ctx.caller);
    },
    confirmOrderDraft: async (_root, { id, clientKey, edits }, ctx) => {
      requireRole(ctx, DRAFTERS, 'confirmOrderDraft');
      const confirmation = await ctx.drafts.confirm(draftId(id), (edits ?? {}) as DraftEdits, clientKey, ctx.caller);
      return { ...confirmation, order: await findOrder(confirmation.erpOrderNo, ctx) };
    },
  },
  OrderDraft: {
    id: (d) => formatDraftId(d.id),
    contactName: (d) => read(d.text, d.reading.contactName),
    mobile: (d) => read(d.text, d.reading.mobile),
    province: (d) => read(d.text, d.reading.province),
    city: (d) => read(d.text, d.reading.city),
    district: (d) => read(d.text, d.reading.district),
    detail: (d) => read(d.text, d.reading.detail),
    deliveryHint: (d) => read(d.text, d.reading.deliveryHint),
    customerHint: (d) => read(d.text, d.reading.customerHint),
    requestedDeliveryAt: (d) => toIsoBeijing(requestedDelivery(d)?.at),
    items: (d) =>
      d.reading.items.map((i) => ({ model: read(d.text, i.model), qty: read(d.text, i.qty), sku: { code: i.sku.code }, unit: i.sku.unit })),
    customer: (d) => {
      const c = d.reading.customer;
      return c.value ? { customer: { code: c.value.code }, name: c.value.name, confidence: c.confidence, span: textSpan(d.text, c.span), source: c.source } : null;
    },
    remarks: (d) => d.reading.remarks.map((r) => read(d.text, r)),
    remarkReading: (d) => remarkReading(d.confirmed?.remark ?? draftRemark(d.reading) ?? ''),
    unresolved: (d) =>
      d.reading.unresolved.map((u) => {
        const m = splitMessage(u.message);
        return { field: u.field, reason: u.reason, text: u.text, span: textSpan(d.text, u.span), candidates: u.candidates ?? [], messageZh: m.zh, messageEn: m.en };
      }),
    complete: (d) => isComplete(d),
    createdAt: (d) => toIsoBeijing(d.createdAt)!,
    confirmedAt: (d) => toIsoBeijing(d.confirmedAt),
    order: (d, _args, ctx) => (d.erpOrderNo ? findOrder(d.erpOrderNo, ctx) : null),
  },
};

