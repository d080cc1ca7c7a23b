// The demo's sign-in links that npm start prints: each role's page with a fresh token in the URL
// fragment (#token=…). Browsers never send a fragment to a server, so the token stays out of
// request lines, proxies and access logs; the page moves it into sessionStorage and drops it
// from the address bar.
import { DEFAULT_SEED_OPTIONS } from '../../legacy-sim/src/generator.js';
import { readManifests, registeredHash } from '../../common/src/persisted-documents.js';
import { HOME_OF, type Role } from '../src/shared/pages.js';

/** The seeded days, so the board opens on data (YYYY-MM-DD, inclusive). */
function seededDays(): { from: string; through: string } {
  const start = Date.parse(`${DEFAULT_SEED_OPTIONS.start}T00:00:00Z`);
  return { from: DEFAULT_SEED_OPTIONS.start, through: new Date(start + (DEFAULT_SEED_OPTIONS.days - 1) * 86_400_000).toISOString().slice(0, 10) };
}

export function signInLinks(graphqlUrl: string, tokens: Record<string, string>, manifests: string[]) {
  const origin = new URL(graphqlUrl).origin;
  const days = seededDays();
  const pageOf = (role: Role) => (HOME_OF[role] === '/board' ? `/board?from=${days.from}&through=${days.through}` : HOME_OF[role]);
  // People's roles have a page; a machine client's (bi) has none.
  const links = Object.entries(tokens)
    .filter(([role]) => role in HOME_OF)
    .map(([role, token]) => ({ role, url: `${origin}${pageOf(role as Role)}#token=${token}` }));
  const lines = links.map(({ role, url }) => `  ${role.padEnd(9)} ${url}`);
  if (tokens.ops) lines.push(`  GraphiQL  ${origin}/graphiql#token=${tokens.ops}   (development only; as ops)`);
  return { links, lines, orderByNumberHash: registeredHash(readManifests(manifests), 'OrderByNumber') ?? '' };
}
