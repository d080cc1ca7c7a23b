// Shared by the bench scripts: the machine a figure was measured on, and writing results.
import { cpus, totalmem } from 'node:os';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';

export function machine(): string {
  const cpu = cpus();
  return `Node ${process.version}, ${cpu.length} × ${cpu[0]?.model.trim() ?? 'CPU'}, ${Math.round(totalmem() / 2 ** 30)} GiB, ${process.platform}`;
}

export function writeResult(file: string, markdown: string): void {
  mkdirSync(dirname(file), { recursive: true });
  writeFileSync(file, markdown);
  console.log(`\nwritten to ${file}`);
}

/** The sections of bench/results/blockers.md that bench/blocker-loaders.ts writes (bench/blockers.ts keeps them). */
export const LOADERS_HEADING = '## The document loaders before and after hub_document_candidate';

/** Replaces the section under `heading` (up to the next `## `), or adds it at the end. */
export function writeSection(file: string, heading: string, markdown: string): void {
  const current = existsSync(file) ? readFileSync(file, 'utf8') : '';
  const at = current.indexOf(`${heading}\n`);
  const end = at < 0 ? -1 : current.indexOf('\n## ', at + heading.length);
  const rest = at < 0 ? current : current.slice(0, at) + (end < 0 ? '' : current.slice(end + 1));
  writeResult(file, `${rest.trimEnd()}\n\n${markdown.trimEnd()}\n`);
}

/** What follows the first section headed `heading…` in a result file: kept when the rest is written again. */
export function sectionsFrom(file: string, heading: string): string {
  const current = existsSync(file) ? readFileSync(file, 'utf8') : '';
  const at = current.indexOf(heading);
  return at < 0 ? '' : `\n${current.slice(at)}`;
}

export const median = (xs: number[]) => {
  const s = [...xs].sort((a, b) => a - b);
  return s.length % 2 ? s[(s.length - 1) / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2;
};

/** `--name value` arguments. */
export function args(defaults: Record<string, string>): Record<string, string> {
  const out = { ...defaults };
  for (let i = 2; i < process.argv.length; i += 2) out[process.argv[i].replace(/^--/, '')] = process.argv[i + 1];
  return out;
}
