// Shared by the bench scripts: the machine a figure was measured on, and writing results.
import { cpus, totalmem } from 'node:os';
import { mkdirSync, writeFileSync } from 'node:fs';
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
