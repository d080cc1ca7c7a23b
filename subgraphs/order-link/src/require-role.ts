// The gateway enforces the SDL's role tags; a subgraph does not rely on that alone.
import { appError, ErrorCode } from '../../../common/src/errors.js';
import type { Role } from '../../../common/src/caller.js';
import type { Context } from './context.js';

/** Refuses (FORBIDDEN) a caller whose role is not among `roles`; admin may always. */
export function requireRole(ctx: Context, roles: Role[], field: string) {
  if (ctx.caller.role === 'admin' || roles.includes(ctx.caller.role)) return;
  throw appError(ErrorCode.FORBIDDEN, { zh: `角色「${ctx.caller.role}」无权使用 ${field}`, en: `Role "${ctx.caller.role}" may not use ${field}` }, { role: ctx.caller.role });
}
