// Quick order draft from a pasted WeChat message: contact, mobile, address, items with
// quantities, delivery hint, shop name and known customer, each with confidence and span;
// anything mentioned but not resolved is listed in `unresolved`, never guessed silently.
import { defaultLexicon, normalizeText, type Lexicon } from './lexicon.js';
import { emptyField, field, SpanMask, type Field, type Span, type Unresolved } from './fields.js';
import { isPlaceName, parseAddress } from './address.js';
import { catalogIndex, clusterProducts, findProductHits, type CatalogEntry, type ProductCluster } from './catalog-match.js';
import { findQuantities, type QuantityMatch } from './numbers.js';

export type { CatalogEntry } from './catalog-match.js';

export interface KnownCustomer {
  code: string;
  name: string;
  phone?: string | null;
}

export interface ChatDraftContext {
  catalog: CatalogEntry[];
  customers?: KnownCustomer[];
  /** Defaults to the lexicon in text/lexicon/. */
  lexicon?: Lexicon;
}

export interface DraftItem {
  /** Catalog model, e.g. `NTN-N204`; the span covers the product as written. */
  model: Field<string>;
  /** Pieces in the catalog unit; null when the text gives none or a pack without its size. */
  qty: Field<number | null>;
  sku: { code: string; nameZh: string; unit: string };
}

export interface ChatDraft {
  contactName: Field<string | null>;
  /** 11 digits, no separators or +86. */
  mobile: Field<string | null>;
  province: Field<string | null>;
  city: Field<string | null>;
  district: Field<string | null>;
  detail: Field<string | null>;
  items: DraftItem[];
  deliveryHint: Field<string | null>;
  customerHint: Field<string | null>;
  customer: Field<{ code: string; name: string } | null>;
  /** Leftover requests (发票, 到了打电话 …), each clause as written. */
  remarks: Array<Field<string>>;
  unresolved: Unresolved[];
}

// Digits of one number are never split across lines (×11⏎713610100 is a quantity and a code).
// 1 8 9 6 2 7 0 5 5 3 1, 1-8-9-…: a separator may stand between any two digits, on one line.
const MOBILE_PREFIX = String.raw`(?:\(?\+?86\)?[ \t-]?)?`;
const MOBILE_NUMBER = String.raw`1[ \t-]?[3-9](?:[ \t-]?[0-9]){9}`;
const MOBILE = new RegExp(String.raw`(?<![0-9])${MOBILE_PREFIX}(${MOBILE_NUMBER})(?![0-9])`, 'g');
/** 一八九六二七〇五五三一: a mobile spoken digit by digit in Chinese numerals. */
const MOBILE_HAN = /(?<![零〇一二三四五六七八九幺两十百千万])一[ \t-]?[三四五六七八九](?:[ \t-]?[零〇一二三四五六七八九幺]){9}(?![零〇一二三四五六七八九幺两十百千万])/g;
const HAN_DIGIT: Record<string, string> = { 零: '0', 〇: '0', 一: '1', 幺: '1', 二: '2', 三: '3', 四: '4', 五: '5', 六: '6', 七: '7', 八: '8', 九: '9' };
const LANDLINE = /(?<![0-9])0[1-9][0-9]{1,2}[ \t-]?[0-9]{7,8}(?![0-9])/g;
const NEAR_MOBILE = /(?<![0-9*])1(?:[ \t-]?[0-9]){9,11}(?![0-9])/g;
const HAN = /[\u4e00-\u9fff]/;
/** TONY, KEVIN in normalised (upper-case) text: a Latin first name. */
const LATIN_NAME = /^[A-Z]{2,12}(?![A-Z0-9])/;
/** Capitalised words that start a chat but are no one's name. */
const LATIN_NOT_NAMES = new Set(['HI', 'HELLO', 'OK', 'OKAY', 'THANKS', 'THX', 'PLS', 'PLEASE', 'ADDR', 'TEL', 'TO', 'NEED', 'ORDER', 'ASAP', 'URGENT', 'RUSH', 'PCS', 'PC', 'SET', 'SETS', 'CONTACT', 'PHONE', 'MOBILE', 'ADDRESS']);

/** Reads one pasted chat message into an order draft. Pure: no I/O. */
export function parseChatDraft(text: string, context: ChatDraftContext): ChatDraft {
  const lex = context.lexicon ?? defaultLexicon();
  const norm = normalizeText(text, lex);
  const mask = new SpanMask(norm.length);
  const unresolved: Unresolved[] = [];
  const slice = (s: Span) => text.slice(s[0], s[1]);
  const stops: number[] = [];

  // Phones first: their digits must never be read as quantities or codes.
  const mobiles: Array<{ value: string; span: Span }> = [];
  for (const m of norm.matchAll(MOBILE)) {
    const span: Span = [m.index!, m.index! + m[0].length];
    mobiles.push({ value: m[1].replace(/[\s-]/g, ''), span });
    mask.add(span);
    stops.push(span[0]);
  }
  for (const m of norm.matchAll(MOBILE_HAN)) {
    const span: Span = [m.index!, m.index! + m[0].length];
    mobiles.push({ value: [...m[0]].map((c) => HAN_DIGIT[c] ?? '').join(''), span });
    mask.add(span);
    stops.push(span[0]);
  }
  const landlines: Span[] = [];
  for (const m of norm.matchAll(LANDLINE)) {
    const span: Span = [m.index!, m.index! + m[0].length];
    if (!mask.isFree(span[0], span[1])) continue;
    landlines.push(span);
    mask.add(span);
    stops.push(span[0]);
  }
  for (const m of norm.matchAll(NEAR_MOBILE)) {
    const span: Span = [m.index!, m.index! + m[0].length];
    const digits = m[0].replace(/[\s-]/g, '');
    if (!mask.isFree(span[0], span[1])) continue;
    if (digits.length < 10 || digits.length > 12) continue;
    if (!/^1[3-9]/.test(digits) && digits.length !== 11) continue;
    if (/[A-Z]/.test(norm[span[0] - 1] ?? '') || /[A-Z]/.test(norm[span[1]] ?? '')) continue;
    unresolved.push({
      field: 'mobile',
      reason: 'MOBILE_INVALID',
      text: slice(span),
      span,
      message: `手机号应为11位且以13–19开头：${slice(span)} / A mobile number has 11 digits starting 13–19`,
    });
    mask.add(span);
    stops.push(span[0]);
  }
  const mobile = pickMobile(mobiles, norm, lex, unresolved, text);
  // A mistyped number, or a landline when no mobile is given (陈经理 座机0516-…), still marks where the contact's name is written.
  const phoneAnchor = mobile.span ?? unresolved.find((u) => u.reason === 'MOBILE_INVALID')?.span ?? landlines[0] ?? null;

  // Customer codes (C00012) name a known customer outright.
  const known = context.customers ?? [];
  const knownCodes = new Map(known.map((c) => [c.code.toUpperCase(), c]));
  const codeMentions: Array<{ customer: KnownCustomer; span: Span }> = [];
  for (const m of norm.matchAll(/[A-Z][A-Z0-9-]*\d[A-Z0-9]*/g)) {
    const c = knownCodes.get(m[0]);
    if (!c) continue;
    const span: Span = [m.index!, m.index! + m[0].length];
    codeMentions.push({ customer: c, span });
    mask.add(span);
  }

  const deliveryHint = findDeliveryHint(text, mask.apply(norm), lex);
  if (deliveryHint.span) mask.add(deliveryHint.span), stops.push(deliveryHint.span[0]);

  // Labels end a street detail, but only where they label something: 电 in 电厂路 does not.
  for (const label of lex.chat.phoneLabels)
    for (let at = norm.indexOf(label); at >= 0; at = norm.indexOf(label, at + 1))
      if (/^[\s:]*[+\d]/.test(norm.slice(at + label.length))) stops.push(at);
  // A contact label before a name (联系人张伟收, 收货人 李总) is no part of a shop's name either.
  for (const label of lex.chat.contactLabels)
    for (let at = norm.indexOf(label); at >= 0; at = norm.indexOf(label, at + 1))
      if (label.length >= 2 && isPersonNameStart(norm.slice(at + label.length).replace(/^[\s:]+/, ''), lex)) stops.push(at), mask.add([at, at + label.length]);

  const customerHint = findShop(text, norm, mask, lex, known, phoneAnchor);
  if (customerHint.span) mask.add(customerHint.span), stops.push(customerHint.span[0]);

  const isName = (s: string) => isPersonName(s, lex);
  const address = parseAddress(text, norm, lex, { stops, free: (s, e) => mask.isFree(s, e), looksLikeName: isName, detached: true });
  unresolved.push(...address.unresolved);
  for (const part of address.parts ?? [address.span]) mask.add(part);

  const contactName = findContactName(text, norm, mask, lex, phoneAnchor);
  if (contactName.span) mask.add(contactName.span);

  const { items, spans: itemSpans } = findItems(text, norm, mask, lex, context.catalog, knownCodes, unresolved);
  for (const s of itemSpans) mask.add(s);

  const customer = matchCustomer(known, mobile.value, codeMentions, customerHint, unresolved);
  // Urgency is the remark's business too: its reader sets the order's priority from it.
  const remarks = findRemarks(text, norm, mask, lex, deliveryHint.source === 'URGENCY' ? deliveryHint.span : null);

  return {
    contactName,
    mobile,
    province: address.province,
    city: address.city,
    district: address.district,
    detail: address.detail,
    items,
    deliveryHint,
    customerHint,
    customer,
    remarks,
    unresolved,
  };
}

function pickMobile(
  mobiles: Array<{ value: string; span: Span }>,
  norm: string,
  lex: Lexicon,
  unresolved: Unresolved[],
  text: string,
): Field<string | null> {
  const distinct = [...new Map(mobiles.map((m) => [m.value, m])).values()];
  if (!distinct.length) return emptyField(null);
  const labelled = distinct.find((m) => /手机/.test(norm.slice(Math.max(0, m.span[0] - 5), m.span[0])));
  const chosen = labelled ?? distinct[0];
  const plain = /^1\d{10}$/.test(text.slice(chosen.span[0], chosen.span[1]));
  if (distinct.length > 1)
    unresolved.push({
      field: 'mobile',
      reason: 'MOBILE_MULTIPLE',
      text: distinct.map((m) => text.slice(m.span[0], m.span[1])).join(' / '),
      span: null,
      candidates: distinct.map((m) => m.value),
      message: `消息里有${distinct.length}个手机号，已取${chosen.value}，请确认 / Several mobile numbers; ${chosen.value} was taken, please confirm`,
    });
  return field(chosen.value, distinct.length > 1 ? 0.7 : plain ? 0.98 : 0.95, chosen.span, labelled ? 'LABEL' : 'PATTERN');
}

/** The first span of `patterns` in the text that is no constraint (周末不收货), or null. */
function firstSpan(masked: string, patterns: RegExp[]): Span | null {
  let best: Span | null = null;
  for (const re of patterns) {
    re.lastIndex = 0;
    for (let m; (m = re.exec(masked)); ) {
      if (!m[0]) {
        re.lastIndex++;
        continue;
      }
      const span: Span = [m.index, m.index + m[0].length];
      // 周末不收货 is a constraint for the remark, not when the goods are wanted.
      if (/^.{0,2}(?:不收|不送|不要|别送|不行)/.test(masked.slice(span[1]))) continue;
      if (!best || span[0] < best[0]) best = span;
      break;
    }
  }
  return best;
}

/** When the goods are wanted: a time said (明天下午, 一周内) wins; else urgency with no time (急用, 尽快). */
function findDeliveryHint(text: string, masked: string, lex: Lexicon): Field<string | null> {
  const when = firstSpan(masked, lex.chat.deliveryPatterns);
  if (when) return field(text.slice(when[0], when[1]), 0.9, when, 'PATTERN');
  const urgency = firstSpan(masked, lex.chat.urgencyPatterns);
  return urgency ? field(text.slice(urgency[0], urgency[1]), 0.8, urgency, 'URGENCY') : emptyField(null);
}

function isPersonNameStart(s: string, lex: Lexicon): boolean {
  return [4, 3, 2].some((n) => isPersonName(s.slice(0, n), lex)) || /^[A-Z][a-z]/.test(s);
}

/** A contact name: a surname then one or two given-name characters or a title (王师傅, 徐工); 老王, 小林. */
export function isPersonName(s: string, lex: Lexicon = defaultLexicon()): boolean {
  if (!s || s.length > 4 || ![...s].every((c) => HAN.test(c))) return false;
  const { single, double } = lex.surnames;
  if (s.length === 2 && (s[0] === '老' || s[0] === '小') && single.has(s[1])) return true;
  // 阿豪, 阿强: 阿 and a given name, as the south calls people.
  if (s.length === 2 && s[0] === '阿' && !lex.chat.nameStopChars.has(s[1])) return true;
  for (const surname of [s.slice(0, 2), s.slice(0, 1)]) {
    if (!(surname.length === 2 ? double.has(surname) : single.has(surname))) continue;
    const rest = s.slice(surname.length);
    if (lex.chat.personTitles.includes(rest)) return true;
    // 张伟先生, 李娜女士: a full name and a title of two characters.
    if (rest.length === 3 && !lex.chat.nameStopChars.has(rest[0]) && rest.slice(1).length === 2 && lex.chat.personTitles.includes(rest.slice(1))) return true;
    if (rest.length >= 1 && rest.length <= 2 && [...rest].every((c) => !lex.chat.nameStopChars.has(c))) return true;
  }
  return false;
}

/** Stop characters that do stand in given names (张国栋, 李天明, 王春根): allowed only in a run set off whole. */
const NAME_AMBIGUOUS_CHARS = new Set('栋楼层座根年天日午晚千百前后上下元周毛片条');

/**
 * 张国栋 13838112266, 收货人：王天明，…: a surname and the whole run of Han characters after it, set off
 * before and after (a delimiter, a label, the mobile), is the name, though a character of it is also an
 * address or time word; a three-character name is not cut to two.
 */
function wholeNameRun(norm: string, start: number, maxLen: number, mask: SpanMask, lex: Lexicon): Span | null {
  let end = start;
  while (end < norm.length && HAN.test(norm[end]) && end - start < 5) end++;
  const run = norm.slice(start, end);
  if (run.length < 3 || run.length > maxLen || HAN.test(norm[end] ?? '') || !mask.isFree(start, end)) return null;
  const before = norm.slice(0, start).replace(/[\s:]+$/, '');
  const setOff = !HAN.test(before.slice(-1)) || (start > 0 && mask.isTaken(start - 1)) || lex.chat.contactLabels.some((l) => before.endsWith(l));
  if (!setOff) return null;
  const { single, double } = lex.surnames;
  const surname = double.has(run.slice(0, 2)) && run.length <= 4 ? 2 : single.has(run[0]) && run.length === 3 ? 1 : 0;
  if (!surname) return null;
  const given = [...run.slice(surname)];
  if (given.some((c) => lex.chat.nameStopChars.has(c) && !NAME_AMBIGUOUS_CHARS.has(c))) return null;
  if (lex.chat.personTitles.some((t) => run.endsWith(t))) return null;
  return [start, end];
}

function findContactName(text: string, norm: string, mask: SpanMask, lex: Lexicon, mobileSpan: Span | null): Field<string | null> {
  const nameAt = (start: number, maxLen = 4): Span | null => {
    // Tony, Kevin: a capitalised Latin first name, as written.
    const latin = /^[A-Z][a-z]{1,11}(?![A-Za-z])/.exec(text.slice(start, start + 13));
    if (latin && mask.isFree(start, start + latin[0].length) && !LATIN_NOT_NAMES.has(latin[0].toUpperCase()))
      return [start, start + latin[0].length];
    const whole = wholeNameRun(norm, start, maxLen, mask, lex);
    if (whole) return whole;
    for (let len = Math.min(maxLen, norm.length - start); len >= 2; len--) {
      const s = norm.slice(start, start + len);
      if (!mask.isFree(start, start + len) || !isPersonName(s, lex)) continue;
      // 张伟收 / 张伟先生: keep the name only; a longer run of Han characters is not a name.
      const next = norm[start + len];
      if (next && HAN.test(next) && !/[收的,，]/.test(next) && len < 4 && isPersonName(norm.slice(start, start + len + 1), lex)) continue;
      return [start, start + len];
    }
    // 张三, 李四, 王五: the names people write as placeholders, a surname and a numeral, set off on both sides.
    const two = norm.slice(start, start + 2);
    const setOff = (start === 0 || !HAN.test(norm[start - 1]) || mask.isTaken(start - 1)) && !HAN.test(norm[start + 2] ?? '');
    if (setOff && lex.surnames.single.has(two[0]) && /[三四五六七八九]/.test(two[1] ?? '') && mask.isFree(start, start + 2)) return [start, start + 2];
    return null;
  };

  // 1. After a label: 联系人张伟, 收货人：陈晓.
  // Phone labels are tried too so that 联系方式 is not read as 联系 + a person called 方式.
  const labels = [...lex.chat.contactLabels, ...lex.chat.phoneLabels].sort((a, b) => b.length - a.length);
  for (let i = 0; i < norm.length; i++) {
    const label = labels.find((l) => norm.startsWith(l, i));
    if (!label) continue;
    if (!lex.chat.contactLabels.includes(label)) {
      i += label.length - 1;
      continue;
    }
    let j = i + label.length;
    while (j < norm.length && /[\s:]/.test(norm[j])) j++;
    const span = nameAt(j);
    if (span) {
      mask.add([i, span[0]]);
      return field(text.slice(span[0], span[1]), 0.95, span, 'LABEL');
    }
    i += label.length - 1;
  }

  // 2. Right next to the mobile number: 李强 18651234567, 孙丽 电话：0574-… 手机135…
  if (mobileSpan) {
    let end = mobileSpan[0];
    for (let moved = true; moved; ) {
      moved = false;
      while (end > 0 && /[\s:,()（）/|、;-]/.test(norm[end - 1])) (end--, (moved = true));
      const label = [...lex.chat.phoneLabels].sort((a, b) => b.length - a.length).find((l) => norm.slice(0, end).endsWith(l));
      if (label) (end -= label.length), mask.add([end, end + label.length]), (moved = true);
      // A landline between the name and the mobile (孙丽 电话：0574-88776655 手机135…).
      const land = /0[1-9][0-9]{1,2}[\s-]?[0-9]{7,8}$/.exec(norm.slice(0, end));
      if (land) (end -= land[0].length), (moved = true);
      // （张伟收） 138…: the name before 收.
      if (norm[end - 1] === '收' && [2, 3, 4].some((n) => isPersonName(norm.slice(end - 1 - n, end - 1), lex))) (end -= 1), (moved = true);
    }
    const latin = /(?<![A-Za-z])[A-Z][a-z]{1,11}$/.exec(text.slice(0, end));
    if (latin && mask.isFree(latin.index, end) && !LATIN_NOT_NAMES.has(latin[0].toUpperCase()))
      return field(latin[0], 0.75, [latin.index, end], 'NEAR_MOBILE');
    let start = end;
    while (start > 0 && HAN.test(norm[start - 1]) && mask.isFree(start - 1, start) && end - start < 8) start--;
    for (let s = Math.max(start, end - 4); s <= end - 2; s++) {
      const span = nameAt(s, end - s);
      if (span && span[1] === end) return field(text.slice(span[0], span[1]), 0.85, span, 'NEAR_MOBILE');
    }
    // A name whose surname the list does not know (佴明 138…): two or three characters set off right before the mobile.
    const bare = /(?:^|[\s,;:|/。、])([\u4e00-\u9fff]{2,3})$/.exec(norm.slice(0, end));
    if (bare) {
      const at = end - bare[1].length;
      const plain = [...bare[1]].every((c) => !lex.chat.nameStopChars.has(c) && !lex.chat.addressWords.has(c));
      if (plain && mask.isFree(at, end) && !FIELD_SHOP_END.test(bare[1]) && !lex.chat.fillers.includes(bare[1]) && !lex.chat.requestCues.some((w) => bare[1].includes(w)))
        return field(text.slice(at, end), 0.5, [at, end], 'NEAR_MOBILE');
    }
    let after = mobileSpan[1];
    while (after < norm.length && /[\s:,()（）/|、;-]/.test(norm[after])) after++;
    const span = nameAt(after);
    if (span) return field(text.slice(span[0], span[1]), 0.8, span, 'NEAR_MOBILE');
  }

  // 3. A person of the shop named just before (我是车友汇的张伟, 华通汽修的王师傅).
  for (let i = norm.indexOf('的'); i > 0; i = norm.indexOf('的', i + 1)) {
    if (!mask.isTaken(i - 1)) continue;
    const span = nameAt(i + 1);
    if (span) return field(text.slice(span[0], span[1]), 0.7, span, 'AFTER_SHOP');
  }

  // 4. The sender line of a forwarded chat: "[微信] 刘总：…".
  const sender = /^\s*(?:\[[^\]]{1,10}\]\s*)?([\u4e00-\u9fff]{2,4})\s*(?::|\s+(?:\d{4}[-/]\d{1,2}[-/]\d{1,2}\s+)?\d{1,2}:\d{2})/.exec(norm);
  if (sender) {
    const start = norm.indexOf(sender[1], sender.index);
    if (isPersonName(sender[1], lex) && mask.isFree(start, start + sender[1].length))
      return field(text.slice(start, start + sender[1].length), 0.5, [start, start + sender[1].length], 'SENDER');
  }
  // 5. No mobile beside it (哈尔滨…学府路266号 冰城汽修 老赵; 杨师傅 贵阳市…): a field set off whole that is only a
  // form of address — 老/小 and a surname, or a surname and a title (师傅, 经理, 姐) — is the contact. Only these
  // forms: a bare surname and a character (黄油, 高压) is too often a word.
  for (const m of norm.matchAll(/(?<=^|[\s,;:|/。、!?])([\u4e00-\u9fff]{2,4})(?=$|[\s,;:|/。、!?])/g)) {
    const [s0, e0] = [m.index!, m.index! + m[1].length];
    const run = m[1];
    if (!mask.isFree(s0, e0) || !isPersonName(run, lex)) continue;
    const { single, double } = lex.surnames;
    const fond = run.length === 2 && /^[老小]/.test(run) && single.has(run[1]);
    const titled = [1, 2].some((n) => (n === 2 ? double : single).has(run.slice(0, n)) && lex.chat.personTitles.includes(run.slice(n)));
    if (fond || titled) return field(text.slice(s0, e0), 0.5, [s0, e0], 'SET_OFF');
  }
  return emptyField(null);
}

/** Words of the trade inside a shop's name, not its distinctive part: 华通|汽车维修|服务中心. */
const SHOP_TRADE_WORDS = [
  '汽车', '车辆', '维修', '修理', '机修', '摩配', '养护', '美容', '服务', '保养', '汽修', '快修', '配件', '用品', '轮胎', '钣喷', '钣金', '喷漆', '改装',
  '洗车', '修配', '机电', '电器', '电瓶', '蓄电池', '玻璃', '贴膜', '音响', '补胎', '养车', '贸易', '商贸', '销售', '实业', '科技', '汽保', '轴承', '油品', '润滑油',
];
/** What a business is, after a trade word: 洗车店, 钣喷中心, 修配厂, 配件城, 销售服务有限公司. */
const SHOP_HEAD = /^(?:有限公司|分公司|公司|中心|店|厂|行|部|站|馆|城|所|坊|铺|室)/;
/** A generic head a field written on its own may end with, whatever comes before it (好运来洗车店, 车友汇名车俱乐部). */
const FIELD_SHOP_END = /(?:有限公司|公司|中心|专营店|专卖店|旗舰店|俱乐部|门市部|经营部|经销部|服务部|维修部|商行|车行|4S店|店|厂|行|部|站|城|会所|工作室|坊|洗车|补胎|养车|车饰|汽配|汽修|汽贸|轮胎|车队|驾校|机械|配件|汽车|装饰)$/;
/**
 * Words that make a field something other than a shop's name: a sentence (its verbs, negations and particles),
 * a request, a greeting, a label, a place, a job on a part (德邦物流, 自己来拿, 谢谢老板, 收货人, 浙江温州, 空调快修).
 */
function saysSomethingElse(name: string, lex: Lexicon): boolean {
  const labels = [...lex.chat.contactLabels, ...lex.chat.phoneLabels, ...lex.chat.addressLabels].filter((l) => l.length >= 2);
  return (
    SHOP_STOP.test(name) ||
    /^[来拿取打开带加报发寄放送进帮请]|[不没别吗]|[进收柜里]$|价|钱|时间|对面|旁边|隔壁|楼下|楼上/.test(name) ||
    asksSomething(name, lex) ||
    [...lex.chat.previousAddress, ...lex.chat.addressContinuations, ...labels].some((w) => name.includes(w)) ||
    [...lex.chat.fillers, ...lex.chat.shopLeadWords].some((w) => w.length >= 2 && name.includes(w)) ||
    isPlaceName(name, lex) ||
    namesOnlyAJob(withoutTrade(name), lex)
  );
}

/** A request word outside the trade words of a name (菜鸟驿站, 德邦物流; not the 维修 of 汽车维修中心). */
function asksSomething(name: string, lex: Lexicon): boolean {
  const bare = SHOP_TRADE_WORDS.reduce((t, w) => t.split(w).join(' '), name);
  return lex.chat.requestCues.some((w) => bare.includes(w));
}

/** Trades that end a business's name written as a field of its own (渝顺汽车维修, 鑫源摩配, 华兴商贸): not the goods (电瓶, 轮胎). */
const TRADE_END = /(?:维修|修理|机修|养护|美容|配件|摩配|用品|钣金|喷漆|钣喷|改装|机电|电器|贴膜|音响|贸易|商贸|实业|科技|汽保)$/;
/** A name without the trade words at its end: 渝顺汽车维修 → 渝顺. */
function withoutTrade(name: string): string {
  let own = name;
  for (let w; (w = SHOP_TRADE_WORDS.find((t) => own.endsWith(t))); ) own = own.slice(0, -w.length);
  return own;
}
/** Endings that make a business name only in its place after the address: 庐州名车养护, 湖塘快修驿站, 阿强车品. */
const POSITION_SHOP_END = /(?:养护|名车|车品|车饰|车业|轮胎|快修|驿站|车间|工作室|之家|车坊|车管家|汽服|车服|养车|美车|车房|车铺)$/;
/**
 * Parts of a car a job is done on, and words for the kind or quality of the work or goods (发动机养护,
 * 空调快修, 原厂配件, 上门维修): what is done or sold, never whose shop it is.
 */
const JOB_WORDS = /发动机|变速箱|波箱|空调|刹车|制动|底盘|轮毂|四轮|节气门|喷油嘴|三元|水箱|电瓶|蓄电池|机油|全车|更换|安装|检修|检测|清洗|拆装|维护|原厂|正品|进口|国产|副厂|拆车|二手|全新|专业|上门|定期|常规|免费|汽车|车辆|小车|货车|新能源/g;
/** A name's own part (the name minus its trade words and ending) that is only parts and jobs: no shop. */
function namesOnlyAJob(own: string, lex: Lexicon): boolean {
  let rest = own.replace(JOB_WORDS, '');
  for (const t of lex.partTypes) for (const w of t.synonyms) if (w.length >= 2) rest = rest.split(w).join('');
  // What is left may still be the trade (轮胎|修理): no name either.
  return withoutTrade(rest).length < 2;
}
/** A branch in brackets after a shop name: 华通汽修（城南店）, 途虎养车(万达店). */
const SHOP_BRANCH = /^[(（][\u4e00-\u9fffA-Z0-9]{1,8}(?:店|部|厂|点|站|司|仓|门市)[)）]/;
/** Words of a sentence, not of a name: a shop's name does not run back over them (这批是给|4S店, 我们|公司). */
const SHOP_STOP = /[是给在要把让放送到跟与或但就也还再又很已被们我你他她这那哪么呢吗吧啊了着过的]/;
/** …就行, 不行, 进行: 行 that is no business. */
const NOT_A_SHOP_END = /(?:就|都|不|也|才|可|能|进|执|还|才|试)行$|(?:到|来|去|回|进|在|出)(?:店|厂)$/;
/** A floor or unit right after a name: 2楼, 3层, B区12号, A座. */
const BUILDING_UNIT = /^\s?(?:[0-9A-Z一二三四五六七八九十]{1,4}\s?(?:楼|层|室|号|座|栋|幢)|[A-Z0-9]{1,2}区)/;
/** Labels a shop or company is written after: 店名：, 公司：, 单位：, 门店：. */
const SHOP_LABEL = /(?<=^|[\s,.;!?，。；、|/【】\[\]])(?:收货单位|公司名称|单位名称|客户名称|店铺名称|门店名称|店名|店铺|门店|公司|单位|商户|客户)\s*[:：]\s*/g;
const FIELD_EDGE = /[\s,.;:!?，。；：、|/【】\[\]]/;

function findShop(text: string, norm: string, mask: SpanMask, lex: Lexicon, known: KnownCustomer[], phone: Span | null = null): Field<string | null> {
  // A known customer's name written out beats any guess.
  for (const c of [...known].sort((a, b) => b.name.length - a.name.length)) {
    const at = norm.indexOf(normalizeText(c.name, lex));
    if (at >= 0 && mask.isFree(at, at + c.name.length))
      return field(text.slice(at, at + c.name.length), 0.95, [at, at + c.name.length], 'KNOWN_CUSTOMER');
  }
  const suffixes = [...lex.chat.shopSuffixes].sort((a, b) => b.length - a.length);
  const leads = [...lex.chat.shopLeadWords].sort((a, b) => b.length - a.length);
  const withBranch = (span: Span): Span => {
    const b = SHOP_BRANCH.exec(norm.slice(span[1]));
    return b && mask.isFree(span[1], span[1] + b[0].length) ? [span[0], span[1] + b[0].length] : span;
  };
  // A name after its label (店名：…, 公司：…, 单位：…) is the whole field, whatever it ends with.
  SHOP_LABEL.lastIndex = 0;
  for (const m of norm.matchAll(SHOP_LABEL)) {
    const start = m.index! + m[0].length;
    let end = start;
    for (;;) {
      // AutoPro Car Service: Latin words of one name go on across single spaces.
      const latinWord = (i: number) => /^[A-Z]+(?=[\s,;:]|$)/.exec(norm.slice(i))?.[0];
      const brand = (w: string) => lex.brands.some((b) => b.aliases.some((a) => a.toUpperCase() === w));
      const inField = (i: number) => {
        if (!FIELD_EDGE.test(norm[i])) return true;
        const next = norm[i] === ' ' && /[A-Z0-9&]/.test(norm[i - 1] ?? '') ? latinWord(i + 1) : undefined;
        return next !== undefined && !brand(next);
      };
      while (end < norm.length && inField(end) && !/[(]/.test(norm[end]) && mask.isFree(end, end + 1)) end++;
      // 汽车服务（苏州）有限公司: a place in brackets inside the name.
      const inner = /^\([\u4e00-\u9fff]{2,6}\)(?=[\u4e00-\u9fffA-Z])/.exec(norm.slice(end));
      if (!inner || !mask.isFree(end, end + inner[0].length)) break;
      end += inner[0].length;
    }
    end = cutTrailingName(norm, start, end, lex);
    // 客户：张伟 13812345678 names the contact; 车友汇 after 店名：or 客户： with no phone after it is the shop.
    const person = isPersonName(norm.slice(start, end), lex) && /^[\s,]*(?:\(?\+?86\)?[\s-]?)?(?:1[3-9]\d|电话|手机|TEL)/.test(norm.slice(end));
    if (end - start < 2 || person || /\d{3}/.test(norm.slice(start, end))) continue;
    const span = withBranch([start, end]);
    mask.add([m.index!, start]);
    return field(text.slice(span[0], span[1]), 0.85, span, 'SHOP_LABEL');
  }
  for (let p = 1; p < norm.length; p++) {
    // An ending the lexicon lists, or a trade word and a shop character (养护店, 保养站).
    const suffix =
      suffixes.find((s) => norm.startsWith(s, p) && mask.isFree(p, p + s.length)) ??
      SHOP_TRADE_WORDS.map((w) => {
        const head = norm.startsWith(w, p) ? SHOP_HEAD.exec(norm.slice(p + w.length)) : null;
        return head ? norm.slice(p, p + w.length + head[0].length) : null;
      }).find(
        (x): x is string => x !== null && mask.isFree(p, p + x.length),
      );
    if (!suffix) continue;
    // The name runs on past the first ending found (老王汽车美容养护店, not 老王汽车美容).
    let end = p + suffix.length;
    for (let more = true; more; ) {
      more = false;
      const next = suffixes.find((s) => norm.startsWith(s, end) && mask.isFree(end, end + s.length));
      const trade = !next && SHOP_TRADE_WORDS.find((w) => norm.startsWith(w, end) && (suffixes.some((s2) => norm.startsWith(s2, end + w.length)) || SHOP_HEAD.test(norm.slice(end + w.length))));
      const head = !next && !trade ? SHOP_HEAD.exec(norm.slice(end)) : null;
      const inner = !next && !trade ? /^\([\u4e00-\u9fff]{2,6}\)(?=[\u4e00-\u9fff])/.exec(norm.slice(end)) : null;
      const after = inner ? norm.slice(end + inner[0].length) : '';
      if (next) (end += next.length), (more = true);
      else if (trade) (end += trade.length), (more = true);
      else if (inner && (suffixes.some((s2) => after.startsWith(s2)) || SHOP_HEAD.test(after)) && mask.isFree(end, end + inner[0].length)) (end += inner[0].length), (more = true);
      else if (head && mask.isFree(end, end + head[0].length) && (head[0].length > 1 || !HAN.test(norm[end + 1] ?? ''))) (end += head[0].length), (more = head[0].length > 1);
    }
    // …and back past the trade words before it (华通汽车维修服务中心: 汽车维修 is the trade, 华通 the name).
    let p0 = p;
    for (let back = true; back; ) {
      back = false;
      const w = SHOP_TRADE_WORDS.find((t) => p0 - t.length > 0 && norm.startsWith(t, p0 - t.length) && mask.isFree(p0 - t.length, p0));
      if (w) (p0 -= w.length), (back = true);
    }
    // A name written as a field of its own (…88号 上海浦东鑫源汽车技术服务有限公司 范伟) runs back to the space or
    // mark before it, however long its own part; otherwise at most four characters are taken.
    let far = p0;
    while (
      far > 0 &&
      p0 - far < 12 &&
      mask.isFree(far - 1, far) &&
      (HAN.test(norm[far - 1]) || /[A-Z0-9&]/.test(norm[far - 1])) &&
      !SHOP_STOP.test(norm[far - 1]) &&
      !/[号弄区县镇乡路街道巷的]/.test(norm[far - 1]) &&
      !(/[栋幢楼室层座]/.test(norm[far - 1]) && /[\d号元]/.test(norm[far - 2] ?? ''))
    )
      far--;
    // 88号汽车维修中心, 1号车行: a number and 号 that begin the field are the name's, not a house number.
    const numbered = /(?:^|[\s,;:!?，。；：、|/])(\d{1,4}号)$/.exec(norm.slice(0, far));
    if (numbered && mask.isFree(far - numbered[1].length, far)) far -= numbered[1].length;
    while (far < p0 && /[0-9]/.test(norm[far]) && !(far === 0 || /[\s,.;:!?，。；：、|/()（）【】\[\]]/.test(norm[far - 1]))) far++;
    // 我们是石家庄宏远汽车维修有限公司: after the caller introduces themselves (我们是, 这边是), the name runs back to the 是 however long
    // its own part (a city said in it, 石家庄…), as a field of its own does.
    const introduced = far < p0 && /(?:我|我们|咱们?|俺们?|这边|这里|我们这边|我们这里|我这边)是$/.test(norm.slice(Math.max(0, far - 6), far));
    const fieldOfItsOwn = far < p0 && (far === 0 || introduced || /[\s,.;:!?，。；：、|/()（）【】\[\]]/.test(norm[far - 1]) || (/[号弄]/.test(norm[far - 1]) && /\d/.test(norm[far - 2] ?? '') && !/\d/.test(norm.slice(far, p0))));
    let start = fieldOfItsOwn ? far : p0;
    while (!fieldOfItsOwn && start > 0 && p0 - start < 4) {
      const c = norm[start - 1];
      if (!mask.isFree(start - 1, start) || !(HAN.test(c) || /[A-Z]/.test(c)) || SHOP_STOP.test(c)) break;
      if (/[号弄栋幢楼室层座]/.test(c)) break;
      // …吴中区华通汽修: stop after a place name; but 镇海安达汽修 starts with 镇.
      if (/[区县市镇乡路街道巷]/.test(c) && p0 - start >= 2 && HAN.test(norm[start - 2] ?? '')) break;
      start--;
    }
    for (let stripped = true; stripped && start < p0; ) {
      stripped = false;
      const lead = leads.find((l) => norm.startsWith(l, start) && start + l.length < p0);
      if (lead && p0 - (start + lead.length) >= 2) (start += lead.length), (stripped = true);
    }
    // 空调快修, 发动机养护中心: a job on a part, not a name.
    if ((p0 - start < 2 && p - start < 2) || (p0 > start && namesOnlyAJob(norm.slice(start, p0), lex))) {
      p += suffix.length - 1;
      continue;
    }
    // Written as a field of its own, the name is the whole field: 亭湖飞驰汽车快修中心, 余杭快车道汽车服务 (a 道 inside
    // the name), 宜兴陶都汽车美容养护 — whatever part of it the endings found.
    const own = fieldAround(norm, mask, start, end, lex);
    // 萧然汽配城2楼, 汽车城B区12号: a market building with its floor or unit is part of the address, not the customer.
    if (BUILDING_UNIT.test(norm.slice(end, own ? own[1] : end + 6))) {
      p += suffix.length - 1;
      continue;
    }
    const span: Span = withBranch(own ?? [start, end]);
    // 这边是途虎养车, 我们是…: the words that introduce the name are not part of it.
    for (let lead; (lead = own && leads.find((l) => norm.startsWith(l, span[0]) && span[0] + l.length <= start)); ) span[0] += lead.length;
    return field(text.slice(span[0], span[1]), 0.8, span, 'SHOP_SUFFIX');
  }
  // A field of its own ending like a business (好运来洗车店, 车友汇名车俱乐部): the whole field.
  for (const m of norm.matchAll(/[^\s,.;:!?，。；：、|/【】\[\]]{3,24}/g)) {
    const start = m.index!;
    let end = start + m[0].length;
    if (/[(]/.test(m[0])) end = start + m[0].indexOf('(');
    end = cutTrailingName(norm, start, end, lex);
    const name = norm.slice(start, end);
    // 渝顺汽车维修, 鑫源摩配: a trade alone ends a name too, when a name of Han characters stands before it.
    const byTrade = !FIELD_SHOP_END.test(name) && TRADE_END.test(name);
    if (!mask.isFree(start, end) || !(FIELD_SHOP_END.test(name) || byTrade) || NOT_A_SHOP_END.test(name) || SHOP_STOP.test(name) || !/^[\u4e00-\u9fffA-Z0-9&]+$/.test(name) || /\d{3}/.test(name)) continue;
    if (/^(?:送|发|到|要|来|帮|请|麻烦|去|回|在|我|你|他|她|这|那|老板|师傅|顺便|顺带|再|还|也|先|做|换|修)/.test(name) || /[号路街巷弄村镇]/.test(name.slice(0, -1)) || isPersonName(name, lex) || asksSomething(name, lex)) continue;
    if (!byTrade && FIELD_SHOP_END.exec(name)![0].length === 1 && name.length < 4) continue;
    // 养护中心, 汽车服务有限公司 alone say what a business is, not which one; 空调快修 is a job.
    const own = withoutTrade(name.replace(FIELD_SHOP_END, ''));
    if (own.length < 2 || namesOnlyAJob(own, lex) || (byTrade && [...own].filter((c) => HAN.test(c)).length < 2)) continue;
    // 米其林轮胎, 博世雨刮店…: a brand in the field is a product, not a customer.
    if (lex.brands.some((b) => b.aliases.some((a) => a.length >= 2 && name.includes(a.toUpperCase())))) continue;
    const span = withBranch([start, end]);
    return field(text.slice(span[0], span[1]), 0.6, span, 'SHOP_FIELD');
  }
  // Endings that name a business only by where they stand: the field right after the house number
  // (…669号 庐州名车养护 天合GDB1550…, …8号 阿强车品 张伟…), followed by the items or the contact.
  for (const m of norm.matchAll(/\d\s*[号弄室栋幢座][\s,，;；|]+([\u4e00-\u9fffA-Z0-9&]{3,14})(?=[\s,，;；|]|$)/g)) {
    const at = m.index! + m[0].length - m[1].length;
    const name = m[1];
    if (!mask.isFree(at, at + name.length) || !POSITION_SHOP_END.test(name) || SHOP_STOP.test(name) || /\d{2}/.test(name)) continue;
    if (/[号路街巷弄村镇区县省]/.test(name) || isPersonName(name, lex) || /^(?:送|发|到|要|来|帮|请|麻烦|去|回|在|再|还|也|先|老板|师傅)/.test(name) || asksSomething(name, lex)) continue;
    const own = withoutTrade(name.replace(POSITION_SHOP_END, ''));
    if (own.length < 2 || lex.brands.some((b) => b.aliases.some((a) => a.length >= 2 && name.includes(a.toUpperCase())))) continue;
    // 发动机养护, 刹车片轮胎: a part or a job, not a name.
    if (namesOnlyAJob(own, lex)) continue;
    const span = withBranch([at, at + name.length]);
    return field(text.slice(span[0], span[1]), 0.55, span, 'SHOP_POSITION');
  }
  // No known ending: the field between the address and the contact (…88号 芜湖顺捷电瓶专营店 陶然 18955301234).
  const labels = [...lex.chat.contactLabels].sort((a, b) => b.length - a.length).join('|');
  const between = new RegExp(`\\d\\s*[号弄室][\\s,，;；|]+([\\p{Script=Han}A-Za-z0-9&]{3,20}?)收?[\\s,，;；|]+(?:(?:${labels})[\\s:：]*)?([\\p{Script=Han}]{2,4})[\\s,，:：]*(?:\\+?86)?1\\d{2}`, 'u').exec(norm);
  if (between && isPersonName(between[2], lex)) {
    const at = between.index + between[0].indexOf(between[1]);
    const addressLike = /[号路街巷弄村镇区县省]|\d{2}/.test(between[1]) || saysSomethingElse(between[1], lex);
    if (mask.isFree(at, at + between[1].length) && !addressLike && (!isPersonName(between[1], lex) || between[1].length >= 3)) return field(text.slice(at, at + between[1].length), 0.6, [at, at + between[1].length], 'SHOP_FIELD');
  }
  // 我是车友汇的张伟, 我们是顺达, 这边是…: a business introducing itself, whatever its name ends with.
  for (const m of norm.matchAll(/(?:我们这边是|我们这里是|我这边是|我们是|这边是|这里是|我是)\s*([\u4e00-\u9fffA-Z0-9&]{2,16}?)(?=的|[\s,.;!?:]|$)/g)) {
    const at = m.index! + m[0].length - m[1].length;
    const name = m[1];
    // 我是张伟 introduces a person; 我们是/这边是 a business.
    const person = m[0].startsWith('我是') && isPersonName(name, lex) && norm[at + name.length] !== '的';
    if (!mask.isFree(at, at + name.length) || person || SHOP_STOP.test(name) || /^(?:想|需要|订|买|这边|那边|老客户|客户|新客户)/.test(name) || /\d{3}/.test(name)) continue;
    const span = withBranch([at, at + name.length]);
    return field(text.slice(span[0], span[1]), 0.6, span, 'SHOP_SELF');
  }
  // 勤业路 2 号（车友汇）: a name in brackets right after the house number; one that reads like a person's
  // only when someone else's name stands before the mobile.
  const contactBeforePhone = (() => {
    if (!phone) return null;
    const m = /([\u4e00-\u9fff]{2,4})[\s:,()/|]*(?:电话|手机|TEL)?[\s:]*$/.exec(norm.slice(0, phone[0]));
    return m && [2, 3, 4].map((n) => m[1].slice(-n)).find((x) => isPersonName(x, lex)) ? m[1] : null;
  })();
  for (const m of norm.matchAll(/[号弄室座]\s*\(([\u4e00-\u9fffA-Z0-9&]{2,12})\)/g)) {
    const at = m.index! + m[0].indexOf('(') + 1;
    const name = m[1];
    if (!mask.isFree(at, at + name.length) || /[门仓库近旁边对面楼层室号区收镇乡村]|街道/.test(name) || lex.chat.addressContinuations.some((w) => name.endsWith(w)) || isPlaceName(name, lex)) continue;
    if (isPersonName(name, lex) && !FIELD_SHOP_END.test(name) && (name.length < 3 || !contactBeforePhone || contactBeforePhone.endsWith(name))) continue;
    return field(text.slice(at, at + name.length), 0.55, [at, at + name.length], 'SHOP_IN_BRACKETS');
  }
  // …88号好运来洗车的张伟收, 车友汇收: a name before 的 and the contact, or before 收, with no known ending.
  const before = /(?<=^|[\s,;:|号弄])((?:[\p{Script=Han}A-Z0-9&]){2,16}?)(?:的([\p{Script=Han}]{2,4}?)(?=收|[\s,;:]|\+?86|1\d{10})|收(?=[\s,;:]|$))/gu;
  for (let m; (m = before.exec(norm)); before.lastIndex = m.index + 1) {
    const at = m.index! + m[0].indexOf(m[1]);
    const name = m[1];
    // 张伟收 is the contact; 车友汇的张伟 a shop even when it reads like a name.
    if (!mask.isFree(at, at + name.length) || (isPersonName(name, lex) && (m[2] === undefined || name.length < 3)) || /[路街巷弄号村镇]|^(?:送|发|寄|给|交|到)/.test(name) || saysSomethingElse(name, lex)) continue;
    if (m[2] !== undefined && !isPersonName(m[2], lex)) continue;
    const span = withBranch([at, at + name.length]);
    return field(text.slice(span[0], span[1]), 0.55, span, 'SHOP_BEFORE_CONTACT');
  }
  return shopByPlace(text, norm, mask, lex);
}

/**
 * 车友汇, 车立方, 悦车汇: a name with no business word at all, written as a field of its own right after the
 * street's house number or right before the contact (a label, or a name and the phone). Only what cannot be
 * anything else: no person, place, part, job, brand, label, request, filler, word of a sentence or of an address.
 */
function shopByPlace(text: string, norm: string, mask: SpanMask, lex: Lexicon): Field<string | null> {
  const phoneLabel = [...lex.chat.phoneLabels].sort((a, b) => b.length - a.length).join('|').replace(/\//g, '\\/');
  const phone = String.raw`${MOBILE_PREFIX}${MOBILE_NUMBER}(?![0-9])`;
  const someone = String.raw`[\u4e00-\u9fff]{2,4}|[A-Z]{2,12}`;
  // 张伟 138…, 张伟 电话/微信 138…, TONY 138… and 138… 张伟: someone named with the phone.
  const nameThenPhone = String.raw`(${someone})[\s,:(（]*(?:(?:${phoneLabel})[\s/:：]*)*${phone}`;
  const phoneThenName = String.raw`${phone}[ \t,:)）]*(${someone})(?![\u4e00-\u9fffA-Z0-9])`;
  const personWithPhone = new RegExp(`^${nameThenPhone}|^${phoneThenName}`);
  const phoneFirst = new RegExp(String.raw`^(?:(?:${phoneLabel})[\s/:：]*)*(?:${phone}|0[1-9]\d)`);
  const named = (w: string) =>
    isPersonName(w, lex) || (LATIN_NAME.test(w) && !LATIN_NOT_NAMES.has(w) && !lex.brands.some((b) => b.aliases.some((a) => a.toUpperCase() === w)));
  // Where the message names its contact: after a label, or with the phone.
  const contactsAt: number[] = [];
  for (const l of lex.chat.contactLabels)
    for (let i = norm.indexOf(l); i >= 0; i = norm.indexOf(l, i + 1)) {
      const from = i + l.length + (/^[\s:]*/.exec(norm.slice(i + l.length))?.[0].length ?? 0);
      if (isPersonNameStart(norm.slice(from), lex) || LATIN_NAME.test(norm.slice(from))) contactsAt.push(from);
    }
  for (const m of norm.matchAll(new RegExp(`(?<![\\u4e00-\\u9fffA-Z])${nameThenPhone}`, 'g')))
    if (named(m[1]) || [2, 3].some((n) => isPersonName(m[1].slice(-n), lex))) contactsAt.push(m.index!);
  for (const m of norm.matchAll(new RegExp(`(?<![0-9])${phoneThenName}`, 'g'))) if (named(m[1])) contactsAt.push(m.index! + m[0].length - m[1].length);
  for (const m of norm.matchAll(/(?<=^|[\s,.;!?。、|])([\u4e00-\u9fff]{3,8})(?=[\s,.;!?。、|]|$)/g)) {
    const at = m.index!;
    const name = m[1];
    if (!mask.isFree(at, at + name.length)) continue;
    const before = norm.slice(0, at).replace(/[\s,.;!?。、|]+$/, '');
    const after = norm.slice(at + name.length).replace(/^[\s,.;!?。、|]+/, '');
    const person = personWithPhone.exec(after);
    const afterAddress = /[0-9一二三四五六七八九十]\s*[号弄室栋幢座楼组]$|[村院苑厦]$/.test(before);
    const beforeContact = lex.chat.contactLabels.some((l) => after.startsWith(l)) || (!!person && named(person[1] ?? person[2]));
    // Right before a phone or its label, with no one named after it, the field is the contact's name.
    const beforePhone = !beforeContact && phoneFirst.test(after);
    // After a contact label (联系人 吴晓燕) the field is the contact.
    if ((!afterAddress && !beforeContact) || beforePhone || lex.chat.contactLabels.some((l) => before.endsWith(l))) continue;
    const ofSomethingElse =
      [...name].some((c) => lex.chat.nameStopChars.has(c) || lex.chat.addressWords.has(c)) ||
      saysSomethingElse(name, lex) ||
      /[请收门库]/.test(name) ||
      // A business word (养护中心, 汽修) leaves the name to the rules above, which read it whole or say why not.
      FIELD_SHOP_END.test(name) ||
      POSITION_SHOP_END.test(name) ||
      [...lex.chat.shopSuffixes, ...SHOP_TRADE_WORDS].some((w) => name.includes(w)) ||
      // 车友汇 reads like a person called 车: not when someone else is named as the contact.
      (isPersonName(name, lex) && !beforeContact && !contactsAt.some((c) => c < at - 1 || c > at + name.length)) ||
      namesOnlyAJob(name, lex) ||
      lex.brands.some((b) => b.aliases.some((a) => a.length >= 2 && name.includes(a.toUpperCase())));
    if (ofSomethingElse) continue;
    return field(text.slice(at, at + name.length), 0.5, [at, at + name.length], 'SHOP_BY_PLACE');
  }
  return emptyField(null);
}

/** The field a shop name found at [start, end) stands in, when spaces or marks set it off on both sides. */
function fieldAround(norm: string, mask: SpanMask, start: number, end: number, lex: Lexicon): Span | null {
  const inName = (i: number) => mask.isFree(i, i + 1) && (HAN.test(norm[i]) || /[A-Z0-9&]/.test(norm[i])) && !SHOP_STOP.test(norm[i]);
  const edge = (c: string | undefined) => c === undefined || /[\s,.;:!?，。；：、|/()（）【】\[\]]/.test(c);
  let s = start;
  while (s > 0 && inName(s - 1)) s--;
  let e = end;
  while (e < norm.length && inName(e)) e++;
  // 华通汽修张伟: the contact written straight after the name is not part of it.
  const whole = e;
  if (e > end && cutTrailingName(norm, start, e, lex) >= end) e = cutTrailingName(norm, start, e, lex);
  if (e > end && (/^收$/.test(norm.slice(end, e)) || isPersonName(norm.slice(end, e), lex))) e = end;
  if (e - s > 24 || !edge(norm[s - 1]) || !edge(norm[whole])) return null;
  // A house number does not begin a shop's name (…88号华通汽修 is cut before).
  if (/\d{3}/.test(norm.slice(s, start)) || /[号路街巷弄]/.test(norm.slice(s, start))) return null;
  return s === start && e === end ? null : [s, e];
}

/** The end of a name field without a person's name written straight after it (华通汽修张伟 → 华通汽修). */
function cutTrailingName(norm: string, start: number, end: number, lex: Lexicon): number {
  for (let k = Math.max(start + 2, end - 4); k <= end - 2; k++) {
    const rest = norm.slice(k, end);
    // …商行 is an ending, not a person called 商行.
    if (isPersonName(rest, lex) && !FIELD_SHOP_END.test(rest) && FIELD_SHOP_END.test(norm.slice(start, k))) return k;
  }
  return end;
}

function findItems(
  text: string,
  norm: string,
  mask: SpanMask,
  lex: Lexicon,
  catalog: CatalogEntry[],
  knownCodes: Map<string, KnownCustomer>,
  unresolved: Unresolved[],
): { items: DraftItem[]; spans: Span[] } {
  const idx = catalogIndex(catalog, lex);
  const hits = findProductHits(norm, idx, (s, e) => mask.isFree(s, e), (t) => knownCodes.has(t));
  const clusters = clusterProducts(norm, hits, idx).filter((c) => !(c.specOnly && c.source !== 'INHERITED'));
  const hitMask = new SpanMask(norm.length);
  for (const h of hits) hitMask.add([h.start, h.end]);
  const masked = hitMask.apply(mask.apply(norm));
  const quantities = findQuantities(masked, lex);
  const assigned = assignQuantities(norm, clusters, quantities);
  // 1）NGK BKR6EIX 10 2）…: a bare number right after a product, in a list, is its quantity.
  clusters.forEach((c, i) => {
    if (assigned[i] || c.weak) return;
    // …also in brackets or after = (N204(10), N204【10】, N204=10).
    // …and 俩/仨 said right after it (刹车盘09.A820.11俩, 雨刮仨就行): a numeral that counts alone.
    const m = /^(?:[ \t]+(\d{1,5})(?=[ \t]|$|[\n,;。)）])|[ \t]*[=(（【[][ \t]*(\d{1,5})[ \t]*(?:[)）】\]]|(?![\d.]))|[ \t]*(俩|仨)(?=$|[^\u4e00-\u9fff]|就|吧|啊|呗|哈))/.exec(masked.slice(c.span[1]));
    if (!m) return;
    if (m[3]) {
      const start = c.span[1] + m[0].indexOf(m[3]);
      if (!quantities.some((q) => q.span[0] < start + 1 && start < q.span[1])) assigned[i] = { span: [start, start + 1], qty: m[3] === '俩' ? 2 : 3, unit: null, each: false, confidence: 0.6, form: 'BARE' };
      return;
    }
    const digits = m[1] ?? m[2];
    const start = c.span[1] + m[0].indexOf(digits);
    const span: Span = [start, start + digits.length];
    if (quantities.some((q) => q.span[0] < span[1] && span[0] < q.span[1])) return;
    const qty = Number(digits);
    if (qty > 0) assigned[i] = { span, qty, unit: null, each: false, confidence: 0.6, form: 'BARE' };
  });

  // 12桶，不对，改成15桶 / 10个，哦不，要12个: a quantity corrected right after it wins; 再加3桶 adds to it.
  clusters.forEach((c, i) => {
    for (let q = assigned[i]; q && q.qty !== null; q = assigned[i]) {
      const cue = QTY_CORRECTION.exec(masked.slice(q.span[1]));
      if (!cue) return;
      const at = q.span[1] + cue[0].length;
      const next = quantities.find((x) => x.span[0] > q.span[1] && x.span[0] <= at && x.span[1] > at && x.qty !== null && x !== q);
      if (!next) return;
      // 19寸10支，再来两瓶DOT4 1L: a quantity said right before another product is that product's, not more of this one.
      if (!CORRECTS.test(cue[0]) && clusters.some((o, j) => j > i && o.span[0] >= next.span[1] && /^[\s的]{0,2}$/.test(norm.slice(next.span[1], o.span[0])))) return;
      assigned.forEach((x, j) => x === next && (assigned[j] = null));
      const adds = /加/.test(cue[0]) && !CORRECTS.test(cue[0]);
      assigned[i] = { ...next, span: [q.span[0], next.span[1]], qty: adds ? q.qty + next.qty! : next.qty, form: adds ? 'ADDED' : 'CORRECTED' };
    }
  });

  // A part named in a request for a service (换正时皮带，用盖茨K015603XS的) is the one part the job
  // takes, unless a quantity is said: the service and the part in one sentence.
  const services = clusters.filter((c) => c.candidates.length === 1 && idx.items[c.candidates[0]].isService);
  const serviceAround = (c: ProductCluster) =>
    services.some((sv) => sv !== c && !/[\n。;!?]/.test(norm.slice(Math.min(sv.span[1], c.span[1]), Math.max(sv.span[0], c.span[0]))));

  const items: DraftItem[] = [];
  const spans: Span[] = [];
  clusters.forEach((c, i) => {
    const q = assigned[i];
    const mention = text.slice(c.span[0], c.span[1]);
    const fullSpan: Span = q ? [Math.min(c.span[0], q.span[0]), Math.max(c.span[1], q.span[1])] : c.span;
    const isService = c.candidates.length === 1 && idx.items[c.candidates[0]].isService;
    if (!q && (c.weak || c.specOnly) && !isService) return;
    if (!q && c.hits.every((h) => h.kind === 'unknownCode')) return;
    spans.push(fullSpan);
    if (c.candidates.length === 1) {
      const sku = idx.items[c.candidates[0]].entry;
      let qty: Field<number | null>;
      if (q && q.qty !== null) qty = field(q.qty, q.confidence, q.span, `QTY_${q.form}`);
      else if (q && q.form === 'VAGUE') {
        qty = field(null, 0, q.span, 'QTY_VAGUE');
        unresolved.push({
          field: 'items',
          reason: 'QTY_UNCLEAR',
          text: text.slice(q.span[0], q.span[1]),
          span: q.span,
          candidates: [sku.model],
          message: `${sku.model} 数量不明确（${text.slice(q.span[0], q.span[1])}） / The quantity for ${sku.model} is not a number`,
        });
      } else if (q) {
        qty = field(null, 0, q.span, 'QTY_PACK');
        unresolved.push({
          field: 'items',
          reason: 'PACK_SIZE_UNKNOWN',
          text: text.slice(q.span[0], q.span[1]),
          span: q.span,
          candidates: [sku.model],
          message: `${sku.model} 按${q.pack?.unit}订购但未写每${q.pack?.unit}数量（目录单位：${sku.unit}） / Ordered by the ${q.pack?.unit} without the pack size`,
        });
      } else if (isService) qty = field(1, 0.8, null, 'SERVICE_DEFAULT');
      else if (serviceAround(c)) qty = field(1, 0.6, null, 'SERVICE_PART_DEFAULT');
      else {
        qty = field(null, 0, null, 'NONE');
        unresolved.push({
          field: 'items',
          reason: 'QTY_MISSING',
          text: mention,
          span: c.span,
          candidates: [sku.model],
          message: `${sku.model} 未写数量 / No quantity given for ${sku.model}`,
        });
      }
      items.push({
        model: field(sku.model, c.confidence, c.span, c.source),
        qty,
        sku: { code: sku.code, nameZh: sku.nameZh, unit: sku.unit },
      });
      return;
    }
    const ambiguous = c.candidates.length > 1;
    unresolved.push({
      field: 'items',
      reason: ambiguous ? 'PRODUCT_AMBIGUOUS' : 'PRODUCT_NOT_IN_CATALOG',
      text: q ? text.slice(fullSpan[0], fullSpan[1]) : mention,
      span: fullSpan,
      candidates: ambiguous ? c.candidates.map((j) => idx.items[j].entry.model) : undefined,
      message: ambiguous
        ? `“${mention}”对应多个型号，请选择 / “${mention}” fits several catalog models; please choose`
        : `“${mention}”不在商品目录中 / “${mention}” is not in the catalog`,
    });
  });
  return { items: mergeRepeats(items, norm, unresolved), spans };
}

/** Words before a second mention that add to the first (再来2个, 还要, 另外): otherwise it restates or corrects it. */
const MORE_WORDS = /再|还要|还需要|另外|另加|加(?!急)|多来|也来|又/;

/**
 * One product mentioned twice is one line: a later mention without a quantity refers back to the
 * earlier one (…另外那个N204记得开发票); with one, it adds to it when 再/还要/另外 says so, and
 * otherwise restates (the same number) or corrects it (the later number).
 */
function mergeRepeats(items: DraftItem[], norm: string, unresolved: Unresolved[]): DraftItem[] {
  const out: DraftItem[] = [];
  for (const item of items) {
    const first = out.find((o) => o.model.value === item.model.value);
    if (!first) {
      out.push(item);
      continue;
    }
    const dropMissing = (it: DraftItem) => {
      const at = unresolved.findIndex((u) => u.reason === 'QTY_MISSING' && u.span && it.model.span && u.span[0] === it.model.span[0]);
      if (at >= 0) unresolved.splice(at, 1);
    };
    if (item.qty.value === null) {
      dropMissing(item);
      continue;
    }
    if (first.qty.value === null) {
      dropMissing(first);
      out[out.indexOf(first)] = item;
      continue;
    }
    // The words of the second mention's clause up to its quantity: N204再来2个, 另外N204还要2个.
    const from = item.model.span ? Math.max(0, item.model.span[0] - 12) : 0;
    const upto = item.qty.span ? item.qty.span[0] : (item.model.span?.[1] ?? 0);
    const clause = norm.slice(from, Math.max(from, upto)).split(/[,;。\n]/).pop() ?? '';
    const adds = MORE_WORDS.test(clause);
    first.qty = field(adds ? first.qty.value + item.qty.value : item.qty.value, Math.min(first.qty.confidence, item.qty.confidence), first.qty.span, adds ? 'QTY_SUMMED' : item.qty.source);
  }
  return out;
}

/** Gives each quantity to the product it belongs to: the one just before it, or the one it precedes (两瓶冷却液). */
/** Between a quantity and the one that replaces it (，不对，改成 / ，哦不，要) or adds to it (，再加). */
/** A correction's words (不对, 改成): the quantity after them replaces the last one, it does not add to it. */
const CORRECTS = /不对|不是|不|错|更正|改/;
const QTY_CORRECTION =
  /^[ \t,，、;；.。]*(?:(?:(?:不对|不是|哦不|噢不|喔不|呃不|错了|说错了|打错了|写错了|更正)[ \t,，、;；:：!！.。]*)+(?:改成|改为|换成|应该是|是|要|来)?|改成|改为|换成|再加|再来|另加|加)[ \t:：]*/;

function assignQuantities(norm: string, clusters: ProductCluster[], quantities: QuantityMatch[]): Array<QuantityMatch | null> {
  const assigned: Array<QuantityMatch | null> = clusters.map(() => null);
  const hardBreak = (a: number, b: number) => /[\n。;]/.test(norm.slice(a, b));
  for (const q of quantities) {
    // A service word alone (the 换 in 保养+换3瓶…) holds no quantity.
    const wordsOnly = (c: ProductCluster) => c.hits.every((h) => h.kind === 'desc');
    let prev = -1;
    clusters.forEach((c, i) => {
      if (c.span[1] <= q.span[0] && !wordsOnly(c)) prev = i;
    });
    const prevOk =
      prev >= 0 && !assigned[prev] && !hardBreak(clusters[prev].span[1], q.span[0]) && q.span[0] - clusters[prev].span[1] <= 24;
    const next = clusters.findIndex((c) => c.span[0] >= q.span[1] && !wordsOnly(c));
    const nextOk = next >= 0 && !assigned[next] && /^[\s的]{0,2}$/.test(norm.slice(q.span[1], clusters[next].span[0]));
    if (q.each && prevOk) {
      for (let i = prev; i >= 0 && !assigned[i]; i--) {
        assigned[i] = q;
        // A list of products joined by separators only (A；B、C 各15个) is one list; words between end it.
        const gap = i > 0 ? norm.slice(clusters[i - 1].span[1], clusters[i].span[0]) : '';
        if (i > 0 && !/^[\s,;、|/+&·~*\-→]*$/.test(gap) && (hardBreak(clusters[i - 1].span[1], clusters[i].span[0]) || /,/.test(gap))) break;
        if (i > 0 && /\n/.test(gap)) break;
      }
      continue;
    }
    // 换个/来个 + a product: the one it stands before (换火花塞的时候顺便换个H7灯泡).
    if (q.form === 'IMPLIED_ONE' && nextOk) {
      assigned[next] = q;
      continue;
    }
    const gapHasComma = prevOk && /,/.test(norm.slice(clusters[prev].span[1], q.span[0]));
    // 保养+换4支NGK BKR6EIX, 机油再来3桶美孚: a verb or + before the quantity and the product straight after it.
    // 机油4桶美孚1号: after a kind of part alone, the quantity belongs to the product named right after it.
    const leadsNext =
      nextOk &&
      /^的?$/.test(norm.slice(q.span[1], clusters[next].span[0])) &&
      (/(?:[+&]|[换加来要买拿配带补])\s*$/.test(norm.slice(prev >= 0 ? clusters[prev].span[1] : 0, q.span[0])) ||
        (prev >= 0 && clusters[prev].weak && !clusters[next].weak && q.span[0] - clusters[prev].span[1] <= 1));
    if (leadsNext) assigned[next] = q;
    else if (prevOk && !gapHasComma) assigned[prev] = q;
    else if (nextOk) assigned[next] = q;
    else if (prevOk) assigned[prev] = q;
  }
  return assigned;
}

function matchCustomer(
  known: KnownCustomer[],
  mobile: string | null,
  codeMentions: Array<{ customer: KnownCustomer; span: Span }>,
  hint: Field<string | null>,
  unresolved: Unresolved[],
): Field<{ code: string; name: string } | null> {
  const pick = (c: KnownCustomer) => ({ code: c.code, name: c.name });
  if (codeMentions.length) return field(pick(codeMentions[0].customer), 0.98, codeMentions[0].span, 'CUSTOMER_CODE');
  const digits = (p: string | null | undefined) => (p ?? '').replace(/\D/g, '').replace(/^86(?=1\d{10}$)/, '');
  const byPhone = mobile ? known.filter((c) => digits(c.phone) === mobile) : [];
  const hintValue = hint.value;
  const byName = hintValue
    ? known.filter((c) => c.name === hintValue || c.name.endsWith(hintValue) || hintValue.endsWith(c.name))
    : [];
  if (byPhone.length === 1) {
    if (byName.length && !byName.includes(byPhone[0])) {
      unresolved.push({
        field: 'customer',
        reason: 'CUSTOMER_CONFLICT',
        text: hintValue ?? '',
        span: hint.span,
        candidates: [byPhone[0].code, ...byName.map((c) => c.code)],
        message: `手机号属于${byPhone[0].name}，但店名指向${byName.map((c) => c.name).join('、')} / The mobile belongs to one customer, the shop name to another`,
      });
      return emptyField(null);
    }
    return field(pick(byPhone[0]), 0.95, null, 'CUSTOMER_PHONE');
  }
  if (byName.length === 1) {
    const exact = byName[0].name === hintValue;
    return field(pick(byName[0]), exact ? 0.9 : 0.75, hint.span, 'CUSTOMER_NAME');
  }
  const many = byPhone.length > 1 ? byPhone : byName;
  if (many.length > 1) {
    unresolved.push({
      field: 'customer',
      reason: 'CUSTOMER_AMBIGUOUS',
      text: hintValue ?? mobile ?? '',
      span: hint.span,
      candidates: many.map((c) => c.code),
      message: `匹配到多个客户：${many.map((c) => c.name).join('、')} / Several known customers match`,
    });
  } else if (hintValue && known.length) {
    unresolved.push({
      field: 'customer',
      reason: 'CUSTOMER_UNKNOWN',
      text: hintValue,
      span: hint.span,
      message: `“${hintValue}”不是已知客户，请新建或选择 / “${hintValue}” is not a known customer`,
    });
  }
  return emptyField(null);
}

function findRemarks(text: string, norm: string, mask: SpanMask, lex: Lexicon, alsoFree: Span | null): Array<Field<string>> {
  const out: Array<Field<string>> = [];
  const taken = (i: number) => mask.isTaken(i) && !(alsoFree && i >= alsoFree[0] && i < alsoFree[1]);
  const clause = /[^\n,;。!?、\s]+/g;
  for (const m of norm.matchAll(clause)) {
    const start = m.index!;
    const end = start + m[0].length;
    let free = '';
    for (let i = start; i < end; i++) free += taken(i) ? ' ' : norm[i];
    if (!lex.chat.requestCues.some((w) => free.includes(w))) continue;
    // Keep what no other field explains (月底前备货：美孚0W20 → 备货), as written.
    let s = start;
    let e = end;
    while (s < e && (taken(s) || /[\s:：]/.test(norm[s]))) s++;
    while (e > s && (taken(e - 1) || /[\s:：]/.test(norm[e - 1]))) e--;
    const kept = [...Array(e - s).keys()].map((k) => (taken(s + k) ? ' ' : text[s + k])).join('').replace(/\s+/g, ' ');
    out.push(field(kept, 0.6, [s, e], 'LEFTOVER'));
  }
  return out;
}
