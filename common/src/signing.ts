// Subgraphs trust only the gateway: every gateway → subgraph request carries the caller and an
// HMAC-SHA256 over (timestamp, caller, body), checked in constant time with a bounded clock skew.
import { createHash, createHmac, timingSafeEqual } from 'node:crypto';
import { decodeCaller, type Caller } from './caller.js';

export const CALLER_HEADER = 'x-hub-caller';
export const TIMESTAMP_HEADER = 'x-hub-timestamp';
export const SIGNATURE_HEADER = 'x-hub-signature';
const MAX_SKEW_MS = 60_000;

const sha256Hex = (body: string | Buffer) => createHash('sha256').update(body).digest('hex');

function mac(secret: string, timestamp: string, caller: string, bodyHash: string): Buffer {
  return createHmac('sha256', secret).update(`${timestamp}\n${caller}\n${bodyHash}`).digest();
}

export function signRequest(secret: string, callerHeader: string, body: string, now = Date.now()): Record<string, string> {
  return signDigest(secret, callerHeader, sha256Hex(body), now);
}

/** For a body streamed rather than held (uploads): the signature covers its SHA-256, hex. */
export function signDigest(secret: string, callerHeader: string, bodyHash: string, now = Date.now()): Record<string, string> {
  const timestamp = String(now);
  return {
    [CALLER_HEADER]: callerHeader,
    [TIMESTAMP_HEADER]: timestamp,
    [SIGNATURE_HEADER]: mac(secret, timestamp, callerHeader, bodyHash).toString('base64url'),
  };
}

export type Verification = { ok: true; caller: Caller } | { ok: false; reason: string };

export function verifyRequest(secret: string, headers: Record<string, string | string[] | undefined>, body: string, now = Date.now()): Verification {
  return verifyDigest(secret, headers, sha256Hex(body), now);
}

export function verifyDigest(secret: string, headers: Record<string, string | string[] | undefined>, bodyHash: string, now = Date.now()): Verification {
  const one = (name: string) => {
    const v = headers[name];
    return Array.isArray(v) ? v[0] : v;
  };
  const callerHeader = one(CALLER_HEADER);
  const timestamp = one(TIMESTAMP_HEADER);
  const signature = one(SIGNATURE_HEADER);
  if (!callerHeader || !timestamp || !signature) return { ok: false, reason: 'unsigned request: subgraphs answer only the gateway' };
  if (!/^\d{10,16}$/.test(timestamp) || Math.abs(now - Number(timestamp)) > MAX_SKEW_MS) return { ok: false, reason: 'stale or malformed signature timestamp' };
  const expected = mac(secret, timestamp, callerHeader, bodyHash);
  const given = Buffer.from(signature, 'base64url');
  if (given.length !== expected.length || !timingSafeEqual(given, expected)) return { ok: false, reason: 'bad signature' };
  const caller = decodeCaller(callerHeader);
  if (!caller) return { ok: false, reason: 'malformed caller' };
  return { ok: true, caller };
}
