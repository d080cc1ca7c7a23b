// Builds the web pages into web/dist when their sources changed, so a fresh clone's
// `npm install && npm start` serves them without a committed bundle and CI builds only when a
// test needs the pages. A stamp (SHA-256 over web/'s sources, the Vite config and the lockfile)
// says what dist was built from. Every text asset gets .br and .gz siblings the gateway sends.
//   npm run web:build            build now (whatever the stamp says)
import { spawn } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join, relative } from 'node:path';
import { brotliCompressSync, constants, gzipSync } from 'node:zlib';
import { fileURLToPath } from 'node:url';

const WEB = fileURLToPath(new URL('..', import.meta.url));
const ROOT = join(WEB, '..');
export const DIST = join(WEB, 'dist');
const STAMP = join(DIST, '.stamp');
const COMPRESSIBLE = /\.(js|mjs|css|html|svg|json|txt|map)$/;

function walk(dir: string, skip: (path: string) => boolean, out: string[] = []): string[] {
  for (const name of readdirSync(dir).sort()) {
    const path = join(dir, name);
    if (skip(path)) continue;
    if (statSync(path).isDirectory()) walk(path, skip, out);
    else out.push(path);
  }
  return out;
}

/** What dist is built from: every file under web/ but dist and the tools, and the lockfile. */
export function sourceStamp(): string {
  const hash = createHash('sha256');
  const skip = (path: string) => path === DIST || path === join(WEB, 'tools') || path.endsWith('node_modules');
  for (const file of [...walk(WEB, skip), join(ROOT, 'package-lock.json')]) {
    hash.update(relative(ROOT, file)).update('\0').update(readFileSync(file)).update('\0');
  }
  return hash.digest('hex');
}

export const isCurrent = (): boolean => existsSync(STAMP) && readFileSync(STAMP, 'utf8').trim() === sourceStamp();

function precompress(): void {
  for (const file of walk(DIST, () => false)) {
    if (!COMPRESSIBLE.test(file)) continue;
    const body = readFileSync(file);
    if (body.length < 512) continue;
    writeFileSync(`${file}.gz`, gzipSync(body, { level: 9 }));
    writeFileSync(`${file}.br`, brotliCompressSync(body, { params: { [constants.BROTLI_PARAM_QUALITY]: 10, [constants.BROTLI_PARAM_SIZE_HINT]: body.length } }));
  }
}

/** Where Vite's command line is, or null when Vite is not installed (npm ci --omit=dev). */
function viteBin(): string | null {
  try {
    return join(dirname(createRequire(import.meta.url).resolve('vite/package.json')), 'bin', 'vite.js');
  } catch {
    return null;
  }
}

/**
 * Builds unless dist is current (or `force`); says what it did. Vite runs in a child process with
 * NODE_ENV=production: given NODE_ENV=development (as `npm start` may be), Vite would make a
 * development build — Vue's dev runtime, and pages pointed at the dev server's gateway.
 */
export async function ensureWebBuilt(options: { force?: boolean; log?: (line: string) => void } = {}): Promise<{ built: boolean; ms: number }> {
  const log = options.log ?? (() => undefined);
  const started = Date.now();
  if (!options.force && isCurrent()) return { built: false, ms: 0 };
  const bin = viteBin();
  if (!bin) throw new Error('web pages are not built and Vite is not installed: run `npm install` (development dependencies included), then `npm run web:build`');
  log('Building the web pages (web/ → web/dist)…');
  const stamp = sourceStamp();
  const output: Buffer[] = [];
  const code = await new Promise<number | null>((resolve, reject) => {
    const child = spawn(process.execPath, [bin, 'build', '--config', join(WEB, 'vite.config.ts'), '--logLevel', 'warn'], {
      cwd: ROOT,
      env: { ...process.env, NODE_ENV: 'production' },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    child.stdout.on('data', (c: Buffer) => output.push(c));
    child.stderr.on('data', (c: Buffer) => output.push(c));
    child.on('error', reject);
    child.on('exit', resolve);
  });
  if (code !== 0) throw new Error(`vite build failed (exit ${code}):\n${Buffer.concat(output).toString('utf8').slice(-4000)}`);
  precompress();
  writeFileSync(STAMP, `${stamp}\n`);
  const ms = Date.now() - started;
  log(`Built the web pages in ${(ms / 1000).toFixed(1)} s`);
  return { built: true, ms };
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  await ensureWebBuilt({ force: !process.argv.includes('--if-stale'), log: console.log });
}
