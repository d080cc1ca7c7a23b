// Subgraphs trust only the gateway (and a hub worker asking another subgraph to act for its caller:
// intake → erp and order-link, order-link → erp). Every such request carries the caller and an
// HMAC-SHA256 over what it is and where it goes — method, path, target subgraph, a timestamp, a one-time nonce, the caller and the body's
// SHA-256 — checked in constant time. A subgraph refuses a timestamp older than the window or more
// than a few seconds ahead, and a nonce it has seen (the replay cache, shared by its instances).
// Each subgraph may have its own key. A refusal says only that the request was not accepted; why
// is logged where it was refused.
import { createHash, createHmac, randomBytes, timingSafeEqual } from 'node:crypto';
import { decodeCaller, type Caller } from './caller.js';
import type { ReplayCache } from './replay-cache.js';

export const CALLER_HEADER = 'x-hub-caller';
export const TIMESTAMP_HEADER = 'x-hub-timestamp';
export const NONCE_HEADER = 'x-hub-nonce';
export const SIGNATURE_HEADER = 'x-hub-signature';

/** How old a signed request may be. */
export const SIGNATURE_MAX_AGE_MS = 60_000;
/** How far ahead of the subgraph's clock a timestamp may be (clocks drift a little, not a minute). */
export const SIGNATURE_MAX_AHEAD_MS = 5_000;

export const sha256Hex = (body: string | Buffer) => createHash('sha256').update(body).digest('hex');

/** Where a signed request goes: the signature is good for this request only. */
export interface SignedTarget {
  method: string;
  /** The URL's path, without query. */
  path: string;
  /** The subgraph's name (`erp`, `order-link` …), as in rover-config.yaml. */
  subgraph: string;
}

function mac(key: string, target: SignedTarget, timestamp: string, nonce: string, caller: string, bodyHash: string): Buffer {
  const text = ['v2', target.method.toUpperCase(), target.path, target.subgraph, timestamp, nonce, caller, bodyHash].join('\n');
  return createHmac('sha256', key).update(text).digest();
}

export function signRequest(key: string, target: SignedTarget, callerHeader: string, body: string, now = Date.now()): Record<string, string> {
  return signDigest(key, target, callerHeader, sha256Hex(body), now);
}

/** For a body streamed rather than held (uploads): the signature covers its SHA-256, hex. */
export function signDigest(key: string, target: SignedTarget, callerHeader: string, bodyHash: string, now = Date.now()): Record<string, string> {
  const timestamp = String(now);
  const nonce = randomBytes(18).toString('base64url');
  return {
    [CALLER_HEADER]: callerHeader,
    [TIMESTAMP_HEADER]: timestamp,
    [NONCE_HEADER]: nonce,
    [SIGNATURE_HEADER]: mac(key, target, timestamp, nonce, callerHeader, bodyHash).toString('base64url'),
  };
}

/** `reason` is for the log only: the client is told nothing more than that the request was refused. */
export type Verification = { ok: true; caller: Caller } | { ok: false; reason: string };

export interface VerifyOptions {
  key: string;
  target: SignedTarget;
  headers: Record<string, string | string[] | undefined>;
  bodyHash: string;
  replay: ReplayCache;
  now?: number;
}

export async function verifySigned({ key, target, headers, bodyHash, replay, now = Date.now() }: VerifyOptions): Promise<Verification> {
  const one = (name: string) => {
    const v = headers[name];
    return Array.isArray(v) ? v[0] : v;
  };
  const callerHeader = one(CALLER_HEADER);
  const timestamp = one(TIMESTAMP_HEADER);
  const nonce = one(NONCE_HEADER);
  const signature = one(SIGNATURE_HEADER);
  if (!callerHeader || !timestamp || !nonce || !signature) return { ok: false, reason: 'unsigned: a signature header is missing' };
  if (!/^\d{10,16}$/.test(timestamp)) return { ok: false, reason: 'malformed timestamp' };
  const age = now - Number(timestamp);
  if (age > SIGNATURE_MAX_AGE_MS) return { ok: false, reason: `stale: signed ${age} ms ago` };
  if (-age > SIGNATURE_MAX_AHEAD_MS) return { ok: false, reason: `from the future: ${-age} ms ahead` };
  if (!/^[A-Za-z0-9_-]{16,64}$/.test(nonce)) return { ok: false, reason: 'malformed nonce' };
  const expected = mac(key, target, timestamp, nonce, callerHeader, bodyHash);
  // Canonical base64url only: a signature that decodes to the right bytes but is spelled otherwise is not the one made.
  if (!/^[A-Za-z0-9_-]{43}$/.test(signature)) return { ok: false, reason: 'malformed signature' };
  const given = Buffer.from(signature, 'base64url');
  if (given.length !== expected.length || !timingSafeEqual(given, expected) || given.toString('base64url') !== signature) {
    return { ok: false, reason: `bad signature (for ${target.method} ${target.path} on ${target.subgraph}, or another key)` };
  }
  const caller = decodeCaller(callerHeader);
  if (!caller) return { ok: false, reason: 'malformed caller' };
  // Last, so that only a genuine signature takes a place in the cache: a flood of forgeries fills nothing.
  if (!(await replay.claim(`${target.subgraph}:${nonce}`, SIGNATURE_MAX_AGE_MS + SIGNATURE_MAX_AHEAD_MS))) return { ok: false, reason: 'replayed: nonce already used' };
  return { ok: true, caller };
}
