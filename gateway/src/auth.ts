// Bearer JWT verification (jose): HS256 with a shared secret in development, a JWKS URL in
// production. Every failure is a 401 UNAUTHENTICATED with a message a developer can act on.
// Issuing tokens is not the gateway's: common/src/tokens.ts.
import { createRemoteJWKSet, errors as joseErrors, jwtVerify, type JWTPayload } from 'jose';
import { isRole, type Caller } from '../../common/src/caller.js';
import type { AuthSettings } from '../../common/src/tokens.js';
import { HttpRefusal } from '../../common/src/http-host.js';
import { boundedCache } from '../../common/src/cache.js';

export const unauthenticated = (zh: string, en: string) => new HttpRefusal(401, 'UNAUTHENTICATED', zh, en);

export type Authenticator = (authorization: string | undefined) => Promise<Caller>;

/**
 * Verified tokens remembered, so a client's every request does not pay for the signature again:
 * until the token expires, and never longer than ten minutes (a key the provider withdrew stops
 * working within that).
 */
const VERIFIED = { max: 10_000, ttlMs: 10 * 60_000 };

export function createAuthenticator(settings: AuthSettings): Authenticator {
  const key = settings.jwksUrl ? createRemoteJWKSet(new URL(settings.jwksUrl)) : new TextEncoder().encode(settings.secret);
  const algorithms = settings.jwksUrl ? ['RS256', 'ES256', 'EdDSA'] : ['HS256'];
  const verified = boundedCache<string, Caller>(VERIFIED);
  return async (authorization) => {
    const known = authorization ? verified.get(authorization) : undefined;
    if (known) return known;
    if (!authorization) throw unauthenticated('缺少 Authorization: Bearer 令牌', 'Missing Authorization: Bearer token');
    const m = /^Bearer\s+([A-Za-z0-9_-]+\.[A-Za-z0-9_-]+\.[A-Za-z0-9_-]*)\s*$/.exec(authorization);
    if (!m) throw unauthenticated('Authorization 头格式错误，应为 "Bearer <JWT>"', 'Malformed Authorization header: expected "Bearer <JWT>"');
    let payload: JWTPayload;
    try {
      ({ payload } = await jwtVerify(m[1], key as any, { issuer: settings.issuer, audience: settings.audience, algorithms }));
    } catch (err) {
      if (err instanceof joseErrors.JWTExpired) throw unauthenticated('令牌已过期，请重新登录', 'Token expired: sign in again');
      if (err instanceof joseErrors.JWSSignatureVerificationFailed) throw unauthenticated('令牌签名无效', 'Token signature is invalid');
      if (err instanceof joseErrors.JWTClaimValidationFailed) throw unauthenticated(`令牌声明无效：${err.claim}`, `Token claim "${err.claim}" is invalid`);
      if (err instanceof joseErrors.JOSEAlgNotAllowed) throw unauthenticated('令牌签名算法不被接受', `Token algorithm is not accepted here (${algorithms.join(', ')} only)`);
      if (err instanceof joseErrors.JWKSNoMatchingKey) throw unauthenticated('找不到令牌签名所用的密钥', 'No key of the identity provider matches the token');
      throw unauthenticated('令牌无效', 'Token is invalid: not a well-formed, signed JWT');
    }
    // Verified, but jose decodes base64url leniently: a last character with other spare bits decodes
    // to the same bytes. Only the spelling that was signed is the token; another one is refused.
    if (m[1].split('.').some((part) => Buffer.from(part, 'base64url').toString('base64url') !== part)) {
      throw unauthenticated('令牌不是规范的 base64url 编码', 'Token is not in canonical base64url');
    }
    const role = payload.role;
    if (!isRole(role)) throw unauthenticated('令牌缺少有效角色', 'Token has no valid role claim');
    const customerCode = typeof payload.customerCode === 'string' ? payload.customerCode : null;
    if (role === 'customer' && !customerCode) throw unauthenticated('客户令牌缺少 customerCode', 'A customer token must carry customerCode');
    // client_id (RFC 9068) or azp names the application a service account's token was issued to; jti lets it be revoked.
    const client = typeof payload.client_id === 'string' ? payload.client_id : typeof payload.azp === 'string' ? payload.azp : null;
    const caller: Caller = {
      subject: String(payload.sub ?? 'unknown'),
      role,
      customerCode: role === 'customer' ? customerCode : null,
      client,
      tokenId: typeof payload.jti === 'string' ? payload.jti : null,
      expiresAt: typeof payload.exp === 'number' ? payload.exp * 1000 : null,
    };
    const left = typeof payload.exp === 'number' ? payload.exp * 1000 - Date.now() : 0;
    if (left > 0 && payload.nbf === undefined) verified.set(authorization, caller, { ttl: Math.min(left, VERIFIED.ttlMs) });
    return caller;
  };
}
