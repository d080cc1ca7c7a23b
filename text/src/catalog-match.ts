// Finds product mentions in chat text and matches them to catalog SKUs: by model code written
// loosely (NTN N204, 6205-2RS, W712/75) or by name features (brand, kind of part, product line,
// specs such as 1L, 5W-30, 24寸, 60AH), all derived from the catalog plus the lexicon words.
import type { Lexicon } from './lexicon.js';
import type { Span } from './fields.js';
import { parseNumeral } from './numbers.js';

/** A catalog SKU as the chat parser needs it. */
export interface CatalogEntry {
  code: string;
  model: string;
  nameZh: string;
  nameEn: string;
  unit: string;
  category: string;
}

export type SpecDim = 'viscosity' | 'volumeMl' | 'capacityAh' | 'inch' | 'temperature' | 'dot';

interface ItemFeatures {
  entry: CatalogEntry;
  brand: string | null;
  types: Set<string>;
  descriptors: Set<string>;
  specs: Map<SpecDim, string | number>;
  isService: boolean;
}

interface WordEntry {
  text: string;
  kind: 'brand' | 'type' | 'desc';
  key: string;
}

type CodeStrength = 'FULL' | 'PARTIAL' | 'WEAK';

export interface CatalogIndex {
  items: ItemFeatures[];
  codeKeys: Map<string, { items: number[]; strength: CodeStrength }>;
  words: Map<string, WordEntry[]>;
  typeAncestors: Map<string, string[]>;
  descAncestors: Map<string, string[]>;
  descKind: Map<string, { kind: string; strict: boolean }>;
  actionKey: string | null;
  brandAliases: Set<string>;
}

const SPEC_PATTERNS: Array<{ dim: SpecDim; re: RegExp; value: (m: RegExpExecArray) => string | number | null }> = [
  { dim: 'viscosity', re: /(?<![0-9A-Z])(\d{1,2})\s*W\s*[-/]?\s*(\d{2})(?![0-9])/g, value: (m) => `${Number(m[1])}W-${m[2]}` },
  {
    dim: 'volumeMl',
    re: /(?<![0-9A-Z.])(\d+(?:\.\d+)?)\s*(ML|毫升|L|升)(?![A-Z])/g,
    value: (m) => Math.round(Number(m[1]) * (m[2] === 'ML' || m[2] === '毫升' ? 1 : 1000)),
  },
  {
    // 四升装, 半升: Chinese numerals are only read with the Chinese unit.
    dim: 'volumeMl',
    re: /([一二两三四五六七八九十百]+|半)\s*(毫升|升)/g,
    value: (m) => {
      const n = m[1] === '半' ? 0.5 : parseNumeral(m[1]);
      return n === null ? null : Math.round(n * (m[2] === '毫升' ? 1 : 1000));
    },
  },
  { dim: 'capacityAh', re: /(?<![0-9A-Z])(\d{2,3})\s*(?:AH|安时)(?![A-Z])/g, value: (m) => Number(m[1]) },
  { dim: 'inch', re: /(?<![0-9A-Z])(\d{2})\s*(?:寸|英寸|IN(?![A-Z])|")/g, value: (m) => Number(m[1]) },
  {
    dim: 'temperature',
    re: /(?:(?:零下|负)\s*(\d{1,2})\s*(?:℃|°C|度|°)?|-\s*(\d{1,2})\s*(?:℃|°C|度|°|C(?![A-Z])))/g,
    value: (m) => -Number(m[1] ?? m[2]),
  },
  { dim: 'dot', re: /DOT\s*([345](?:\.1)?)(?![0-9])/g, value: (m) => `DOT${m[1]}` },
];

const compact = (s: string) => s.replace(/[\s\-/.]/g, '');
const upper = (s: string) => s.replace(/[a-z]/g, (c) => c.toUpperCase());
const isLatin = (c: string | undefined) => !!c && /[A-Z]/.test(c);
const isDigit = (c: string | undefined) => !!c && /[0-9]/.test(c);

export interface SpecHit {
  start: number;
  end: number;
  dim: SpecDim;
  value: string | number;
}

export function findSpecs(text: string, free: (s: number, e: number) => boolean = () => true): SpecHit[] {
  const out: SpecHit[] = [];
  for (const p of SPEC_PATTERNS) {
    p.re.lastIndex = 0;
    for (let m; (m = p.re.exec(text)); ) {
      const v = p.value(m);
      const s = m.index;
      const e = s + m[0].length;
      if (v === null || !free(s, e) || out.some((o) => o.start < e && s < o.end)) continue;
      out.push({ start: s, end: e, dim: p.dim, value: v });
    }
  }
  return out.sort((a, b) => a.start - b.start);
}

/**
 * N204/6205-2RS/6204-2Z is a list, W712/75 one code: a token with slashes that is no code is cut at
 * its slashes, and neighbouring pieces are joined again, longest first, where they make a code
 * (W712/75/C27192/1 → W712/75, C27192/1).
 */
function splitSlashList(text: string, s: number, e: number, codeKeys: Map<string, unknown>): Array<{ start: number; end: number; text: string }> {
  const whole = text.slice(s, e);
  if (!whole.includes('/') || codeKeys.has(compact(whole))) return [{ start: s, end: e, text: whole }];
  const pieces: Array<{ start: number; end: number }> = [];
  let at = s;
  for (const part of whole.split('/')) {
    pieces.push({ start: at, end: at + part.length });
    at += part.length + 1;
  }
  const out: Array<{ start: number; end: number; text: string }> = [];
  for (let i = 0; i < pieces.length; ) {
    let n = pieces.length - i;
    while (n > 1 && !codeKeys.has(compact(text.slice(pieces[i].start, pieces[i + n - 1].end)))) n--;
    const piece = { start: pieces[i].start, end: pieces[i + n - 1].end };
    out.push({ ...piece, text: text.slice(piece.start, piece.end) });
    i += n;
  }
  // 205/55R16 (a tyre size) names no code on either side: it stays one token.
  return out.some((t) => codeKeys.has(compact(t.text))) ? out : [{ start: s, end: e, text: whole }];
}

function maskSpans(text: string, spans: Array<{ start: number; end: number }>): string {
  let t = text;
  for (const s of spans) t = t.slice(0, s.start) + ' '.repeat(s.end - s.start) + t.slice(s.end);
  return t;
}

interface WordHit {
  start: number;
  end: number;
  entry: WordEntry;
}

/** Longest-match scan for lexicon words; Latin words must stand alone (NTN, not the NTN in MINTNX). */
function scanWords(text: string, words: Map<string, WordEntry[]>, free: (s: number, e: number) => boolean): WordHit[] {
  const out: WordHit[] = [];
  for (let i = 0; i < text.length; ) {
    const list = words.get(text[i]);
    let hit: WordEntry[] = [];
    if (list && free(i, i + 1)) {
      for (const w of list) {
        if (hit.length && w.text.length < hit[0].text.length) break;
        if (!text.startsWith(w.text, i) || !free(i, i + w.text.length)) continue;
        const first = w.text[0];
        const last = w.text[w.text.length - 1];
        const before = text[i - 1];
        const after = text[i + w.text.length];
        if ((isLatin(first) || isDigit(first)) && (isLatin(before) || isDigit(before))) continue;
        if (isLatin(last) && isLatin(after)) continue;
        if (isDigit(last) && isDigit(after)) continue;
        hit.push(w);
      }
    }
    if (hit.length) {
      for (const w of hit) out.push({ start: i, end: i + w.text.length, entry: w });
      i += hit[0].text.length;
    } else i++;
  }
  return out;
}

const indexes = new WeakMap<CatalogEntry[], WeakMap<Lexicon, CatalogIndex>>();

export function catalogIndex(catalog: CatalogEntry[], lex: Lexicon): CatalogIndex {
  let byLex = indexes.get(catalog);
  const found = byLex?.get(lex);
  if (found) return found;

  const words = new Map<string, WordEntry[]>();
  const addWord = (w: WordEntry) => {
    const list = words.get(w.text[0]) ?? [];
    list.push(w);
    words.set(w.text[0], list);
  };
  const brandAliases = new Set<string>();
  for (const b of lex.brands)
    for (const a of b.aliases) {
      addWord({ text: a, kind: 'brand', key: b.key });
      brandAliases.add(compact(a));
    }
  for (const t of lex.partTypes) for (const s of t.synonyms) addWord({ text: s, kind: 'type', key: t.type });
  for (const d of lex.descriptors) for (const s of d.synonyms) addWord({ text: s, kind: 'desc', key: d.key });
  for (const list of words.values()) list.sort((a, b) => b.text.length - a.text.length);

  const ancestors = <T extends { parent: string | null }>(all: Map<string, T>, key: string) => {
    const out = [key];
    for (let p = all.get(key)?.parent; p && !out.includes(p); p = all.get(p)?.parent) out.push(p);
    return out;
  };
  const typeMap = new Map(lex.partTypes.map((t) => [t.type, t]));
  const descMap = new Map(lex.descriptors.map((d) => [d.key, d]));
  const typeAncestors = new Map(lex.partTypes.map((t) => [t.type, ancestors(typeMap, t.type)]));
  const descAncestors = new Map(lex.descriptors.map((d) => [d.key, ancestors(descMap, d.key)]));
  const descKind = new Map(lex.descriptors.map((d) => [d.key, { kind: d.kind, strict: d.strict }]));
  const actionKey = lex.descriptors.find((d) => d.kind === 'action')?.key ?? null;

  const items: ItemFeatures[] = catalog.map((entry) => {
    const names = upper(`${entry.nameZh} ${entry.nameEn} ${entry.model}`);
    const hits = scanWords(names, words, () => true);
    const brand = hits.find((h) => h.entry.kind === 'brand')?.entry.key ?? null;
    const types = new Set(hits.filter((h) => h.entry.kind === 'type').flatMap((h) => typeAncestors.get(h.entry.key) ?? []));
    const descriptors = new Set(hits.filter((h) => h.entry.kind === 'desc').flatMap((h) => descAncestors.get(h.entry.key) ?? []));
    const isService = entry.category === 'service';
    if (isService && actionKey) descriptors.add(actionKey);
    else if (actionKey) descriptors.delete(actionKey);
    const specs = new Map<SpecDim, string | number>();
    for (const s of findSpecs(names)) if (!specs.has(s.dim)) specs.set(s.dim, s.value);
    return { entry, brand, types, descriptors, specs, isService };
  });

  const codeKeys = new Map<string, { items: number[]; strength: CodeStrength }>();
  const addKey = (key: string, i: number, strength: CodeStrength) => {
    if (key.length < 2 || !/\d/.test(key) || brandAliases.has(key)) return;
    const s: CodeStrength = strength === 'FULL' && /^\d+$/.test(key) && key.length < 5 ? 'WEAK' : strength;
    const cur = codeKeys.get(key);
    if (!cur) codeKeys.set(key, { items: [i], strength: s });
    else {
      if (!cur.items.includes(i)) cur.items.push(i);
      if (rank(s) > rank(cur.strength)) cur.strength = s;
    }
  };
  catalog.forEach((entry, i) => {
    const model = upper(entry.model);
    addKey(compact(model), i, 'FULL');
    const codeOf = (raw: string) => {
      const stripped = maskSpans(raw, findSpecs(raw));
      const segments = stripped
        .split(/[-\s]+/)
        .map((s) => s.trim())
        .filter((s) => s && !brandAliases.has(compact(s)));
      return segments;
    };
    const segments = codeOf(model);
    const joined = compact(segments.join(''));
    if (joined.length >= 3) addKey(joined, i, 'FULL');
    for (const seg of segments) {
      const c = compact(seg);
      if (c !== joined && isPartialKey(c)) addKey(c, i, 'PARTIAL');
      const head = /^[A-Z]*\d+/.exec(c)?.[0];
      if (head && head !== c && head.length >= 4) addKey(head, i, 'PARTIAL');
      for (const part of seg.split('/')) if (part !== seg && isPartialKey(compact(part))) addKey(compact(part), i, 'PARTIAL');
    }
    // Codes printed in the names (NTN圆柱滚子轴承N204, 瓦尔塔蓄电池60Ah L2-400).
    const names = upper(`${entry.nameZh} ${entry.nameEn}`);
    const stripped = maskSpans(names, findSpecs(names));
    for (const m of stripped.matchAll(/[A-Z0-9](?:[A-Z0-9]|[-/.](?=[A-Z0-9]))*/g)) {
      const c = compact(m[0]);
      if (brandAliases.has(c)) continue;
      if (c.length >= 4 && /\d/.test(c)) addKey(c, i, 'FULL');
      else if (isPartialKey(c)) addKey(c, i, 'PARTIAL');
    }
  });

  const idx: CatalogIndex = { items, codeKeys, words, typeAncestors, descAncestors, descKind, actionKey, brandAliases };
  if (!byLex) indexes.set(catalog, (byLex = new WeakMap()));
  byLex.set(lex, idx);
  return idx;
}

const rank = (s: CodeStrength) => (s === 'FULL' ? 3 : s === 'PARTIAL' ? 2 : 1);

/** A short piece of a model that still points at one SKU: 6205, W712, H7, D1S (not 2RS or 25). */
function isPartialKey(c: string): boolean {
  if (!/\d/.test(c)) return false;
  if (c.length >= 4) return true;
  return c.length >= 2 && /^[A-Z]/.test(c);
}

export type HitKind = 'code' | 'unknownCode' | 'brand' | 'type' | 'desc' | 'spec';

export interface ProductHit {
  start: number;
  end: number;
  kind: HitKind;
  key: string;
  dim?: SpecDim;
  value?: string | number;
  items?: number[];
  strength?: CodeStrength;
}

/**
 * Every piece of product evidence in `text` (normalised, other extractors' spans masked):
 * codes, brands, kinds of part, lines, specs. `isCustomerCode` keeps customer numbers out.
 */
export function findProductHits(
  text: string,
  idx: CatalogIndex,
  free: (s: number, e: number) => boolean,
  isCustomerCode: (token: string) => boolean = () => false,
): ProductHit[] {
  const hits: ProductHit[] = [];
  const taken = new Uint8Array(text.length);
  const freeHere = (s: number, e: number) => {
    if (!free(s, e)) return false;
    for (let i = s; i < e; i++) if (taken[i]) return false;
    return true;
  };
  const take = (s: number, e: number) => taken.fill(1, s, e);

  for (const s of findSpecs(text, freeHere)) {
    hits.push({ start: s.start, end: s.end, kind: 'spec', key: s.dim, dim: s.dim, value: s.value });
    take(s.start, s.end);
  }

  // Latin/digit tokens, joined across single spaces or dashes to catch "NTN N204", "6205 2RS".
  const count = /^(?:个|只|套|瓶|桶|条|支|根|片|副|台|次|件|块|张|罐|听|箱|盒|包|提|PCS|PC)/;
  const tokens: Array<{ start: number; end: number; text: string }> = [];
  for (const m of text.matchAll(/[A-Z0-9](?:[A-Z0-9]|[-/.](?=[A-Z0-9]))*/g)) {
    const s = m.index!;
    let e = s + m[0].length;
    if (!freeHere(s, e)) continue;
    // W712/75X20: a quantity typed straight after the code.
    const times = /X\d{1,4}$/.exec(m[0]);
    if (times && times.index > 0 && !idx.codeKeys.has(compact(m[0])) && idx.codeKeys.has(compact(m[0].slice(0, times.index)))) e = s + times.index;
    // CU29396个, IK20TT10个, 3434593个: the quantity typed straight after the code, before its unit.
    const glued = /(?<=\d)PCS?$/.exec(m[0]);
    const core = glued ? m[0].slice(0, glued.index) : m[0];
    if (e === s + m[0].length && !idx.codeKeys.has(compact(m[0])) && (glued || count.test(text.slice(e))))
      for (let k = 1; k <= 3 && k < core.length - 2; k++) {
        const head = core.slice(0, core.length - k);
        const key = idx.codeKeys.get(compact(head));
        if (/^\d+$/.test(core.slice(-k)) && !/[-/.]$/.test(head) && key && key.strength !== 'WEAK') {
          e = s + head.length;
          break;
        }
      }
    tokens.push(...splitSlashList(text, s, e, idx.codeKeys));
  }
  // DOT4 1L, DOT4 500ML: a model whose parts read as specs (DOT4, 1L) when written apart — the specs were taken first;
  // parts next to each other (a space or a dash between) that make a whole catalog model are the product.
  const pieces = [...hits.filter((h) => h.kind === 'spec'), ...tokens.filter((t) => !hits.some((h) => h.start < t.end && t.start < h.end))].sort((a, b) => a.start - b.start);
  for (let i = 0; i + 1 < pieces.length; i++) {
    for (let n = Math.min(3, pieces.length - i); n >= 2; n--) {
      const group = pieces.slice(i, i + n);
      if (group.some((g, j) => j > 0 && !/^[\s-]?$/.test(text.slice(group[j - 1].end, g.start)))) continue;
      const [s0, e0] = [group[0].start, group[n - 1].end];
      const key = compact(text.slice(s0, e0));
      const found = idx.codeKeys.get(key);
      if (!found || found.strength !== 'FULL' || !free(s0, e0)) continue;
      for (const g of group) if (hits.includes(g as ProductHit)) hits.splice(hits.indexOf(g as ProductHit), 1);
      taken.fill(0, s0, e0);
      hits.push({ start: s0, end: e0, kind: 'code', key, items: found.items, strength: found.strength });
      take(s0, e0);
      i += n - 1;
      break;
    }
  }
  for (let i = 0; i < tokens.length; i++) {
    let matched = false;
    for (let n = Math.min(3, tokens.length - i); n >= 1 && !matched; n--) {
      const group = tokens.slice(i, i + n);
      if (group.some((t, j) => j > 0 && !/^[\s-]?$/.test(text.slice(group[j - 1].end, t.start)))) continue;
      const key = compact(group.map((t) => t.text).join(''));
      const found = idx.codeKeys.get(key);
      if (!found || (n > 1 && found.strength !== 'FULL')) continue;
      const start = group[0].start;
      const end = group[n - 1].end;
      // A plain number right before a unit is a quantity (10个), not a code.
      if (/^\d+$/.test(key) && count.test(text.slice(end))) continue;
      hits.push({ start, end, kind: 'code', key, items: found.items, strength: found.strength });
      take(start, end);
      i += n - 1;
      matched = true;
    }
  }

  for (const w of scanWords(text, idx.words, freeHere)) {
    hits.push({ start: w.start, end: w.end, kind: w.entry.kind, key: w.entry.key });
    take(w.start, w.end);
  }

  // Code-like tokens that match nothing: a product we do not stock, if a quantity or a part word
  // stands next to them (the caller decides); customer numbers and pure letters are not products.
  for (const t of tokens) {
    if (!freeHere(t.start, t.end)) continue;
    const c = compact(t.text);
    if (c.length < 4 || !/\d/.test(c) || isCustomerCode(c) || idx.brandAliases.has(c)) continue;
    // X20, 4PCS: a quantity written in Latin letters, not a product code.
    if (/^[X*]\d+$/.test(c) || /^\d+(?:PCS|PC)$/.test(c)) continue;
    if (/^\d+$/.test(c) && (c.length < 4 || count.test(text.slice(t.end)))) continue;
    hits.push({ start: t.start, end: t.end, kind: 'unknownCode', key: c });
  }

  hits.sort((a, b) => a.start - b.start || a.end - b.end);
  // 前/后 only count right before a part word, 换/更换/做 only right next to one.
  return hits.filter((h, i) => {
    if (h.kind !== 'desc') return true;
    const kind = idx.descKind.get(h.key)?.kind;
    const next = hits.slice(i + 1).find((o) => o.start >= h.end);
    const prev = [...hits.slice(0, i)].reverse().find((o) => o.end <= h.start);
    if (kind === 'position') return next?.kind === 'type' && next.start === h.end;
    if (kind === 'action')
      return (next?.kind === 'type' && next.start - h.end <= 1) || (prev?.kind === 'type' && h.start - prev.end <= 1);
    return true;
  });
}

export interface ProductCluster {
  hits: ProductHit[];
  span: Span;
  /** Catalog indexes that fit every hit. */
  candidates: number[];
  /** How the match was made: CATALOG_CODE, CATALOG_NAME, INHERITED (a spec after a sibling). */
  source: string;
  confidence: number;
  /** Only part words, no brand, code or spec: a context word unless a quantity belongs to it. */
  weak: boolean;
  /** Only specs / lines (the 19寸 in 24寸 19寸各30支): needs the product before it. */
  specOnly: boolean;
  /** A service word (更换, 做) next to the part word was kept: the mention is of a service. */
  hasAction: boolean;
}

const SINGLE_DIMS: HitKind[] = ['brand', 'code', 'spec'];
const GAP_OK = /^[\s的装牌款型用/(（-]{0,3}$/;

function filterItems(idx: CatalogIndex, hits: ProductHit[], from?: number[]): number[] {
  let cands = from ?? idx.items.map((_, i) => i);
  for (const h of hits) {
    if (h.kind === 'code') cands = cands.filter((i) => h.items!.includes(i));
    else if (h.kind === 'unknownCode') cands = [];
    else if (h.kind === 'brand') cands = cands.filter((i) => idx.items[i].brand === h.key);
    else if (h.kind === 'type') cands = cands.filter((i) => idx.items[i].types.has(h.key));
    else if (h.kind === 'desc') {
      if (idx.descKind.get(h.key)?.strict) cands = cands.filter((i) => idx.items[i].descriptors.has(h.key));
    } else if (h.kind === 'spec') cands = cands.filter((i) => idx.items[i].specs.get(h.dim!) === h.value);
  }
  return cands;
}

function conflicts(cluster: ProductHit[], h: ProductHit): boolean {
  if (!SINGLE_DIMS.includes(h.kind)) return false;
  return cluster.some((o) => o.kind === h.kind && (h.kind !== 'spec' || o.dim === h.dim) && o.key + o.value !== h.key + h.value);
}

/** Groups hits into product mentions and resolves each against the catalog. */
export function clusterProducts(text: string, hits: ProductHit[], idx: CatalogIndex): ProductCluster[] {
  const groups: ProductHit[][] = [];
  for (const h of hits) {
    const cur = groups[groups.length - 1];
    const last = cur?.[cur.length - 1];
    const gap = cur ? text.slice(last!.end, h.start) : '';
    // A code usually closes a mention, so a few unknown words before it still belong to it
    // (布雷博前片P85020, 曼牌的机滤W712/75).
    const wordsBeforeCode =
      h.kind === 'code' && !cur?.some((o) => o.kind === 'code') && /^[\u4e00-\u9fff]{1,3}$/.test(gap) && !/[零〇一二两俩三四五六七八九十百千几]/.test(gap);
    let join = !!cur && (GAP_OK.test(gap) || wordsBeforeCode) && !conflicts(cur, h);
    if (join && (h.kind === 'type' || h.kind === 'brand')) {
      const complete = cur.some((o) => o.kind === 'type' || o.kind === 'code');
      const before = filterItems(idx, cur);
      if (complete && before.length && !filterItems(idx, [...cur, h]).length) join = false;
    }
    if (join) cur.push(h);
    else groups.push([h]);
  }

  const clusters: ProductCluster[] = [];
  for (const g of groups) {
    const hasAction = g.some((h) => h.kind === 'desc' && idx.descKind.get(h.key)?.kind === 'action');
    let hits = g;
    let cands = filterItems(idx, hits);
    if (!cands.length && hasAction) {
      hits = g.filter((h) => !(h.kind === 'desc' && idx.descKind.get(h.key)?.kind === 'action'));
      cands = filterItems(idx, hits);
    }
    // 布雷博前刹车盘09.A820.11: a full model code outweighs a word the catalog name does not carry (前).
    if (!cands.length && g.some((h) => h.kind === 'code' && h.strength === 'FULL')) {
      const core = g.filter((h) => h.kind === 'code' || h.kind === 'brand' || h.kind === 'spec');
      const byCode = filterItems(idx, core);
      if (byCode.length === 1) (cands = byCode), (hits = g);
    }
    const has = (k: HitKind) => hits.some((h) => h.kind === k);
    const lineOnly = hits.every((h) => h.kind === 'spec' || (h.kind === 'desc' && idx.descKind.get(h.key)?.kind === 'line'));
    const weakCodeOnly = hits.every((h) => (h.kind === 'code' && h.strength === 'WEAK') || h.kind === 'spec');
    if (weakCodeOnly && has('code')) continue;
    const codeHit = hits.find((h) => h.kind === 'code');
    let confidence = codeHit ? (codeHit.strength === 'FULL' ? 0.95 : 0.75) : has('brand') && (has('type') || has('spec')) ? 0.85 : 0.7;
    // Rank by the non-strict qualities (全合成, 长效) when they single one SKU out.
    if (cands.length > 1) {
      const soft = hits.filter((h) => h.kind === 'desc' && !idx.descKind.get(h.key)?.strict);
      if (soft.length) {
        const score = (i: number) => soft.filter((h) => idx.items[i].descriptors.has(h.key)).length;
        const top = Math.max(...cands.map(score));
        const best = cands.filter((i) => score(i) === top);
        if (top > 0 && best.length === 1) (cands = best), (confidence = 0.6);
      }
    }
    clusters.push({
      hits,
      span: [g[0].start, g[g.length - 1].end],
      candidates: cands,
      source: codeHit ? 'CATALOG_CODE' : 'CATALOG_NAME',
      confidence,
      weak: !has('brand') && !has('code') && !has('unknownCode') && !has('spec') && !hasAction,
      specOnly: lineOnly && !has('brand') && !has('type') && !has('code'),
      hasAction: hasAction && hits.length === g.length,
    });
  }

  // 24寸 19寸各30支: a cluster of specs alone takes the rest from the product just before it.
  for (let i = 1; i < clusters.length; i++) {
    const c = clusters[i];
    const prev = clusters[i - 1];
    if (!c.specOnly || /[\n。;]/.test(text.slice(prev.span[1], c.span[0])) || c.span[0] - prev.span[1] > 14) continue;
    if (!prev.hits.some((h) => h.kind === 'brand' || h.kind === 'type')) continue;
    const inherited = prev.hits.filter(
      (h) => h.kind !== 'code' && !c.hits.some((o) => o.kind === h.kind && (o.kind !== 'spec' || o.dim === h.dim) && (o.kind !== 'desc' || o.key === h.key)),
    );
    let cands = filterItems(idx, [...inherited, ...c.hits]);
    // -35℃ 4L的8桶 跟 1L的12瓶: when no item has every spec inherited, the product alone is (the 1L coolant is -25℃).
    if (!cands.length) {
      const product = inherited.filter((h) => h.kind === 'brand' || h.kind === 'type');
      cands = filterItems(idx, [...product, ...c.hits]);
      if (cands.length === 1) inherited.splice(0, inherited.length, ...product);
      else cands = [];
    }
    if (!cands.length) continue;
    c.candidates = cands;
    c.source = 'INHERITED';
    c.confidence = 0.8;
    // -35℃的4L ×15，-25℃的1L ×30: the next spec inherits through this one.
    c.hits = [...inherited, ...c.hits];
  }
  return clusters;
}
