// Province / city / district and the street detail of a Chinese address written loosely
// (苏州吴中区…, 上海浦东新区…, 昆山市玉山镇…), from the @vant/area-data division codes plus the
// renames and aliases in lexicon/admin-divisions.json.
import { areaList } from '@vant/area-data';
import type { Lexicon } from './lexicon.js';
import { emptyField, field, type Field, type Span, type Unresolved } from './fields.js';

export interface Division {
  /** GB/T 2260 code: 320000 province, 320500 city, 320506 district or county-level city. */
  code: string;
  name: string;
  level: 1 | 2 | 3;
}

interface NameEntry {
  text: string;
  division: Division;
  full: boolean;
  /** Only valid right after this city (苏州 园区). */
  afterCity?: string;
}

export interface AdminIndex {
  byCode: Map<string, Division>;
  byFirstChar: Map<string, NameEntry[]>;
  serviceProvinces: Set<string>;
}

const indexes = new WeakMap<Lexicon, AdminIndex>();

export function provinceOf(d: Division, idx: AdminIndex): Division | null {
  return idx.byCode.get(d.code.slice(0, 2) + '0000') ?? null;
}
export function cityOf(d: Division, idx: AdminIndex): Division | null {
  if (d.level === 1) return null;
  if (d.level === 2) return d;
  return idx.byCode.get(d.code.slice(0, 4) + '00') ?? null;
}

function isDescendant(child: Division, parent: Division): boolean {
  if (child.level <= parent.level) return false;
  const prefix = parent.level === 1 ? parent.code.slice(0, 2) : parent.code.slice(0, 4);
  return child.code.startsWith(prefix);
}

function shortForms(name: string, level: 1 | 2 | 3): string[] {
  const out: string[] = [];
  const cut = (suffix: string) => (name.endsWith(suffix) && name.length - suffix.length >= 2 ? name.slice(0, -suffix.length) : null);
  if (/(族|自治)/.test(name) && level !== 1) {
    out.push(name.slice(0, 2));
  } else if (level === 1) {
    const m = /^(.+?)(?:壮族自治区|回族自治区|维吾尔自治区|自治区|特别行政区|省|市)$/.exec(name);
    if (m && m[1].length >= 2) out.push(m[1]);
  } else {
    for (const s of level === 2 ? ['地区', '市', '盟'] : ['新区', '林区', '区', '县', '市', '旗']) {
      const c = cut(s);
      if (c) {
        out.push(c);
        break;
      }
    }
  }
  return out;
}

export function adminIndex(lex: Lexicon): AdminIndex {
  let idx = indexes.get(lex);
  if (idx) return idx;
  const byCode = new Map<string, Division>();
  const excluded = new Set(lex.admin.excludeNames.names);
  for (const [code, name] of Object.entries(areaList.province_list)) byCode.set(code, { code, name, level: 1 });
  for (const [code, name] of Object.entries(areaList.city_list))
    if (/(市|地区|自治州|盟)$/.test(name)) byCode.set(code, { code, name, level: 2 });
  for (const [code, name] of Object.entries(areaList.county_list)) {
    // The package adds statistical zones (…90 高新区) and, for a few prefectures without
    // counties, towns; neither is a county-level division.
    if (!/(区|县|市|旗)$/.test(name) || excluded.has(name) || Number(code.slice(4)) >= 90) continue;
    byCode.set(code, { code, name, level: 3 });
  }

  const entries: NameEntry[] = [];
  const renamedAway = new Set<string>();
  const findDistrict = (city: string, district: string, file: string): Division => {
    const c = [...byCode.values()].find((d) => d.level === 2 && d.name === city);
    const d = c && [...byCode.values()].find((x) => x.level === 3 && x.name === district && isDescendant(x, c));
    if (!d) throw new Error(`lexicon admin-divisions.json: ${file} ${city}/${district} is not a known district`);
    return d;
  };
  for (const r of lex.admin.renamed.entries) {
    const target = findDistrict(r.city, r.district, 'renamed');
    const city = cityOf(target, { byCode } as AdminIndex)!;
    for (const d of byCode.values()) if (d.level === 3 && d.name === r.old && isDescendant(d, city)) renamedAway.add(d.code);
    // Only the old name as written: its short form (绍兴 for 绍兴县) usually names something else now.
    entries.push({ text: r.old, division: target, full: true });
  }
  for (const code of renamedAway) byCode.delete(code);
  for (const a of lex.admin.aliases.entries) {
    const target = findDistrict(a.city, a.district, 'aliases');
    entries.push({ text: a.alias, division: target, full: true, afterCity: a.afterCity ? target.code.slice(0, 4) + '00' : undefined });
  }
  for (const d of byCode.values()) {
    entries.push({ text: d.name, division: d, full: true });
    for (const s of shortForms(d.name, d.level)) if (!excluded.has(s)) entries.push({ text: s, division: d, full: false });
  }
  const byFirstChar = new Map<string, NameEntry[]>();
  for (const e of entries) {
    const list = byFirstChar.get(e.text[0]) ?? [];
    list.push(e);
    byFirstChar.set(e.text[0], list);
  }
  for (const list of byFirstChar.values()) list.sort((a, b) => b.text.length - a.text.length);
  idx = { byCode, byFirstChar, serviceProvinces: new Set(lex.admin.serviceRegion.provinces) };
  indexes.set(lex, idx);
  return idx;
}

interface Occurrence {
  start: number;
  end: number;
  entries: NameEntry[];
}

// A place name followed by one of these is a street (金山路, 中山北路), not a division.
const STREET_AFTER = /^(?:[东西南北中]?(?:路|街|大道|大街|巷|弄|桥|里|村|湾|公路|广场|大厦|花园|小区|新村))/;

function occurrences(norm: string, idx: AdminIndex, free: (s: number, e: number) => boolean): Occurrence[] {
  const out: Occurrence[] = [];
  for (let i = 0; i < norm.length; i++) {
    const list = idx.byFirstChar.get(norm[i]);
    if (!list) continue;
    let best: NameEntry[] = [];
    for (const e of list) {
      if (best.length && e.text.length < best[0].text.length) break;
      if (!norm.startsWith(e.text, i) || !free(i, i + e.text.length)) continue;
      if (!e.full && STREET_AFTER.test(norm.slice(i + e.text.length))) continue;
      best.push(e);
    }
    if (best.length) out.push({ start: i, end: i + best[0].text.length, entries: best });
  }
  return out;
}

interface ChainLink {
  occ: Occurrence;
  candidates: NameEntry[];
}

function buildChains(norm: string, occs: Occurrence[]): ChainLink[][] {
  const chains: ChainLink[][] = [];
  for (let s = 0; s < occs.length; s++) {
    const first = occs[s].entries.filter((e) => !e.afterCity);
    if (!first.length) continue;
    const chain: ChainLink[] = [{ occ: occs[s], candidates: first }];
    let last = chain[0];
    for (let n = s + 1; n < occs.length; n++) {
      const o = occs[n];
      if (o.start < last.occ.end) continue;
      if (!/^\s{0,2}$/.test(norm.slice(last.occ.end, o.start))) break;
      const next = o.entries.filter(
        (e) =>
          last.candidates.some((p) => isDescendant(e.division, p.division)) &&
          (!e.afterCity || last.candidates.some((p) => p.division.code === e.afterCity)),
      );
      if (!next.length) break;
      last.candidates = last.candidates.filter((p) => next.some((e) => isDescendant(e.division, p.division)));
      last = { occ: o, candidates: next };
      chain.push(last);
    }
    chains.push(chain);
  }
  return chains;
}

/** Whether `s` (normalised) is division names only (浙江温州瑞安市, 苏州吴中): a place, never a shop or a person. */
export function isPlaceName(s: string, lex: Lexicon): boolean {
  const chains = buildChains(s, occurrences(s, adminIndex(lex), () => true));
  return chains.some((c) => c[0].occ.start === 0 && c[c.length - 1].occ.end === s.length);
}

export interface AddressOptions {
  /** Positions where the street detail must end (a phone number, a label, a shop name…). */
  stops: number[];
  /** Characters already explained by something else (phones, product codes). */
  free: (start: number, end: number) => boolean;
  /** Tells whether a short run of text is a person's name, to cut it off the detail. */
  looksLikeName: (s: string) => boolean;
  /**
   * 义乌的老客户了，佛堂镇朝阳路22号: when the division is said apart from the street, take a town or
   * street with a house number written elsewhere in the message as its detail.
   */
  detached?: boolean;
}

export interface AddressResult {
  province: Field<string | null>;
  city: Field<string | null>;
  district: Field<string | null>;
  detail: Field<string | null>;
  /** From the first division name to the end of the detail. */
  span: Span | null;
  /** The division names and the detail, when the detail is written apart from them. */
  parts?: Span[];
  unresolved: Unresolved[];
}

const HARD_BREAK = /[\n\r,;。!?、()（）]/;

/**
 * Finds the address in `norm` (normalised text; `original` is used for the values as written):
 * the best chain of division names (province → city → district, any of them left out), then the
 * street detail that follows it.
 */
export function parseAddress(original: string, norm: string, lex: Lexicon, opts: AddressOptions): AddressResult {
  const idx = adminIndex(lex);
  const unresolved: Unresolved[] = [];
  const occs = occurrences(norm, idx, opts.free);
  const chains = buildChains(norm, occs);
  const labelBefore = (pos: number) => {
    const before = norm.slice(Math.max(0, pos - 6), pos).replace(/[\s:]+$/, '');
    return lex.chat.addressLabels.some((l) => before.endsWith(l));
  };

  // 欧阳明 宜兴…: a short division name (阳明) that a person's name written before it runs into is that name's.
  const inName = (link: ChainLink) => {
    const at = link.occ.start;
    if (link.candidates.some((c) => c.full) || at === 0) return false;
    for (const j of [1, 2]) for (const i of [1, 2]) if (j + i >= 2 && at - j >= 0 && opts.looksLikeName(norm.slice(at - j, at + i))) return true;
    return false;
  };
  let best: { chain: ChainLink[]; detail: { span: Span; text: string } | null; score: number } | null = null;
  for (const chain of chains) {
    const end = chain[chain.length - 1].occ.end;
    const detail = detailAfter(original, norm, end, lex, opts);
    const fulls = chain.filter((l) => l.candidates.some((c) => c.full)).length;
    const accepted = chain.length >= 2 || fulls > 0 || detail !== null || labelBefore(chain[0].occ.start);
    if (!accepted) continue;
    const score = chain.length * 10 + fulls * 3 + (detail ? 6 : 0) + (labelBefore(chain[0].occ.start) ? 2 : 0) - (inName(chain[0]) ? 8 : 0);
    if (!best || score > best.score) best = { chain, detail, score };
  }

  let detached: Span[] | null = null;
  if (opts.detached && !best?.detail) {
    // The division said apart from the street, maybe in pieces and in any order (塘下镇…，瑞安市，浙江温州):
    // the city or county-level division named, with the chains elsewhere that name what it lies in.
    let pick: { chain: ChainLink[]; pieces: Span[]; score: number } | null = null;
    for (const chain of chains) {
      const divs = uniqueDivisions(chain[chain.length - 1].candidates);
      if (divs.length !== 1 || divs[0].level < 2) continue;
      const above = chainsAbove(chains, chain, divs[0]);
      const all = [...above, chain];
      const score = all.reduce((sum, c) => sum + c.length * 10 + c.filter((l) => l.candidates.some((e) => e.full)).length * 3, 0);
      if (!pick || score > pick.score) pick = { chain: all.flat(), pieces: all.map(spanOf), score };
    }
    const apart = pick ? detachedDetail(original, norm, lex, opts, pick.pieces) : null;
    if (pick && apart) (best = { chain: pick.chain, detail: apart, score: pick.score }), (detached = pick.pieces);
  }

  if (!best) {
    // No division named: a labelled street address still goes into detail, flagged.
    for (const label of lex.chat.addressLabels) {
      for (let at = norm.indexOf(label); at >= 0; at = norm.indexOf(label, at + 1)) {
        const from = at + label.length;
        const detail = detailAfter(original, norm, from + (/^\s*:?\s*/.exec(norm.slice(from))?.[0].length ?? 0), lex, opts);
        if (detail && /[路街道巷弄号]/.test(detail.text) && /\d/.test(detail.text)) {
          unresolved.push({
            field: 'province',
            reason: 'REGION_MISSING',
            text: detail.text,
            span: detail.span,
            message: '地址未写省市区，请补充 / The address names no province, city or district; please add them',
          });
          return {
            province: emptyField(null),
            city: emptyField(null),
            district: emptyField(null),
            detail: field(detail.text, 0.6, detail.span, 'ADDRESS_LABEL'),
            span: detail.span,
            unresolved,
          };
        }
      }
    }
    const prev = lex.chat.previousAddress.map((w) => [w, norm.indexOf(w)] as const).find(([, i]) => i >= 0);
    if (prev) {
      unresolved.push({
        field: 'detail',
        reason: 'ADDRESS_NOT_GIVEN',
        text: original.slice(prev[1], prev[1] + prev[0].length),
        span: [prev[1], prev[1] + prev[0].length],
        message: '客户说用原地址，请从客户档案带出 / The customer refers to a previous address; take it from the customer record',
      });
    }
    return { province: emptyField(null), city: emptyField(null), district: emptyField(null), detail: emptyField(null), span: null, unresolved };
  }

  const { chain, detail } = best;
  const last = chain[chain.length - 1];
  let deepest = uniqueDivisions(last.candidates);
  let confidence = last.candidates.some((c) => c.full) ? 0.98 : 0.9;
  let source = 'ADMIN_TEXT';
  // 南京的老客户，鼓楼区中山路1号: a division named elsewhere in the message tells which of several it is.
  let elsewhere: Span[] = [];
  if (deepest.length > 1) {
    const named = deepest.map((d) => ({ d, above: chainsAbove(chains, chain, d) })).filter((x) => x.above.length);
    if (named.length === 1) (deepest = [named[0].d]), (elsewhere = named[0].above.map(spanOf)), (confidence = 0.8);
  }
  if (deepest.length > 1) {
    const inRegion = deepest.filter((d) => idx.serviceProvinces.has(provinceOf(d, idx)?.name ?? ''));
    if (inRegion.length === 1) {
      deepest = inRegion;
      confidence = 0.6;
      source = 'ADMIN_SERVICE_REGION';
    }
  }

  const spanOfLevel = (pick: (d: Division) => Division | null, target: Division): Span | null => {
    for (const l of chain) if (l.candidates.some((c) => pick(c.division)?.code === target.code && c.division.level === target.level)) return [l.occ.start, l.occ.end];
    return null;
  };
  const levelField = (level: 1 | 2 | 3): Field<string | null> => {
    const pick = (d: Division) => (level === 1 ? provinceOf(d, idx) : level === 2 ? cityOf(d, idx) : d.level === 3 ? d : null);
    const values = new Map<string, Division>();
    for (const d of deepest) {
      const v = pick(d);
      if (v) values.set(v.code, v);
    }
    if (values.size !== 1) return emptyField(null);
    const v = [...values.values()][0];
    // A municipality is its own province and city: 上海市 names both.
    const span = spanOfLevel((d) => d, v) ?? (level === 2 ? spanOfLevel((d) => d, provinceOf(v, idx)!) : null);
    const written = span !== null;
    if (level === 2 && !written && v.name === provinceOf(v, idx)?.name) return field(v.name, confidence, null, 'ADMIN_INFERRED');
    return field(v.name, written ? confidence : Math.min(confidence, 0.9), span, written ? source : 'ADMIN_INFERRED');
  };

  let district = levelField(3);
  if (deepest.length > 1 && deepest.some((d) => d.level === 3)) {
    district = emptyField(null);
    unresolved.push({
      field: 'district',
      reason: 'DISTRICT_AMBIGUOUS',
      text: original.slice(last.occ.start, last.occ.end),
      span: [last.occ.start, last.occ.end],
      candidates: deepest.map((d) => `${provinceOf(d, idx)?.name ?? ''}/${cityOf(d, idx)?.name ?? ''}/${d.name}`),
      message: '区县名对应多个地方，请确认 / This district name fits several places; please choose one',
    });
  }
  const province = levelField(1);
  const city = levelField(2);
  const start = chain[0].occ.start;
  const end = detail ? detail.span[1] : last.occ.end;
  if (detached && detail)
    return {
      province,
      city,
      district,
      detail: field(detail.text, 0.7, detail.span, 'DETACHED'),
      span: [Math.min(detail.span[0], ...detached.map((p) => p[0])), Math.max(detail.span[1], ...detached.map((p) => p[1]))],
      parts: [...detached, detail.span],
      unresolved,
    };
  return {
    province,
    city,
    district,
    detail: detail ? field(detail.text, /[号弄栋幢楼室层座]$/.test(detail.text) ? 0.9 : 0.7, detail.span, 'AFTER_REGION') : emptyField(null),
    span: [start, end],
    parts: elsewhere.length ? [[start, end], ...elsewhere] : undefined,
    unresolved,
  };
}

const spanOf = (chain: ChainLink[]): Span => [chain[0].occ.start, chain[chain.length - 1].occ.end];

/** Chains elsewhere in the text, apart from `chain`, naming a division `division` lies in (瑞安市 → 浙江温州); the longest where they overlap. */
function chainsAbove(chains: ChainLink[][], chain: ChainLink[], division: Division): ChainLink[][] {
  const [s, e] = spanOf(chain);
  const out: ChainLink[][] = [];
  const candidates = chains
    .filter((o) => o !== chain && o[o.length - 1].candidates.some((e) => isDescendant(division, e.division)))
    .sort((a, b) => b.length - a.length);
  for (const o of candidates) {
    const [os, oe] = spanOf(o);
    if (os < e && s < oe) continue;
    if (out.some((x) => os < spanOf(x)[1] && spanOf(x)[0] < oe)) continue;
    out.push(o);
  }
  return out.sort((a, b) => a[0].occ.start - b[0].occ.start);
}

function uniqueDivisions(entries: NameEntry[]): Division[] {
  const m = new Map<string, Division>();
  for (const e of entries) m.set(e.division.code, e.division);
  // 上海市 is both the province and the city: keep the deeper one.
  const list = [...m.values()];
  return list.filter((d) => !list.some((o) => o !== d && isDescendant(o, d)));
}

/** A town or street and a house number, starting a clause: 佛堂镇朝阳路22号, 朝阳路22号. */
const DETACHED_DETAIL = /^(?:[\u4e00-\u9fff]{1,6}(?:镇|乡|街道))?[\u4e00-\u9fffA-Z0-9]{1,10}?(?:路|街|大道|大街|巷)(?:[东西南北中]|[一二三四五六七八九十\d]段)?(?:\d+(?:-\d+)?|[一二三四五六七八九十百零〇两]+)\s?号/;

/** A street detail written in its own clause, outside the division names, when there is exactly one. */
function detachedDetail(original: string, norm: string, lex: Lexicon, opts: AddressOptions, pieces: Span[]): { span: Span; text: string } | null {
  const found: Array<{ span: Span; text: string }> = [];
  for (let i = 0; i < norm.length; i++) {
    // A clause starts after a break, a space, a colon or a closing bracket (【订单】塘下镇…).
    if (i > 0 && !HARD_BREAK.test(norm[i - 1]) && !/[\s:\]】」』》|]/.test(norm[i - 1])) continue;
    if (pieces.some((p) => i >= p[0] && i < p[1]) || /\s/.test(norm[i]) || !opts.free(i, i + 1)) continue;
    const d = detailAfter(original, norm, i, lex, opts);
    if (d && DETACHED_DETAIL.test(norm.slice(d.span[0], d.span[1]))) found.push(d), (i = d.span[1]);
  }
  return found.length === 1 ? found[0] : null;
}

/** The street detail starting at `from`: up to a break, a stop, or a space not followed by more address. */
function detailAfter(original: string, norm: string, from: number, lex: Lexicon, opts: AddressOptions): { span: Span; text: string } | null {
  let start = from;
  while (start < norm.length && /[\s:]/.test(norm[start])) start++;
  // 昆山 地址：开发区街道…, 地址是…: a label after the division names is not part of the detail.
  const label = lex.chat.addressLabels.find((l) => norm.startsWith(l, start) && /^\s*(?::|是|为)/.test(norm.slice(start + l.length)));
  if (label) start += label.length + /^\s*(?::|是|为)\s*/.exec(norm.slice(start + label.length))![0].length;
  const stops = opts.stops.filter((s) => s >= start).sort((a, b) => a - b);
  let end = start;
  while (end < norm.length) {
    if (stops.length && end >= stops[0]) break;
    const c = norm[end];
    if (HARD_BREAK.test(c) || !opts.free(end, end + 1)) break;
    if (/\s/.test(c)) {
      // 958弄 5号: a unit number after a space continues the address; so does the street after
      // a town written with a space (浏河镇 新港路1号) while no house number has been seen.
      const cont = /^\s+[0-9A-Z一二三四五六七八九十]+\s?(?:号|弄|栋|幢|楼|室|层|座|单元)/.exec(norm.slice(end));
      const word = /^\s+([^\s,;。!?、()]+)/.exec(norm.slice(end));
      const noNumberYet = !/\d+\s*(?:号|弄)/.test(norm.slice(start, end));
      // 88号 萧然汽配城2楼: a building with its floor or unit goes on after the house number too.
      const building = word !== null && /^[\u4e00-\u9fff]{2,10}(?:[0-9A-Z一二三四五六七八九十]{1,4}(?:楼|层|室)|[A-Z0-9]{1,2}区[0-9A-Z]{0,4}号?)$/.test(word[1]) && opts.free(end, end + word[0].length) && !stops.some((s) => s > end && s < end + word[0].length);
      const nextIsStreet =
        word !== null &&
        ((/[路街道巷弄]/.test(word[1]) && /\d/.test(word[1])) || lex.chat.addressContinuations.some((w) => word[1].endsWith(w))) &&
        opts.free(end, end + word[0].length) &&
        !stops.some((s) => s > end && s < end + word[0].length);
      if (cont && !stops.some((s) => s > end && s < end + cont[0].length)) end += cont[0].length;
      else if (building) end += word![0].length;
      else if (noNumberYet && nextIsStreet && end > start) {
        // 义乌的老客户 佛堂镇…: words with nothing of an address before the street are not part of it.
        if (![...norm.slice(start, end)].some((ch) => lex.chat.addressWords.has(ch) || /\d/.test(ch))) {
          start = end + word![0].length - word![1].length;
          const label = lex.chat.addressLabels.find((l) => norm.startsWith(l, start) && /^[\s:]*[^\s:]/.test(norm.slice(start + l.length)));
          if (label) start += label.length + (/^[\s:]*/.exec(norm.slice(start + label.length))?.[0].length ?? 0);
        }
        end += word![0].length;
      }
      else break;
      continue;
    }
    end++;
  }
  let text = norm.slice(start, end);
  // A name written straight after the house number (金山路88号张伟) is not part of the address.
  const lastUnit = Math.max(...[...lex.chat.addressUnits].map((u) => text.lastIndexOf(u)));
  if (lastUnit >= 0 && lastUnit < text.length - 1) {
    const tail = text.slice(lastUnit + 1);
    const lead = lex.chat.nameLeadWords.find((w) => tail.startsWith(w) && opts.looksLikeName(tail.slice(w.length)));
    if (lead || opts.looksLikeName(tail) || /^[(（)）\s]*$/.test(tail)) end = start + lastUnit + 1;
  }
  while (end > start && /[\s:(（]/.test(norm[end - 1])) end--;
  text = original.slice(start, end);
  const hasAddressWord = [...norm.slice(start, end)].some((c) => lex.chat.addressWords.has(c));
  // 南海区 佛山 广东: division names in the reverse order are no street.
  if (!text || !hasAddressWord || norm.slice(start, end).split(/\s+/).every((w) => isPlaceName(w, lex))) return null;
  return { span: [start, end], text };
}
