// The electronic seal of a packed outbound: what was packed (order no., SKUs with batches and
// quantities), by whom and when, hashed with SHA-256 over a canonical JSON so that anyone can
// recompute it. t_seal_log.seal_no in WMS carries the first 38 hex digits of the hash, the hub
// keeps the content and the full hash: changing the goods recorded in WMS, the hub's copy or the
// seal number afterwards shows up in verifySeal. Pure.
import { createHash } from 'node:crypto';
import canonicalize from 'canonicalize';
import type { Bilingual } from '../../../../common/src/errors.js';

export const SEAL_VERSION = 1;

export interface SealLine {
  skuCode: string;
  batchNo: string;
  quantity: number;
}

export interface SealContent {
  version: number;
  outboundNo: string;
  erpOrderNo: string;
  warehouseCode: string;
  packer: string;
  /** ISO 8601 with +08:00, to the second (t_seal_log.seal_time). */
  sealedAt: string;
  /** One entry per SKU and batch, sorted by SKU then batch. */
  lines: SealLine[];
}

/** The content of a seal: picked quantities summed per SKU and batch (bins do not matter to a customer). */
export function sealContent(args: {
  outboundNo: string;
  erpOrderNo: string;
  warehouseCode: string;
  packer: string;
  sealedAt: string;
  lines: readonly { skuCode: string; batchNo: string; pickedQuantity: number }[];
}): SealContent {
  const sums = new Map<string, SealLine>();
  for (const l of args.lines) {
    const key = `${l.skuCode}\u0000${l.batchNo}`;
    const entry = sums.get(key) ?? { skuCode: l.skuCode, batchNo: l.batchNo, quantity: 0 };
    entry.quantity += l.pickedQuantity;
    sums.set(key, entry);
  }
  const lines = [...sums.values()]
    .filter((l) => l.quantity > 0)
    .sort((a, b) => (a.skuCode < b.skuCode ? -1 : a.skuCode > b.skuCode ? 1 : a.batchNo < b.batchNo ? -1 : a.batchNo > b.batchNo ? 1 : 0));
  return {
    version: SEAL_VERSION,
    outboundNo: args.outboundNo,
    erpOrderNo: args.erpOrderNo,
    warehouseCode: args.warehouseCode,
    packer: args.packer,
    sealedAt: args.sealedAt,
    lines,
  };
}

/**
 * RFC 8785, the JSON Canonicalization Scheme (keys sorted by UTF-16 code units at every level, no
 * whitespace, ECMAScript number and string forms): one text per value, recomputable in any
 * language with a JCS library. Seals made before it came in hash the same text
 * (test/fixtures/seals-before-rfc8785.json).
 */
export function canonicalJson(value: unknown): string {
  const text = canonicalize(value);
  if (text === undefined) throw new TypeError('a seal has content');
  return text;
}

export const sha256Hex = (text: string) => createHash('sha256').update(text, 'utf8').digest('hex');

/** t_seal_log.seal_no is VARCHAR(40): `SL` and the first 38 hex digits of the hash. */
export const sealNoOf = (hash: string) => `SL${hash.slice(0, 38).toUpperCase()}`;

export function sealOf(content: SealContent): { canonical: string; hash: string; sealNo: string } {
  const canonical = canonicalJson(content);
  const hash = sha256Hex(canonical);
  return { canonical, hash, sealNo: sealNoOf(hash) };
}

export type SealProblemCode = 'HASH_MISMATCH' | 'SEAL_NO_MISMATCH' | 'CONTENT_CHANGED' | 'SEAL_LOG_MISSING';

export interface SealProblem extends Bilingual {
  code: SealProblemCode;
}

export interface SealVerification {
  valid: boolean;
  /** SHA-256 of the content as WMS shows it now. */
  recomputedHash: string;
  problems: SealProblem[];
}

/**
 * Checks a seal three ways: the hub's content still hashes to the hub's hash; WMS's seal number is
 * that hash's; and the goods, packer and time WMS shows now are the ones sealed.
 */
export function verifySeal(stored: { content: string; hash: string }, wmsSealNo: string | null, current: SealContent): SealVerification {
  const problems: SealProblem[] = [];
  const now = sealOf(current);
  if (sha256Hex(stored.content) !== stored.hash) {
    problems.push({ code: 'HASH_MISMATCH', zh: '封签内容与其哈希不符：记录被改动过', en: 'The sealed content no longer matches its hash: the record was altered' });
  }
  if (wmsSealNo == null) {
    problems.push({ code: 'SEAL_LOG_MISSING', zh: 'WMS 中没有这张封签的记录（t_seal_log）', en: 'WMS holds no record of this seal (t_seal_log)' });
  } else if (wmsSealNo !== sealNoOf(stored.hash)) {
    problems.push({ code: 'SEAL_NO_MISMATCH', zh: `WMS 封签号 ${wmsSealNo} 与封签哈希不符`, en: `WMS seal no. ${wmsSealNo} does not match the seal's hash` });
  }
  if (now.canonical !== stored.content) {
    const changes = describeChanges(safeParse(stored.content), current);
    problems.push({
      code: 'CONTENT_CHANGED',
      zh: `封箱后 WMS 记录已变：${changes.zh.join('；') || '内容不同'}`,
      en: `WMS records changed after sealing: ${changes.en.join('; ') || 'content differs'}`,
    });
  }
  return { valid: problems.length === 0, recomputedHash: now.hash, problems };
}

function safeParse(text: string): Partial<SealContent> {
  try {
    return JSON.parse(text) as SealContent;
  } catch {
    return {};
  }
}

function describeChanges(before: Partial<SealContent>, after: SealContent): { zh: string[]; en: string[] } {
  const zh: string[] = [];
  const en: string[] = [];
  const key = (l: SealLine) => `${l.skuCode} ${l.batchNo}`;
  const was = new Map((before.lines ?? []).map((l) => [key(l), l.quantity]));
  const is = new Map(after.lines.map((l) => [key(l), l.quantity]));
  for (const k of new Set([...was.keys(), ...is.keys()])) {
    const a = was.get(k) ?? 0;
    const b = is.get(k) ?? 0;
    if (a !== b) {
      zh.push(`${k} 封箱 ${a}，现为 ${b}`);
      en.push(`${k} sealed ${a}, now ${b}`);
    }
  }
  if (before.packer !== after.packer) (zh.push(`封箱人 ${before.packer} → ${after.packer}`), en.push(`packer ${before.packer} → ${after.packer}`));
  if (before.sealedAt !== after.sealedAt) (zh.push(`封箱时间 ${before.sealedAt} → ${after.sealedAt}`), en.push(`sealed at ${before.sealedAt} → ${after.sealedAt}`));
  return { zh, en };
}
