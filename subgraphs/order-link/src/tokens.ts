// The revocation list of tokens (by jti): revokeToken writes it, audited; every gateway instance
// polls revokedTokens and refuses a revoked token from then on (gateway/src/revocation.ts). It lives
// in the hub database because that is durable and shared by every deployment, embedded included:
// a revocation must survive restarts of everything, and be seen alike by every gateway.
import type { DataSource } from 'typeorm';
import type { Resolvers } from '../../../codegen/generated/order-link.js';
import type { LegacySystem } from '../../../common/src/legacy.js';
import { insertIgnore } from '../../../common/src/db.js';
import { badInput } from '../../../common/src/errors.js';
import { requireInstant, requireRole } from '../../../common/src/arguments.js';
import { toIsoBeijing } from '../../../common/src/time.js';
import { audit, type Actor } from './rules/store.js';

export interface Revocation {
  jti: string;
  reason: string;
  revokedBy: string;
  revokedAt: number;
  expiresAt: number | null;
}

const read = (r: any): Revocation => ({
  jti: r.jti,
  reason: r.reason,
  revokedBy: r.revoked_by,
  revokedAt: Number(r.revoked_at),
  expiresAt: r.expires_at == null ? null : Number(r.expires_at),
});

export class TokenRevocations {
  constructor(
    private readonly db: DataSource,
    private readonly hub: LegacySystem,
  ) {}

  /** Revocations still in force: a token past its expiry is refused anyway. */
  list(now = Date.now()): Promise<Revocation[]> {
    return this.hub.call('token.revoked', async () => (await this.db.query('SELECT * FROM hub_revoked_token WHERE expires_at IS NULL OR expires_at > ? ORDER BY revoked_at, jti', [now])).map(read));
  }

  /** Revokes once: a second call for the same jti returns the first revocation and changes nothing. */
  revoke(jti: string, reason: string, expiresAt: number | null, by: Actor): Promise<{ revocation: Revocation; created: boolean }> {
    return this.hub.call(
      'token.revoke',
      () =>
        this.db.transaction(async (em) => {
          const now = Date.now();
          await insertIgnore(em, 'hub_revoked_token', [{ jti, reason, revoked_by: by.subject, revoked_at: now, expires_at: expiresAt }]);
          const [row] = await em.query('SELECT * FROM hub_revoked_token WHERE jti = ?', [jti]);
          const revocation = read(row);
          const created = revocation.revokedAt === now && revocation.revokedBy === by.subject;
          if (created) await audit(em, by, 'TOKEN_REVOKED', 'TOKEN', jti, null, { expiresAt }, reason, now);
          return { revocation, created };
        }),
      { idempotent: false },
    );
  }
}

const view = (r: Revocation) => ({ jti: r.jti, reason: r.reason, revokedBy: r.revokedBy, revokedAt: toIsoBeijing(r.revokedAt)!, expiresAt: toIsoBeijing(r.expiresAt) });

export const tokenResolvers: Resolvers = {
  Query: {
    revokedTokens: async (_root, _args, ctx) => {
      requireRole(ctx, [], 'revokedTokens');
      return (await ctx.tokens.list()).map(view);
    },
  },
  Mutation: {
    revokeToken: async (_root, { jti, reason, expiresAt }, ctx) => {
      requireRole(ctx, [], 'revokeToken');
      const id = jti.trim();
      if (!/^[\w.:-]{1,128}$/.test(id)) throw badInput({ zh: 'jti 应为 1–128 位字母、数字或 . : - _', en: 'jti must be 1–128 letters, digits or . : - _' }, { argument: 'jti' });
      const why = reason.trim();
      if (!why || why.length > 500) throw badInput({ zh: '请写明吊销原因（最多 500 字）', en: 'Give a reason for the revocation (at most 500 characters)' }, { argument: 'reason' });
      const { revocation, created } = await ctx.tokens.revoke(id, why, expiresAt == null ? null : requireInstant(expiresAt, 'expiresAt'), ctx.caller);
      return { revocation: view(revocation), created };
    },
  },
};
