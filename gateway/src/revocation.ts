// The revocation list at the gateway: the jti of every token revoked before its expiry, read from
// the hub (Query.revokedTokens, through the gateway's own pipeline) every TOKEN_REVOCATION_POLL_MS.
// Every gateway instance polls the same list, so all refuse a revoked token within one poll; no
// request waits for the list. A long-lived service-account token (role bi) is refused with 503
// while the list is older than TOKEN_REVOCATION_MAX_STALE_MS: a revoked BI token must not come back
// to life because the list could not be read. People's tokens are short-lived and not held up.
import { Gauge } from 'prom-client';
import type { Caller } from '../../common/src/caller.js';
import { HttpRefusal } from '../../common/src/http-host.js';
import type { Logger } from '../../common/src/logger.js';
import type { Metrics } from '../../common/src/metrics.js';
import { unauthenticated } from './auth.js';

export interface RevocationList {
  /** Refuses a revoked token (401), or a service account's while the list is stale (503). */
  check(caller: Caller): void;
  /** Reads the list now; false when it could not. */
  refresh(): Promise<boolean>;
  start(): void;
  stop(): void;
}

export function createRevocationList(options: {
  /** The jti of every revoked token still in force. */
  read: () => Promise<string[]>;
  pollMs: number;
  maxStaleMs: number;
  logger: Logger;
  metrics: Metrics;
}): RevocationList {
  let revoked = new Set<string>();
  let readAt = 0;
  let timer: NodeJS.Timeout | null = null;
  let failing = false;
  new Gauge({
    name: 'gateway_revocation_list_age_seconds',
    help: 'How old the token revocation list this gateway enforces is (seconds since it was last read)',
    registers: [options.metrics.registry],
    collect() {
      this.set(readAt ? (Date.now() - readAt) / 1000 : -1);
    },
  });
  const refresh = async () => {
    try {
      revoked = new Set(await options.read());
      readAt = Date.now();
      if (failing) options.logger.info({ revoked: revoked.size }, 'token revocation list read again');
      failing = false;
      return true;
    } catch (err) {
      if (!failing) options.logger.warn({ err: (err as Error)?.message }, 'token revocation list could not be read; the last one read stays in force');
      failing = true;
      return false;
    }
  };
  return {
    check(caller) {
      if (caller.tokenId && revoked.has(caller.tokenId)) throw unauthenticated('令牌已被吊销', 'Token has been revoked');
      if (caller.role === 'bi' && Date.now() - readAt > options.maxStaleMs) {
        throw new HttpRefusal(503, 'UPSTREAM_UNAVAILABLE', '暂时无法确认令牌是否已被吊销，请稍后重试', 'Cannot tell right now whether the token was revoked; try again shortly');
      }
    },
    refresh,
    start() {
      timer ??= setInterval(() => void refresh(), options.pollMs);
      timer.unref();
    },
    stop() {
      if (timer) clearInterval(timer);
      timer = null;
    },
  };
}
