// Checks every subgraph makes of its arguments and callers, in one wording: each refusal a stable
// code and a message in Chinese and English.
import { appError, badInput, ErrorCode } from './errors.js';
import type { Caller, Role } from './caller.js';
import { parseIsoInstant } from './time.js';

/**
 * Refuses (FORBIDDEN) a caller whose role is not among `roles`; admin may always. The gateway
 * enforces the SDL's role tags; a subgraph does not rely on that alone.
 */
export function requireRole(ctx: { caller: Caller }, roles: Role[], field: string): void {
  if (ctx.caller.role === 'admin' || roles.includes(ctx.caller.role)) return;
  throw appError(ErrorCode.FORBIDDEN, { zh: `角色「${ctx.caller.role}」无权使用 ${field}`, en: `Role "${ctx.caller.role}" may not use ${field}` }, { role: ctx.caller.role });
}

/** An ISO 8601 instant with offset (or a date, taken as Beijing midnight), or BAD_USER_INPUT naming the argument. */
export function requireInstant(value: string, argument: string): number {
  const t = parseIsoInstant(value);
  if (t == null) {
    throw badInput(
      {
        zh: `${argument} 不是合法时间「${value.slice(0, 40)}」：请用带时区的 ISO 8601，如 2025-11-08T00:00:00+08:00，或日期 2025-11-08`,
        en: `${argument} "${value.slice(0, 40)}" is not a valid time: use ISO 8601 with offset, e.g. 2025-11-08T00:00:00+08:00, or a date 2025-11-08`,
      },
      { argument },
    );
  }
  return t;
}

/** A window [from, to) of ISO instants (or dates taken as Beijing midnight), at most `maxDays` long. */
export function parseWindow(from: string, to: string, maxDays = 366): { from: number; to: number } {
  const window = { from: requireInstant(from, 'from'), to: requireInstant(to, 'to') };
  if (window.from >= window.to) throw badInput({ zh: 'from 必须早于 to', en: 'from must be before to' }, { argument: 'from' });
  if (window.to - window.from > maxDays * 86_400_000) {
    throw badInput({ zh: `时间范围最多 ${maxDays} 天`, en: `The window is at most ${maxDays} days` }, { argument: 'to', maxDays });
  }
  return window;
}

/** The largest page any list in the graph returns. */
export const MAX_PAGE_SIZE = 200;

export function parsePageSize(first: number | null | undefined, argument = 'first'): number {
  const n = first ?? 50;
  if (!Number.isInteger(n) || n < 0 || n > MAX_PAGE_SIZE) {
    throw badInput(
      { zh: `${argument} 必须在 0 到 ${MAX_PAGE_SIZE} 之间（收到 ${n}）`, en: `${argument} must be between 0 and ${MAX_PAGE_SIZE} (got ${n})` },
      { argument, max: MAX_PAGE_SIZE },
    );
  }
  return n;
}

export function encodeCursor(value: unknown): string {
  return Buffer.from(JSON.stringify(value)).toString('base64url');
}

export function decodeCursor<T>(after: string | null | undefined, check: (v: any) => v is T): T | null {
  if (after == null) return null;
  try {
    const value = JSON.parse(Buffer.from(after, 'base64url').toString('utf8'));
    if (check(value)) return value;
  } catch {
    // fall through to the error below
  }
  throw badInput({ zh: 'after 游标无效：请使用上一页返回的 endCursor', en: 'Invalid after cursor: pass the endCursor of the previous page' }, { argument: 'after' });
}
