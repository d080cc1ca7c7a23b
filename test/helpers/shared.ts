// The project's shared samples, in ../shared beside the checkout: the distributor's catalog and the
// labelled chat and remark samples. A test that needs them fails when they are missing, naming the
// file, rather than skipping: CI always has them, and a green run must mean they were checked.
import { existsSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

export const SHARED_DIR = fileURLToPath(new URL('../../../shared/', import.meta.url));

/** The path of a shared file; throws, saying what is missing and where it was looked for, when absent. */
export function sharedPath(relative: string): string {
  const path = SHARED_DIR + relative;
  if (!existsSync(path)) {
    throw new Error(`${path} is missing: the tests need the project's shared samples in ../shared/ beside the checkout (see docs/testing.md)`);
  }
  return path;
}

/** A shared JSON-lines file, one object per non-blank line. */
export function sharedJsonl<T = any>(relative: string): T[] {
  return readFileSync(sharedPath(relative), 'utf8')
    .split('\n')
    .filter((l) => l.trim())
    .map((l) => JSON.parse(l) as T);
}
