// Issuing bearer tokens (HS256 JWTs signed with AUTH_JWT_SECRET): the development tokens npm start
// prints, service accounts' tokens (npm run token), and the tokens tests and benchmarks call with.
// Issuing is not the gateway's work — it only verifies (gateway/src/auth.ts) — so it lives here,
// where the programs that need a token find it without reaching into the gateway.
import { SignJWT } from 'jose';
import type { Role } from './caller.js';
import type { Config } from './config.js';

export interface AuthSettings {
  secret: string;
  jwksUrl?: string;
  issuer: string;
  audience: string;
}

/** The settings a token is issued and verified with, as configured. */
export const authSettings = (config: Pick<Config, 'AUTH_JWT_SECRET' | 'AUTH_JWKS_URL' | 'AUTH_ISSUER' | 'AUTH_AUDIENCE'>): AuthSettings => ({
  secret: config.AUTH_JWT_SECRET,
  jwksUrl: config.AUTH_JWKS_URL,
  issuer: config.AUTH_ISSUER,
  audience: config.AUTH_AUDIENCE,
});

/** Mints a development token (HS256); npm start prints one per role. A service account's names its client and has a jti. */
export async function mintToken(settings: AuthSettings, subject: string, role: Role, customerCode?: string, ttl = '30d', service?: { client: string; jti: string }): Promise<string> {
  const jwt = new SignJWT({ role, ...(customerCode ? { customerCode } : {}), ...(service ? { client_id: service.client } : {}) });
  if (service) jwt.setJti(service.jti);
  return jwt
    .setProtectedHeader({ alg: 'HS256' })
    .setSubject(subject)
    .setIssuer(settings.issuer)
    .setAudience(settings.audience)
    .setIssuedAt()
    .setExpirationTime(ttl)
    .sign(new TextEncoder().encode(settings.secret));
}
