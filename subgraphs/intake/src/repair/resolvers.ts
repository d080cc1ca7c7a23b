// Thin: the repair wizard's jobs, their preview and decisions, apply and undo.
import type { Resolvers } from '../../../../codegen/generated/intake.js';
import { appError, badInput, ErrorCode } from '../../../../common/src/errors.js';
import { toIsoBeijing } from '../../../../common/src/time.js';
import { REQUIREMENT_FIELDS } from '../../../../common/src/requirements.js';
import { decodeCursor, encodeCursor, parsePageSize, requireRole } from '../../../../common/src/arguments.js';
import { textSpan } from '../drafts/resolvers.js';
import type { Context } from '../context.js';
import { REPAIR_ROLES } from './uploads.js';
import type { ChangeFilter, RepairJob, Tally } from './store.js';

const isIdCursor = (v: any): v is { id: number } => Number.isInteger(v?.id);

function jobId(id: string, argument = 'id'): number {
  if (!/^\d{1,15}$/.test(id.trim())) throw badInput({ zh: `「${id.slice(0, 40)}」不是修复任务号`, en: `"${id.slice(0, 40)}" is not a repair job ID` }, { argument });
  return Number(id);
}

function changeFilter(filter: Record<string, unknown> | null | undefined): ChangeFilter {
  const f = (filter ?? {}) as ChangeFilter;
  for (const key of ['minConfidence', 'maxConfidence'] as const) {
    const v = f[key];
    if (v != null && !(v >= 0 && v <= 1)) throw badInput({ zh: `${key} 须在 0 到 1 之间`, en: `${key} must be between 0 and 1` }, { argument: `filter.${key}` });
  }
  return f;
}

const parseValue = (json: string | null) => (json == null ? null : JSON.parse(json));

export const repairResolvers: Resolvers = {
  Query: {
    repairJob: (_root, { id }, ctx) => {
      requireRole(ctx, REPAIR_ROLES, 'repairJob');
      return ctx.repair.store.job(jobId(id));
    },
    repairJobs: (_root, { first }, ctx) => {
      requireRole(ctx, REPAIR_ROLES, 'repairJobs');
      return ctx.repair.store.recentJobs(parsePageSize(first ?? 20));
    },
  },
  Mutation: {
    startRepairJob: async (_root, args, ctx) => {
      requireRole(ctx, REPAIR_ROLES, 'startRepairJob');
      const encoding = args.encoding === 'UTF8' ? 'utf-8' : args.encoding === 'GB18030' ? 'gb18030' : 'auto';
      const id = await ctx.repair.runner.startJob(
        args.uploadId,
        { autoAcceptConfidence: args.autoAcceptConfidence, encoding, sheet: args.sheet, proposeDefaults: args.proposeDefaults ?? true },
        ctx.caller,
      );
      return (await ctx.repair.store.job(id))!;
    },
    decideRepairChanges: async (_root, { jobId: id, decision, ids, filter }, ctx) => {
      requireRole(ctx, REPAIR_ROLES, 'decideRepairChanges');
      if (!ids && !filter) throw badInput({ zh: '请给出 ids 或 filter', en: 'Give ids or a filter' }, { argument: 'ids' });
      const job = await ctx.repair.runner.needJob(jobId(id, 'jobId'));
      const changeIds = ids?.map((c) => jobId(c, 'ids'));
      const updated = job.state === 'READY' ? await ctx.repair.store.decide(job.id, decision, changeIds ?? null, filter ? changeFilter(filter) : null) : null;
      if (updated == null) {
        const state = (await ctx.repair.store.job(job.id))!.state;
        throw appError(
          ErrorCode.CONFLICT,
          { zh: `任务状态为 ${state}，只有 READY 的任务可以调整决定`, en: `The job is ${state}: decisions can change only while it is READY` },
          { reason: 'JOB_STATE', state },
        );
      }
      return { updated, job: (await ctx.repair.store.job(job.id))! };
    },
    applyRepairJob: (_root, { id }, ctx) => {
      requireRole(ctx, REPAIR_ROLES, 'applyRepairJob');
      return ctx.repair.runner.apply(jobId(id), ctx.caller);
    },
    undoRepairJob: (_root, { id }, ctx) => {
      requireRole(ctx, REPAIR_ROLES, 'undoRepairJob');
      return ctx.repair.runner.undo(jobId(id), ctx.caller);
    },
  },
  RepairJob: {
    id: (j) => String(j.id),
    progress: (j) => ({
      rowsRead: j.rowsRead,
      bytesRead: j.bytesRead,
      bytesTotal: j.bytesTotal,
      fraction: j.bytesTotal ? Math.min(1, j.bytesRead / j.bytesTotal) : 1,
      stepDone: j.stepDone,
      stepTotal: j.stepTotal,
    }),
    columns: (j) => [
      ...(j.columns.orderNo ? [{ column: j.columns.orderNo, role: 'ORDER_NO', field: null }] : []),
      ...j.columns.text.map((column) => ({ column, role: 'TEXT', field: null })),
      ...Object.entries(j.columns.fields).map(([field, column]) => ({ column: column!, role: 'FIELD', field: field as any })),
    ],
    ignoredColumns: (j) => j.columns.ignored,
    missing: (j: RepairJob) =>
      REQUIREMENT_FIELDS.filter((f) => (j.columns.blank[f] ?? 0) > 0).map((field) => ({ field, column: j.columns.fields[field] ?? null, rows: j.columns.blank[field]! })),
    summary: async (j, _args, ctx) => {
      const { rows, issues } = await ctx.repair.store.tally(j);
      const count = (pred: (r: Tally) => boolean) => rows.filter(pred).reduce((n, r) => n + r.n, 0);
      const byField = new Map<string, { field: Tally['field']; source: Tally['source']; decision: Tally['decision']; count: number; sum: number }>();
      for (const r of rows) {
        const key = `${r.field}|${r.source}|${r.decision}`;
        const g = byField.get(key) ?? { field: r.field, source: r.source, decision: r.decision, count: 0, sum: 0 };
        g.count += r.n;
        g.sum += r.confidenceSum;
        byField.set(key, g);
      }
      return {
        proposed: count(() => true),
        accepted: count((r) => r.decision === 'ACCEPTED'),
        review: count((r) => r.decision === 'REVIEW'),
        rejected: count((r) => r.decision === 'REJECTED'),
        applied: count((r) => r.state === 'APPLIED'),
        changedSince: count((r) => r.state === 'CHANGED_SINCE'),
        notFound: count((r) => r.state === 'NOT_FOUND'),
        undone: count((r) => r.state === 'UNDONE'),
        undoConflicts: count((r) => r.state === 'UNDO_CONFLICT'),
        issues,
        byField: [...byField.values()].map((g) => ({ field: g.field, source: g.source, decision: g.decision, count: g.count, meanConfidence: Math.round((g.sum / g.count) * 1000) / 1000 })),
      };
    },
    changes: async (j, { filter, first, after }, ctx) => {
      const size = parsePageSize(first);
      const cursor = decodeCursor(after, isIdCursor);
      const page = await ctx.repair.store.changes(j.id, changeFilter(filter), size, cursor?.id ?? null);
      const edges = page.changes.map((c) => ({ node: c, cursor: encodeCursor({ id: c.id }) }));
      return { edges, totalCount: page.totalCount, pageInfo: { hasNextPage: page.hasNextPage, endCursor: edges.at(-1)?.cursor ?? null } };
    },
    issues: async (j, { first, after }, ctx) => {
      const size = parsePageSize(first);
      const cursor = decodeCursor(after, isIdCursor);
      const page = await ctx.repair.store.issues(j.id, size, cursor?.id ?? null);
      const edges = page.issues.map((i) => ({ node: i, cursor: encodeCursor({ id: i.id }) }));
      return { edges, totalCount: page.totalCount, pageInfo: { hasNextPage: page.hasNextPage, endCursor: edges.at(-1)?.cursor ?? null } };
    },
    error: (j) => (j.error ? { code: j.error.code, messageZh: j.error.zh, messageEn: j.error.en, row: j.error.row } : null),
    autoAcceptConfidence: (j) => j.autoAccept,
    createdAt: (j) => toIsoBeijing(j.createdAt)!,
    readAt: (j) => toIsoBeijing(j.readAt),
    appliedAt: (j) => toIsoBeijing(j.appliedAt),
    undoneAt: (j) => toIsoBeijing(j.undoneAt),
  },
  RepairChange: {
    id: (c) => String(c.id),
    fileValue: (c) => parseValue(c.fileValue),
    erpBefore: (c) => parseValue(c.erpBefore),
    proposed: (c) => parseValue(c.proposed),
    evidence: (c) => c.evidence.map((e) => ({ column: e.column, text: e.text, span: textSpan(e.text, e.span), cue: e.cue, negated: e.negated })),
    appliedAt: (c) => toIsoBeijing(c.appliedAt),
    undoneAt: (c) => toIsoBeijing(c.undoneAt),
  },
};
