// npm run token -- --role ops [--customer C00042] [--ttl 8h] [--subject name]
// npm run token -- --role bi --name powerbi-finance [--ttl 365d]
// Mints an HS256 token with AUTH_JWT_SECRET (development, or a deployment without an identity provider).
// A bi token is a service account's: long-lived, issued to a named client (client_id, which the
// gateway's logs and metrics show), with a jti that revokeToken can revoke.
import { randomUUID } from 'node:crypto';
import { loadConfig } from '../common/src/config.js';
import { ROLES, isRole } from '../common/src/caller.js';
import { authSettings, mintToken } from '../common/src/tokens.js';

const args = new Map<string, string>();
for (let i = 2; i < process.argv.length; i += 2) args.set(process.argv[i].replace(/^--/, ''), process.argv[i + 1]);
const role = args.get('role') ?? '';
const name = args.get('name');
if (!isRole(role) || (role === 'customer' && !args.get('customer')) || (role === 'bi' && !/^[\w.-]{1,64}$/.test(name ?? ''))) {
  console.error(`usage: npm run token -- --role ${ROLES.join('|')} [--customer CODE (required for customer)] [--name TOOL (required for bi: letters, digits, . - _)] [--ttl 8h] [--subject name]`);
  process.exit(2);
}
const config = loadConfig();
if (config.AUTH_JWKS_URL) console.error('note: AUTH_JWKS_URL is set, so the gateway will refuse this HS256 token');
const auth = authSettings(config);
if (role === 'bi') {
  const jti = randomUUID();
  const ttl = args.get('ttl') ?? '365d';
  console.log(await mintToken(auth, args.get('subject') ?? `svc:${name}`, role, undefined, ttl, { client: name!, jti }));
  console.error(`client ${name}, jti ${jti}, valid ${ttl}: revoke with mutation { revokeToken(jti: "${jti}", reason: "…") { created } }`);
} else {
  console.log(await mintToken(auth, args.get('subject') ?? `cli-${role}`, role, args.get('customer'), args.get('ttl') ?? '8h'));
}
