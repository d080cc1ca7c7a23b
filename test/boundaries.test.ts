// The house's walls, read from the code's own imports: a subgraph reaches another only through a
// public entry point named in package.json#imports (`#adapters/<system>`, `#hub`, `#fulfilment`); an
// adapter's files are reached only through its entry point; text reading is one package (`#text`)
// read through its entry point; and nothing but the gateway itself and its tests reaches into
// `gateway/` (the programs that start one import `#gateway`). Fails the build when such an import returns.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { dirname, join, normalize } from 'node:path';

const pkg = JSON.parse(readFileSync('package.json', 'utf8')) as { imports: Record<string, string> };

/** Every import specifier in a source text: static, re-exports, side-effect and dynamic imports. */
export function specifiers(source: string): string[] {
  const found: string[] = [];
  for (const m of source.matchAll(/(?:^|[\s;])(?:import|export)\b[^'"`;]*?\bfrom\s*['"]([^'"]+)['"]/g)) found.push(m[1]);
  for (const m of source.matchAll(/(?:^|[\s;])import\s*['"]([^'"]+)['"]/g)) found.push(m[1]);
  for (const m of source.matchAll(/\bimport\(\s*['"]([^'"]+)['"]\s*\)/g)) found.push(m[1]);
  return found;
}

/** The repository path an import lands on, or null for a package. */
export function target(file: string, specifier: string): string | null {
  if (specifier.startsWith('#')) {
    for (const [pattern, to] of Object.entries(pkg.imports)) {
      const star = pattern.indexOf('*');
      if (star < 0 ? specifier === pattern : specifier.startsWith(pattern.slice(0, star))) {
        return normalize(star < 0 ? to : to.replace('*', specifier.slice(star))).replace(/^\.\//, '');
      }
    }
    throw new Error(`${file}: ${specifier} is not in package.json#imports`);
  }
  if (!specifier.startsWith('.')) return null;
  return normalize(join(dirname(file), specifier)).replace(/\.js$/, '.ts');
}

/** The public entry points: every file package.json#imports names (`*` standing for any one folder). */
const entries = Object.values(pkg.imports).map((to) => new RegExp(`^${normalize(to).replace(/^\.\//, '').replace(/[.]/g, '\\.').replace('*', '[^/]+')}$`));
export const isEntry = (path: string) => entries.some((e) => e.test(path));

const part = (path: string) => path.split('/')[0];
const subgraphOf = (path: string) => (path.startsWith('subgraphs/') ? path.split('/')[1] : null);

/** What is wrong with `file` importing `to` (both repository paths), or null. */
export function violation(file: string, to: string): string | null {
  const from = subgraphOf(file);
  const into = subgraphOf(to);
  const adapterEntry = into != null && to === `subgraphs/${into}/adapter/index.ts`;
  const entry = isEntry(to);
  // An adapter's files are its own: everyone else goes through its entry point.
  if (into != null && to.startsWith(`subgraphs/${into}/adapter/`) && !file.startsWith(`subgraphs/${into}/adapter/`) && !adapterEntry) {
    return `reaches into the ${into} adapter's ${to}; import #adapters/${into}`;
  }
  // Text reading is one package, reached through its entry point (#text), and depends on no subgraph or gateway.
  if (to.startsWith('text/') && !file.startsWith('text/') && to !== 'text/src/index.ts' && !to.startsWith('text/lexicon/')) return `reaches into text/'s ${to}; import #text`;
  if (part(file) === 'text' && ['gateway', 'subgraphs', 'legacy-sim', 'web', 'bench', 'scripts'].includes(part(to))) return `text/ imports ${to}`;
  // A subgraph reaches another only through a public entry point (#adapters/<system>, #hub, #fulfilment).
  if (from != null && into != null && from !== into && !entry) return `reaches into the ${into} subgraph's ${to}`;
  // Shared code, the simulators and the pages depend on no subgraph's internals.
  if (['common', 'gateway', 'legacy-sim', 'web'].includes(part(file)) && into != null && !entry) return `depends on the ${into} subgraph (${to})`;
  // Nothing but the gateway and its tests reaches into gateway/: the programs that start one import #gateway.
  if (part(to) === 'gateway' && !['gateway', 'test'].includes(part(file)) && to !== 'gateway/index.ts') {
    return `imports the gateway's ${to}; import #gateway`;
  }
  // common/ is the foundation: it imports nothing above it.
  if (part(file) === 'common' && ['gateway', 'subgraphs', 'legacy-sim', 'web', 'bench', 'scripts'].includes(part(to))) return `common/ imports ${to}`;
  return null;
}

const sources = execFileSync('git', ['ls-files', '-co', '--exclude-standard', '*.ts', '*.mts', '*.vue'], { encoding: 'utf8' })
  .split('\n')
  .filter((f) => f && !f.startsWith('node_modules/'));

test('no import crosses a wall: adapters through their entry points, no other subgraph\'s internals, gateway/ left to its own', () => {
  const crossings: string[] = [];
  let adapterImports = 0;
  for (const file of sources) {
    for (const specifier of specifiers(readFileSync(file, 'utf8'))) {
      const to = target(file, specifier);
      if (to == null) continue;
      if (/^subgraphs\/[a-z-]+\/adapter\/index\.ts$/.test(to) && subgraphOf(file) !== subgraphOf(to)) adapterImports++;
      const wrong = violation(file, to);
      if (wrong) crossings.push(`${file}: ${specifier} ${wrong}`);
    }
  }
  assert.deepEqual(crossings, []);
  // The scan reads what it should: the hub's workers do import the adapters by name.
  assert.ok(adapterImports >= 20, `only ${adapterImports} imports of an adapter from outside its subgraph were found`);
});

test('the wall check itself: each kind of crossing is caught, the allowed ways are not', () => {
  const order = 'subgraphs/order-link/src/linking/linker.ts';
  assert.equal(target(order, '#adapters/wms'), 'subgraphs/wms/adapter/index.ts');
  assert.equal(target(order, '../../../wms/src/loaders.js'), 'subgraphs/wms/src/loaders.ts');
  assert.deepEqual(specifiers("import { a } from './a.js';\nexport { b } from \"../b.js\";\nimport './c.js';\nconst d = await import('./d.js');\nimport type {\n  E,\n} from './e.js';"), ['./a.js', '../b.js', './e.js', './c.js', './d.js']);
  assert.equal(violation(order, 'subgraphs/wms/adapter/index.ts'), null);
  assert.equal(violation(order, 'subgraphs/order-link/src/lifecycle.ts'), null);
  assert.equal(violation(order, 'common/src/db.ts'), null);
  assert.match(violation(order, 'subgraphs/wms/adapter/datasource.ts')!, /through|import #adapters\/wms/);
  assert.match(violation(order, 'subgraphs/wms/src/loaders.ts')!, /reaches into the wms subgraph/);
  assert.match(violation(order, 'gateway/src/supergraph.ts')!, /imports the gateway/);
  assert.match(violation('common/src/db.ts', 'gateway/src/auth.ts')!, /gateway/);
  assert.match(violation('common/src/db.ts', 'subgraphs/erp/src/server.ts')!, /depends on the erp subgraph/);
  assert.match(violation('test/unit.test.ts', 'subgraphs/erp/adapter/datasource.ts')!, /import #adapters\/erp/);
  assert.equal(violation('test/auth.test.ts', 'gateway/src/auth.ts'), null);
  assert.equal(violation('scripts/start.ts', 'subgraphs/erp/src/server.ts'), null);
  assert.equal(target('scripts/start.ts', '#gateway'), 'gateway/index.ts');
  assert.equal(violation('scripts/start.ts', 'gateway/index.ts'), null);
  assert.match(violation('scripts/start.ts', 'gateway/src/server.ts')!, /import #gateway/);
  assert.match(violation('bench/hostile.ts', 'gateway/src/limits.ts')!, /import #gateway/);
  assert.match(violation('web/tools/sign-in-links.ts', 'gateway/src/trusted-documents.ts')!, /import #gateway/);
  assert.equal(violation('subgraphs/wms/adapter/datasource.ts', 'subgraphs/wms/adapter/allocation.ts'), null);
  const pick = 'subgraphs/fulfilment/src/picking/service.ts';
  assert.equal(target(pick, '#hub'), 'subgraphs/order-link/hub.ts');
  assert.equal(violation(pick, 'subgraphs/order-link/hub.ts'), null);
  assert.match(violation(pick, 'subgraphs/order-link/src/find-order.ts')!, /reaches into the order-link subgraph/);
  assert.equal(violation(order, 'subgraphs/fulfilment/index.ts'), null);
  assert.match(violation(order, 'subgraphs/fulfilment/src/picking/store.ts')!, /reaches into the fulfilment subgraph/);
  assert.equal(target(order, '#text'), 'text/src/index.ts');
  assert.equal(violation(order, 'text/src/index.ts'), null);
  assert.match(violation(order, 'text/src/numbers.ts')!, /import #text/);
  assert.match(violation('text/src/remark.ts', 'subgraphs/order-link/src/lifecycle.ts')!, /text\/ imports/);
  assert.equal(violation('text/src/remark.ts', 'common/src/requirements.ts'), null);
});
