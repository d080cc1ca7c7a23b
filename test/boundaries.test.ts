// The house's walls, read from the code's own imports: a subgraph reaches another only through a
// public entry point named in package.json#imports (`#adapters/<system>`, `#hub`, `#fulfilment`,
// `#intake`); an adapter's files are reached only through its entry point; text reading is one
// package (`#text`) read through its entry point; and nothing but the gateway itself and its tests
// reaches into `gateway/` (the programs that start one import `#gateway`). Fails the build when such
// an import returns.
//
// The imports are found and resolved the way the compiler does it, not by pattern: TypeScript's own
// scanner (`ts.preProcessFile`: static imports and re-exports, `import type`, side-effect imports,
// `import x = require()`, dynamic `import()`, whatever their layout or comments) and its module
// resolution (`ts.resolveModuleName` under each tsconfig: `.js` → `.ts`, package.json#imports,
// folders' index files). An import the compiler cannot resolve to a file is itself a failure, so a
// specifier the check does not understand cannot slip past it.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import ts from 'typescript';

const ROOT = process.cwd();

function compilerOptions(tsconfig: string): ts.CompilerOptions {
  const read = ts.readConfigFile(tsconfig, ts.sys.readFile);
  if (read.error) throw new Error(`${tsconfig}: ${ts.flattenDiagnosticMessageText(read.error.messageText, '\n')}`);
  return ts.parseJsonConfigFileContent(read.config, ts.sys, dirname(resolve(tsconfig))).options;
}
const rootOptions = compilerOptions('tsconfig.json');
const webOptions = compilerOptions('web/tsconfig.json');
const cache = ts.createModuleResolutionCache(ROOT, (f) => f, rootOptions);
const webCache = ts.createModuleResolutionCache(ROOT, (f) => f, webOptions);

/** The script of a source file: a Vue single-file component's <script> blocks, anything else whole. */
function script(file: string, text: string): string {
  if (!file.endsWith('.vue')) return text;
  return [...text.matchAll(/<script\b[^>]*>([\s\S]*?)<\/script>/g)].map((m) => m[1]).join('\n');
}

/** Every module specifier a source text names, as the compiler's scanner reads it. */
export function specifiers(file: string, text: string): string[] {
  return ts.preProcessFile(script(file, text), true, true).importedFiles.map((f) => f.fileName);
}

/**
 * The repository path an import lands on; `package` for one in node_modules (or a Node built-in);
 * null when it resolves to nothing.
 */
export function target(file: string, specifier: string): string | 'package' | null {
  const web = file.startsWith('web/src/');
  const from = join(ROOT, file);
  const found = ts.resolveModuleName(specifier, from, web ? webOptions : rootOptions, ts.sys, web ? webCache : cache).resolvedModule;
  if (found) {
    if (found.isExternalLibraryImport || found.resolvedFileName.includes('/node_modules/')) return 'package';
    return relative(ROOT, found.resolvedFileName);
  }
  if (specifier.startsWith('.')) {
    // A file the compiler does not read as a module (a .vue component, a stylesheet, JSON data).
    const path = join(dirname(from), specifier);
    return existsSync(path) ? relative(ROOT, path) : null;
  }
  if (specifier.startsWith('#')) return null;
  // A package without types the compiler could find, Node's built-ins, Vite's virtual modules: not the house's.
  return 'package';
}

const part = (path: string) => path.split('/')[0];
const subgraphOf = (path: string) => (path.startsWith('subgraphs/') ? path.split('/')[1] : null);

/** The public entry points: the files package.json#imports names (`*` standing for any one folder). */
const pkg = JSON.parse(readFileSync('package.json', 'utf8')) as { imports: Record<string, string> };
const entries = Object.values(pkg.imports).map((to) => new RegExp(`^${to.replace(/^\.\//, '').replace(/[.]/g, '\\.').replace('*', '[^/]+')}$`));
export const isEntry = (path: string) => entries.some((e) => e.test(path));

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
  // A subgraph reaches another only through a public entry point (#adapters/<system>, #hub, #fulfilment, #intake).
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

/** Every crossing and every unresolved import in one source file. */
export function check(file: string, text: string): { crossings: string[]; unresolved: string[]; targets: string[] } {
  const crossings: string[] = [];
  const unresolved: string[] = [];
  const targets: string[] = [];
  for (const specifier of specifiers(file, text)) {
    const to = target(file, specifier);
    if (to == null) {
      unresolved.push(`${file}: ${specifier} resolves to no file`);
      continue;
    }
    if (to === 'package') continue;
    targets.push(to);
    const wrong = violation(file, to);
    if (wrong) crossings.push(`${file}: ${specifier} ${wrong}`);
  }
  return { crossings, unresolved, targets };
}

const sources = execFileSync('git', ['ls-files', '-co', '--exclude-standard', '*.ts', '*.mts', '*.cts', '*.tsx', '*.vue'], { encoding: 'utf8' })
  .split('\n')
  .filter((f) => f && !f.startsWith('node_modules/') && !f.endsWith('.d.ts') && existsSync(f));

test('no import crosses a wall: adapters through their entry points, no other subgraph\'s internals, gateway/ left to its own', () => {
  const crossings: string[] = [];
  const unresolved: string[] = [];
  let adapterImports = 0;
  let gatewayEntryImports = 0;
  for (const file of sources) {
    const found = check(file, readFileSync(file, 'utf8'));
    crossings.push(...found.crossings);
    unresolved.push(...found.unresolved);
    for (const to of found.targets) {
      if (/^subgraphs\/[a-z-]+\/adapter\/index\.ts$/.test(to) && subgraphOf(file) !== subgraphOf(to)) adapterImports++;
      if (to === 'gateway/index.ts') gatewayEntryImports++;
    }
  }
  assert.deepEqual(crossings, []);
  assert.deepEqual(unresolved, []);
  // The scan reads what it should: the hub's workers do import the adapters by name, and npm start
  // and the benchmarks start their gateways through #gateway.
  assert.ok(adapterImports >= 20, `only ${adapterImports} imports of an adapter from outside its subgraph were found`);
  assert.ok(gatewayEntryImports >= 3, `only ${gatewayEntryImports} imports of #gateway were found`);
});

test('the wall check itself: each kind of crossing is caught, however it is written, and the allowed ways are not', () => {
  const order = 'subgraphs/order-link/src/linking/linker.ts';
  // Resolution, as the compiler does it.
  assert.equal(target(order, '#adapters/wms'), 'subgraphs/wms/adapter/index.ts');
  assert.equal(target(order, '../../../wms/src/loaders.js'), 'subgraphs/wms/src/loaders.ts');
  assert.equal(target(order, '../../../wms/src'), 'subgraphs/wms/src/index.ts');
  assert.equal(target('scripts/start.ts', '#gateway'), 'gateway/index.ts');
  assert.equal(target(order, 'typeorm'), 'package');
  assert.equal(target(order, './no-such-file.js'), null);
  assert.equal(target(order, '#no-such-entry'), null);
  // Every form of import the language has, whatever the layout.
  const sneaky = [
    "import { a } from './a.js';",
    'export { b } from "../b.js";',
    "import './c.js';",
    "const d = await import('./d.js');",
    "import type {\n  E, // a comment with from 'x'\n} from './e.js';",
    "export * from './f.js';",
    "import g = require('./g.js');",
    "export type { H } from './h.js';",
  ].join('\n');
  assert.deepEqual(specifiers('x.ts', sneaky).sort(), ['../b.js', './a.js', './c.js', './d.js', './e.js', './f.js', './g.js', './h.js']);
  assert.deepEqual(specifiers('x.vue', `<template><p>import './no.js'</p></template>\n<script setup lang="ts">\nimport { x } from './y.js';\n</script>`), ['./y.js']);
  // Whole files: crossings written in ways a pattern could miss are caught.
  const caught = (file: string, text: string) => check(file, text).crossings.length;
  assert.equal(caught(order, "export * from '../../../wms/src/loaders.js';"), 1);
  assert.equal(caught(order, "import type {\n  X,\n} from\n  '../../../wms/src/loaders.js';"), 1);
  assert.equal(caught(order, "const m = await import('../../../wms/src');"), 1);
  assert.equal(caught(order, "import { WmsDataSource } from '#adapters/wms';"), 0);
  assert.equal(caught('scripts/start.ts', "import { startGateway } from '#gateway';"), 0);
  assert.equal(caught('scripts/start.ts', "import('../gateway/src/server.js');"), 1);
  assert.deepEqual(check(order, "import { x } from '../../../wms/src/gone.js';").unresolved, [`${order}: ../../../wms/src/gone.js resolves to no file`]);
  // The rules.
  assert.equal(violation(order, 'subgraphs/wms/adapter/index.ts'), null);
  assert.equal(violation(order, 'subgraphs/order-link/src/lifecycle.ts'), null);
  assert.equal(violation(order, 'common/src/db.ts'), null);
  assert.match(violation(order, 'subgraphs/wms/adapter/datasource.ts')!, /import #adapters\/wms/);
  assert.match(violation(order, 'subgraphs/wms/src/loaders.ts')!, /reaches into the wms subgraph/);
  assert.match(violation(order, 'gateway/src/server.ts')!, /imports the gateway/);
  assert.match(violation('common/src/db.ts', 'gateway/src/auth.ts')!, /gateway/);
  assert.match(violation('common/src/db.ts', 'subgraphs/erp/src/server.ts')!, /depends on the erp subgraph/);
  assert.match(violation('test/unit.test.ts', 'subgraphs/erp/adapter/datasource.ts')!, /import #adapters\/erp/);
  assert.equal(violation('test/auth.test.ts', 'gateway/src/auth.ts'), null);
  assert.equal(violation('scripts/start.ts', 'subgraphs/erp/src/server.ts'), null);
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

test('the hub database has one owner: only order-link migrates it, and each table is written only by its writer in docs/architecture.md', () => {
  // The writers, as docs/architecture.md's section lists them.
  const section = readFileSync('docs/architecture.md', 'utf8').split('\n## Who owns the hub database\n')[1]?.split('\n## ')[0] ?? '';
  const writerOf = new Map<string, string>();
  for (const [, writer, cells] of section.matchAll(/^\| ([a-z-]+) \| (.+) \|$/gm)) {
    for (const [, table] of cells.matchAll(/`(hub_\w+)`/g)) {
      assert.equal(writerOf.get(table), undefined, `${table} is listed twice`);
      writerOf.set(table, writer);
    }
  }
  // Every table the migrations create is listed, and nothing else.
  const migrations = sources.filter((f) => f.startsWith('subgraphs/order-link/src/migrations/'));
  const created = migrations.flatMap((f) => [...readFileSync(f, 'utf8').matchAll(/CREATE TABLE (?:IF NOT EXISTS )?`?(hub_\w+)/g)].map((m) => m[1]));
  assert.deepEqual([...writerOf.keys()].sort(), [...new Set(created)].sort());
  // Only order-link's start-up runs migrations.
  const production = sources.filter((f) => !['test', 'bench'].includes(part(f)) && !f.includes('/migrations/'));
  assert.deepEqual(production.filter((f) => /\.runMigrations\(/.test(readFileSync(f, 'utf8'))), ['subgraphs/order-link/src/server.ts']);
  // Every write the code makes — SQL, or common/src/db.ts's insert helpers — is by the table's writer.
  // (Tests and benchmarks set up what they measure and are left out.)
  const WRITE = /\b(?:INSERT\s+(?:IGNORE\s+)?INTO|REPLACE\s+INTO|UPDATE|DELETE\s+FROM)\s+[`"]?(hub_\w+)|\b(?:insertRows|insertIgnore|insertReturningId|upsertRows)\(\s*[\w.]+\s*,\s*['"`](hub_\w+)/g;
  const wrong: string[] = [];
  const written = new Set<string>();
  for (const file of production) {
    const who = subgraphOf(file) ?? part(file);
    for (const m of readFileSync(file, 'utf8').matchAll(WRITE)) {
      const table = m[1] ?? m[2];
      written.add(table);
      if (writerOf.get(table) !== who) wrong.push(`${file} writes ${table}, whose writer is ${writerOf.get(table) ?? 'not named in docs/architecture.md'}`);
    }
  }
  assert.deepEqual(wrong, []);
  // The scan sees the writes: each table's writer is found writing it.
  assert.deepEqual([...writerOf.keys()].filter((t) => !written.has(t)), []);
});
