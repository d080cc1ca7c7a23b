// The gateway enforces the SDL's role tags; a subgraph does not rely on that alone.
import type { Role } from '../../../common/src/caller.js';
import { appError, ErrorCode } from '../../../common/src/errors.js';
import type { RequestContext } from '../../../common/src/subgraph.js';

export function requireRole(ctx: RequestContext, roles: Role[], field: string): void {
  if (ctx.caller.role === 'admin' || roles.includes(ctx.caller.role)) return;
  throw appError(ErrorCode.FORBIDDEN, { zh: `角色「${ctx.caller.role}」无权使用 ${field}`, en: `Role "${ctx.caller.role}" may not use ${field}` }, { role: ctx.caller.role });
}
