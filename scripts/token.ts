// npm run token -- --role ops [--customer C00042] [--ttl 8h] [--subject name]
// Mints an HS256 token with AUTH_JWT_SECRET (development, or a deployment without an identity provider).
import { loadConfig } from '../common/src/config.js';
import { ROLES, isRole } from '../common/src/caller.js';
import { mintToken } from '../gateway/src/auth.js';

const args = new Map<string, string>();
for (let i = 2; i < process.argv.length; i += 2) args.set(process.argv[i].replace(/^--/, ''), process.argv[i + 1]);
const role = args.get('role') ?? '';
if (!isRole(role) || (role === 'customer' && !args.get('customer'))) {
  console.error(`usage: npm run token -- --role ${ROLES.join('|')} [--customer CODE (required for customer)] [--ttl 8h] [--subject name]`);
  process.exit(2);
}
const config = loadConfig();
if (config.AUTH_JWKS_URL) console.error('note: AUTH_JWKS_URL is set, so the gateway will refuse this HS256 token');
console.log(await mintToken({ secret: config.AUTH_JWT_SECRET, issuer: config.AUTH_ISSUER, audience: config.AUTH_AUDIENCE }, args.get('subject') ?? `cli-${role}`, role, args.get('customer'), args.get('ttl') ?? '8h'));
