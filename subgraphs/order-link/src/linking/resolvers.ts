// Thin: the completeness sweep's record and a sweep on demand, for ops.
import type { Resolvers } from '../../../../codegen/generated/order-link.js';
import { badInput } from '../../../../common/src/errors.js';
import { requireRole } from '../../../../common/src/arguments.js';
import { parseBeijing, toIsoBeijing } from '../../../../common/src/time.js';
import { daysBetween } from './records.js';
import type { RepairKind } from './sweep.js';

const MAX_SWEEPS = 50;
const MAX_SWEEP_DAYS = 31;
const REPAIRS_SHOWN = 200;

function parseDay(value: string, argument: string): string {
  if (!/^\d{4}-\d{2}-\d{2}$/.test(value) || parseBeijing(`${value} 00:00:00`) == null || new Date(`${value}T00:00:00Z`).toISOString().slice(0, 10) !== value)
    throw badInput({ zh: `${argument} 应为日期 YYYY-MM-DD`, en: `${argument} must be a date YYYY-MM-DD` }, { argument });
  return value;
}

const REPAIR_TEXT: Record<RepairKind, (system: string, no: string) => { zh: string; en: string }> = {
  MISSING: (s, no) => ({ zh: `${s} 的 ${no} 从未被同步读到，已补读`, en: `${s} ${no} had never been read by the sync; read now` }),
  STALE: (s, no) => ({ zh: `${s} 的 ${no} 同步读到的是旧版本，已重读`, en: `${s} ${no} had been read in an older version; read again` }),
  DELETED: (s, no) => ({ zh: `${s} 的 ${no} 已在原系统中删除，中台已随之更新`, en: `${s} ${no} was deleted in its system; the hub follows` }),
};

type SweepView = Awaited<ReturnType<import('./sweep.js').CompletenessSweep['latest']>>[number];

const toSweep = (s: SweepView) => ({
  id: String(s.id),
  trigger: s.trigger,
  from: s.dayFrom,
  to: s.dayTo,
  startedAt: toIsoBeijing(s.startedAt)!,
  finishedAt: toIsoBeijing(s.finishedAt),
  daysCompared: s.daysCompared,
  daysDiffering: s.daysDiffering,
  keysCompared: s.keysCompared,
  repaired: s.repaired,
  failedSystems: s.failedSystems.map((x) => x.toUpperCase()),
  repairs: s.repairs.map((r) => {
    const text = REPAIR_TEXT[r.kind](r.system, r.documentNo);
    return { ...r, foundAt: toIsoBeijing(r.foundAt)!, appliedAt: toIsoBeijing(r.appliedAt), messageZh: text.zh, messageEn: text.en };
  }),
});

export const syncResolvers: Resolvers = {
  Query: {
    syncSweeps: async (_root, { first }, ctx) => {
      requireRole(ctx, ['ops'], 'syncSweeps');
      const n = first ?? 10;
      if (!Number.isInteger(n) || n < 1 || n > MAX_SWEEPS)
        throw badInput({ zh: `first 应在 1 到 ${MAX_SWEEPS} 之间`, en: `first must be between 1 and ${MAX_SWEEPS}` }, { argument: 'first' });
      return (await ctx.sweep.latest(n, REPAIRS_SHOWN)).map(toSweep) as any;
    },
  },
  Mutation: {
    runSyncSweep: async (_root, { from, to }, ctx) => {
      requireRole(ctx, ['ops'], 'runSyncSweep');
      const dayFrom = parseDay(from, 'from');
      const dayTo = parseDay(to, 'to');
      const span = daysBetween(dayFrom, dayTo);
      if (span < 0 || span >= MAX_SWEEP_DAYS)
        throw badInput({ zh: `from 不能晚于 to，且最多 ${MAX_SWEEP_DAYS} 天`, en: `from must not be after to, and at most ${MAX_SWEEP_DAYS} days` }, { argument: 'to' });
      const done = await ctx.sweep.run('MANUAL', { from: dayFrom, to: dayTo });
      // Handled by the lease holder's next round, whichever instance swept.
      await ctx.sweep.applied(done.id, 30_000);
      const [view] = (await ctx.sweep.latest(MAX_SWEEPS, REPAIRS_SHOWN)).filter((s) => s.id === done.id);
      return toSweep(view) as any;
    },
  },
};
