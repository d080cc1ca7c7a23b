// Reads a service call's transcript (the call platform's speech-to-text, kept by the CRM) into the
// caller's intents — chase, change of address, return or exchange, cancel, invoice, complaint —
// each with the words it was read from, the order the caller named and, for a change of address,
// the new address. Only the caller's turns count. The parts are the drafts' and the remarks': the
// same text normalisation, the same cue matcher with its negation, the same address reader, the
// project's one reader of document numbers.
import { defaultLexicon, normalizeText, type Lexicon } from './lexicon.js';
import { compileCues, cueScope, clauseAt, matchCues, type CompiledCue, type CueMatch } from './cues.js';
import { parseAddress } from './address.js';
import { isPersonName } from './chat-draft.js';
import { findDocumentRefs, type DocumentRef } from './document-refs.js';
import type { Span } from './fields.js';

export const CALL_INTENTS = ['CHASE', 'CHANGE_ADDRESS', 'RETURN_EXCHANGE', 'CANCEL', 'INVOICE', 'COMPLAINT', 'OTHER'] as const;
export type CallIntentKind = (typeof CALL_INTENTS)[number];

export interface IntentEvidence {
  span: Span;
  text: string;
  /** The lexicon cue (or `ADDRESS`) that matched. */
  cue: string;
}

/** Why a cue found in the caller's words did not count. */
export type SetAside = 'NEGATED' | 'HEDGED' | 'CONDITIONAL' | 'TAKEN_BACK' | 'NO_ORDER_YET' | 'OTHER_SUBJECT' | 'MENTIONED';

export interface CallIntentReading {
  intent: CallIntentKind;
  confidence: number;
  evidence: IntentEvidence[];
}

export interface Turn {
  speaker: 'AGENT' | 'CUSTOMER';
  /** The words, without the speaker tag. */
  span: Span;
}

export interface CallReading {
  intents: CallIntentReading[];
  /** Cues heard but not counted, and why: what a reviewer looks at when a reading is disputed. */
  setAside: (IntentEvidence & { intent: CallIntentKind; reason: SetAside })[];
  /** The number the caller gave last (a correction wins), else one the agent read out. */
  orderRef: (DocumentRef & { speaker: 'AGENT' | 'CUSTOMER' }) | null;
  /** Every number said, in order. */
  refs: (DocumentRef & { speaker: 'AGENT' | 'CUSTOMER' })[];
  newAddress: { value: string; span: Span; province: string | null; city: string | null; district: string | null; detail: string | null } | null;
  turns: Turn[];
}

/** A house number, read out digit by digit as on the phone (3 1 9 号, 2 幺 8 8 号), with an annex number (66号附3号). */
const HOUSE = '[\\d幺洞](?:\\s*[\\d幺洞])*\\s*号(?:\\s*附\\s*\\d+\\s*号)?';
/** A street and house number, with the district or town said before it (科技城锦峰路8号, 吴中区木渎镇金山路 88 号). */
const STREET = `(?:[\\p{Script=Han}]{2,8}?(?:区|县|市|镇|乡|街道))*[\\p{Script=Han}A-Za-z0-9]{1,10}?(?:大道|大街|路|街|巷|弄|道)(?:[东南西北中]段?)?\\s*${HOUSE}`;
/** The new place named between an address verb and the street (改到新店，…; 送我家里，…). */
const PLACE = '新店|新仓库?|新地址|新厂|新址|家里|店里|公司|仓库|厂里|(?:我们)?另一个(?:门店|店|仓库)|分店|新门店|(?:我|俺|咱)(?:们)?(?:的)?(?:新)?(?:家里?|店里?|公司|仓库|厂里?)';
/** Words that turn to another matter (还有，另外，对了): a subject named before them is not carried past them. */
const TOPIC_SHIFT = /还有|另外|对了|顺便|再就是|再一个|还有个事|另一个事|其次|此外|以及/;
/** A change of mind about a verb just used: 不取消了, 不用改了, 还是别退了, 就不换了. */
const WITHDRAWN = /(?:不用|不要|不想|不必|别|甭|唔使|勿要|莫|不)(?:再)?(取消|撤|改|换|退|催|开|投诉)(?:了|啦|咯|喇|嘞)/gu;
/** The old place kept after all (还是送原来那个地方, 就送老地方吧): a change of address withdrawn without its verb. */
const PLACE_KEPT = /还是(?:送|发|寄)(?:到|去)?(?:原来|之前|以前|老地方|原地址)|(?:就|照样|照旧|仍然)(?:送|发|寄)(?:到|去)?(?:原来|之前|老地方|原地址)/gu;
/** Goods in hand or in use (已经用上了, 都装上了, 已经收到了). */
const GOODS_IN_HAND = /(?:已经|早就|都)(?:用上|装上|换上|收到|拿到)了?/u;
/** A not-yet of sending (还没发, 未发货, 没出库) and of arriving (没收到, 还没到). */
const NOT_SENT = /^(?:还|都|也|一直)?(?:没有?|未|冇|莫得)(?:发|寄|出库|出货|安排发)/u;
const NOT_ARRIVED = /(?:没有?|未|冇|莫得)(?:收到|到|送到|见到|来)/u;
/** A place said right after a verb of delivering: 送到我家, 送到新仓, 送到武进区… */
const PLACE_AHEAD = /^(?:(?:我|俺|咱)(?:们)?(?:的)?(?:新)?(?:家|店|公司|仓库|仓|厂)|家里|店里|新(?:店|仓|地址|厂|址)|另一个|分店|[\p{Script=Han}A-Za-z0-9]{1,10}(?:省|市|区|县|镇|乡|街道|路|街|小区|大厦|园区))/u;
/** Fillers and pauses a caller puts between the parts of an address (那个, 嗯, 就是). */
const FILL = '(?:[\\s,.…、]|那个|这个|就是说|就是|嗯|呃|额|啊)*';
/** The address as meant: without spaces, and without the pauses and fillers said between its parts (萧山区，那个，市心北路……108号). */
const spokenAddress = (said: string) =>
  said.replace(/\s+/g, '').replace(/[\d幺洞]+(?=号)/gu, (d) => d.replace(/幺/g, '1').replace(/洞/g, '0')).replace(/(?:[,，、…]|\.{2,}|。)+(?:(?:那个|这个|就是说|就是|嗯+|呃+|额|啊)(?:[,，、…]|\.{2,}|。)*)?/gu, '');
const WITHDRAWN_OF: Record<string, CallIntentKind[]> = {
  取消: ['CANCEL'],
  撤: ['CANCEL'],
  改: ['CHANGE_ADDRESS'],
  换: ['CHANGE_ADDRESS', 'RETURN_EXCHANGE'],
  退: ['RETURN_EXCHANGE'],
  催: ['CHASE'],
  开: ['INVOICE'],
  投诉: ['COMPLAINT'],
};
/** What is said only of goods (买错型号了, 尺寸不对, 装不上): a clause saying it is about the goods. */
const GOODS_SAID = /型号|尺寸|规格|买错|发错|装不上|不合适|不匹配|不配套|坏了|破了|质量/u;
const escape = (s: string) => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
type Side = Turn['speaker'] | 'NEUTRAL';
/** A street and house number, with the district or town said before it, as said piece by piece (萧山区，那个，市心北路……108号). */
const ROAD = `[\\p{Script=Han}A-Za-z0-9]{1,10}?(?:大道|大街|路|街|巷|弄|道)(?:[东南西北中]段?)?`;
const PIECES = `(?:[\\p{Script=Han}]{2,8}?(?:区|县|市|镇|乡|街道)${FILL})*(?:${ROAD}${FILL}(?:不是|不对)${FILL}是${FILL})?${ROAD}${FILL}${HOUSE}`;
/** A landmark said between the verb and the street (送到万达广场对面那个汽配城，就是建设路256号; 送到物流园，华阳物流园3号门，南湖路58号). */
const LANDMARK = '(?:[^,.;!?。\\n:]{1,16}[,，]\\s*(?:就是|就在|在|是|地址是)?){1,2}?';
/** Above the district: a province and a city said before it (广东省佛山市南海区…), which the new address leaves out. */
const ABOVE_DISTRICT = /^(?:[\p{Script=Han}]{2,7}?(?:省|自治区))?(?:[\p{Script=Han}]{2,4}?市)?(?=[\p{Script=Han}]{1,6}?(?:区|县|旗))/u;
interface Compiled {
  intents: CompiledCue[];
  takeBack: RegExp[];
  deadlineMissed: RegExp[];
  threats: RegExp[];
  otherwise: RegExp[];
  tag: RegExp;
  /** A listed tag right after a comma (…双流区，客服：嗯，双流区。): the agent cut in before the caller's sentence ended. */
  cutIn: RegExp;
  side: (name: string) => Side;
  /** The address verbs, each with what may stand between it and the address (改到新店，…). */
  verbsBefore: { verb: string; re: RegExp }[];
  verbsAfter: { verb: string; re: RegExp }[];
  /** Verb, place, street: said at once, with pauses, past a landmark; a street answering the agent; a street after a change-of-address cue. */
  street: RegExp;
  filled: RegExp;
  landmarked: RegExp;
  answered: RegExp;
  bare: RegExp;
  bareHurry: RegExp[];
}
const compiledFor = new WeakMap<Lexicon, Compiled>();

function compiled(lex: Lexicon) {
  let c = compiledFor.get(lex);
  if (!c) {
    const { speakers } = lex.calls;
    const norm = (xs: string[]) => xs.map((s) => normalizeText(s, lex));
    const names = norm([...speakers.agent, ...speakers.customer, ...speakers.other]).sort((a, b) => b.length - a.length);
    const alt = names.map(escape).join('|');
    const roles = norm([...speakers.agentRoleWords, ...speakers.customerRoleWords]).sort((a, b) => b.length - a.length).map(escape).join('|');
    // A tag not listed: a few letters around a role word (客服小李, 王老板), not a verb of saying (老板说:).
    const named = `[\\p{Script=Han}A-Za-z]{0,4}(?:${roles})[\\p{Script=Han}A-Za-z0-9*＊]{0,12}(?<![说讲问道])`;
    // A tag opens the text, a line, or follows the end of the previous turn; it ends in a colon or sits in brackets.
    // After a comma only names that cannot be a word of the sentence: no single letters (A, Q, X).
    const long = names.filter((n) => n.length >= 2).map(escape).join('|');
    const tag = new RegExp(`(?:^|(?<=[\\n。.!?…)\\]】]))\\s*(?:[\\[【](${alt}|${named})[\\]】]\\s*:?|(${alt}|${named})\\s*:)`, 'gu');
    const agent = new Set(norm(speakers.agent));
    const customer = new Set(norm(speakers.customer));
    const agentWords = norm(speakers.agentRoleWords);
    const customerWords = norm(speakers.customerRoleWords);
    const side = (name: string): Side =>
      agent.has(name) ? 'AGENT' : customer.has(name) ? 'CUSTOMER' : agentWords.some((w) => name.includes(w)) ? 'AGENT' : customerWords.some((w) => name.includes(w)) ? 'CUSTOMER' : 'NEUTRAL';
    c = {
      intents: compileCues(lex.calls.intents),
      takeBack: lex.calls.takeBack.patterns.map((p) => new RegExp(p, 'g')),
      deadlineMissed: lex.calls.conditions.deadlineMissed.map((p) => new RegExp(p, 'g')),
      threats: lex.calls.conditions.threats.map((p) => new RegExp(p, 'gu')),
      otherwise: lex.calls.conditions.otherwise.map((p) => new RegExp(p, 'gu')),
      tag,
      cutIn: new RegExp(`(?<=,)\\s*(?:\\[[\\d:.]+\\]\\s*)?(?:[\\[【](${long}|${named})[\\]】]\\s*:?|(${long}|${named})\\s*:)`, 'gu'),
      side,
      ...addressPatterns(lex),
    };
    compiledFor.set(lex, c);
  }
  return c;
}

/** The lexicon's address verbs and hurries as patterns: compiled once per lexicon, not per call. */
function addressPatterns(lex: Lexicon) {
  const cues = lex.calls;
  const verbs = [...cues.addressVerbs.before].sort((a, b) => b.length - a.length).map(escape).join('|');
  const hurries = (cues.meanings.HURRY as string[] | undefined) ?? [];
  return {
    verbsBefore: cues.addressVerbs.before.map((verb) => ({ verb, re: new RegExp(`${escape(verb)}(?:${PLACE})?.{0,2}$`) })),
    verbsAfter: cues.addressVerbs.after.map((verb) => ({ verb, re: new RegExp(`^[,，\\s]{0,2}${escape(verb)}`) })),
    street: new RegExp(`(?:${verbs})(?:${PLACE})?[\\s:,]{0,2}(${STREET})`, 'gu'),
    filled: new RegExp(`(?:${verbs})(?:${PLACE})?${FILL}(${PIECES})`, 'gu'),
    landmarked: new RegExp(`(?:${verbs})(?:${PLACE})?[\\s:,]{0,2}${LANDMARK}(${STREET})`, 'gu'),
    answered: new RegExp(`^${FILL}(${PIECES})`, 'u'),
    bare: new RegExp(`(?<=^|[\\s:,是在为])(?![是在为])${STREET}`, 'gu'),
    bareHurry: hurries.map((h) => new RegExp(`^(?:${escape(h)})+[啊吧呀哈嘛啦哦]*$`)),
  };
}

/** The speaker turns; text with no tags at all is the caller's. */
export function splitTurns(norm: string, lex: Lexicon = defaultLexicon()): Turn[] {
  const { tag, cutIn, side } = compiled(lex);
  const marks: { at: number; end: number; name: string; side: Side }[] = [];
  tag.lastIndex = 0;
  for (let m; (m = tag.exec(norm)); ) {
    const name = m[1] ?? m[2];
    marks.push({ at: m.index, end: m.index + m[0].length, name, side: side(name) });
  }
  // Only beside tags already found: in a text with none, 客户: after a comma is a word, not a speaker.
  cutIn.lastIndex = 0;
  for (let m; marks.length && (m = cutIn.exec(norm)); ) {
    const [at, end] = [m.index, m.index + m[0].length];
    if (!marks.some((k) => k.at < end && at < k.end)) marks.push({ at, end, name: m[1] ?? m[2], side: side(m[1] ?? m[2]) });
  }
  // A name with no role word (小王：, 小李：) is a tag when it opens turns more than once, or beside tags
  // that are (小李：… 陈老板：…): a speaker the platform names, neutral until the others tell it apart.
  const bare = /(?:^|(?<=[\n。.!?…)\]】]))\s*([\p{Script=Han}]{2,3})\s*:/gu;
  const seen = new Map<string, { at: number; end: number }[]>();
  for (let m; (m = bare.exec(norm)); ) {
    const name = m[1];
    if (/[我你他她说讲问道是的了吗呢啊]/u.test(name) || marks.some((k) => k.at <= m!.index && m!.index < k.end)) continue;
    seen.set(name, [...(seen.get(name) ?? []), { at: m.index, end: m.index + m[0].length }]);
  }
  for (const [name, at] of seen)
    if (at.length >= 2 && (marks.length || at.length >= 3)) for (const a of at) marks.push({ ...a, name, side: 'NEUTRAL' });
  marks.sort((a, b) => a.at - b.at);
  if (!marks.length) return [{ speaker: 'CUSTOMER', span: [0, norm.length] }];
  // Neutral tags (A/B, 说话人1/2): the one who talks like an agent is the agent, when exactly one does most.
  const neutral = [...new Set(marks.filter((m) => m.side === 'NEUTRAL').map((m) => m.name))];
  const agentLike = new Map<string, number>(neutral.map((n) => [n, 0]));
  marks.forEach((m, i) => {
    if (m.side !== 'NEUTRAL') return;
    const words = norm.slice(m.end, i + 1 < marks.length ? marks[i + 1].at : norm.length);
    agentLike.set(m.name, agentLike.get(m.name)! + lex.calls.speakers.agentPhrases.filter((p) => words.includes(normalizeText(p, lex))).length);
  });
  const ranked = [...agentLike].sort((a, b) => b[1] - a[1]);
  // One neutral name beside callers only (小王：… 刘师傅：…, 小李：… 陈老板：…): the one who is not a caller is the agent.
  const sides = new Set(marks.map((m) => m.side));
  const neutralAgent =
    neutral.length >= 2 && ranked[0][1] > ranked[1][1] ? ranked[0][0] : neutral.length === 1 && sides.has('CUSTOMER') && !sides.has('AGENT') ? neutral[0] : null;
  const speakerOf = (m: (typeof marks)[number]): Turn['speaker'] => (m.side === 'NEUTRAL' ? (m.name === neutralAgent ? 'AGENT' : 'CUSTOMER') : m.side);
  const turns: Turn[] = [];
  if (norm.slice(0, marks[0].at).trim()) turns.push({ speaker: 'CUSTOMER', span: [0, marks[0].at] });
  marks.forEach((m, i) => turns.push({ speaker: speakerOf(m), span: [m.end, i + 1 < marks.length ? marks[i + 1].at : norm.length] }));
  return turns;
}

/** Reads one transcript. Pure: no I/O. */
export function readCall(transcript: string, lexicon?: Lexicon): CallReading {
  const lex = lexicon ?? defaultLexicon();
  const cues = lex.calls;
  const raw = transcript ?? '';
  const norm = normalizeText(raw, lex);
  const { intents: intentCues, takeBack, deadlineMissed, threats, otherwise, verbsBefore, verbsAfter, street, filled, landmarked, answered, bare, bareHurry: hurries } = compiled(lex);
  const pastBefore = (before: string) => cues.past.words.some((w) => before.lastIndexOf(w) >= 0 && before.length - (before.lastIndexOf(w) + w.length) <= 4);
  // 钱已经退回来了, 发票也一起到了; 少发了两个，后来补过来了 — the matter told as done or fine, in the cue's clause or put
  // right in the next: nothing asked of it, unless the sentence goes on to a trouble (发票到了，但是金额不对).
  /** The sentence around `pos`. */
  const sentenceOf = (pos: number): Span => {
    let [s, e] = [pos, pos];
    while (s > 0 && !/[.!?。\n]/.test(norm[s - 1])) s--;
    while (e < norm.length && !/[.!?。\n]/.test(norm[e])) e++;
    return [s, e];
  };
  const problems = (cues.meanings.PROBLEM as string[] | undefined) ?? [];
  const replies = (cues.meanings.REPLY as string[] | undefined) ?? [];
  const partWords = lex.partTypes.flatMap((t) => [t.type, ...t.synonyms]);
  const settledAt = (m: CueMatch) => {
    const [cs, ce] = clauseAt(norm, m.span[0], breaks);
    const sentenceEnd = (from: number) => from + (/[.!?。\n;]/.exec(norm.slice(from))?.index ?? norm.length - from);
    // The next clause in the sentence, past a clause of fillers only (…，就是，…).
    const clauseAfter = (end: number): Span | null => {
      if (end >= norm.length || /[.!?。\n;]/.test(norm[end])) return null;
      const next = clauseAt(norm, end + 1, breaks);
      return FILLER_ONLY.test(norm.slice(...next).trim()) ? clauseAfter(next[1]) : next;
    };
    const troubleAfter = (end: number) => {
      const next = clauseAfter(end);
      const rest = norm.slice(end, sentenceEnd(end));
      return /但|可是|不过|然而|只是|却|结果/.test(rest) || (next !== null && (/^(?:就是|还是|可)/.test(norm.slice(...next)) || problems.some((w) => norm.slice(...next).includes(w)) || ASKS.test(norm.slice(...next))));
    };
    if (reportsDone(norm.slice(cs, ce), cues.settled)) return !troubleAfter(ce);
    const next = clauseAfter(ce);
    if (!next || !turnOf(next[0]) || turnOf(next[0]) !== turnOf(m.span[0])) return false;
    const said = norm.slice(...next);
    return cues.settled.later.some((w) => said.startsWith(w)) && reportsDone(said, cues.settled) && !troubleAfter(next[1]);
  };
  const turns = splitTurns(norm, lex);
  const callerTurns = turns.filter((t) => t.speaker === 'CUSTOMER');
  const turnOf = (pos: number) => callerTurns.find((t) => t.span[0] <= pos && pos < t.span[1]) ?? null;
  const scope = cueScope(cues.clauseBreaks, cues.negation);
  const breaks = scope.breaks;

  const setAside: CallReading['setAside'] = [];
  const ev = (span: Span, cue: string): IntentEvidence => ({ span, text: raw.slice(span[0], span[1]), cue });
  const found: (CueMatch & { reason?: SetAside })[] = matchCues(norm, intentCues, scope, [], (s) => turnOf(s[0]) !== null);
  // Cues of two intents over the same words are one reading: the longer (把单子退了 cancels; 退了吧 inside it is not a return).
  for (const m of [...found]) {
    const longer = found.find((o) => o !== m && o.group.label !== m.group.label && o.span[0] < m.span[1] && m.span[0] < o.span[1] && o.span[1] - o.span[0] > m.span[1] - m.span[0]);
    if (longer) found.splice(found.indexOf(m), 1);
  }
  // A refusal between a pattern's topic and its verb (地址没问题不用改, 发票也别开了) reaches it as one before it
  // does. Only the words that refuse or countermand (不用, 别, 不要 …), not a bare 不 or 没, which describe a
  // state (发票还没寄); not for a chase, whose cues are made of negations (还没到), nor for words that carry
  // their own (地址不对).
  const refusals = cues.negation.before.filter((w) => w.length > 1 || w === '别' || w === '甭');
  for (const m of found) {
    if (m.negated || m.group.label === 'CHASE' || m.group.words.includes(m.cue)) continue;
    for (let i = m.span[0] + 1; i < m.span[1] - 1 && !m.negated; i++) if (refusals.some((w) => norm.startsWith(w, i)) && !cues.negation.notNegators.some((w) => norm.startsWith(w, i))) m.negated = true;
  }
  // A cue overlapping a negated cue of the same intent is the same words (发票不用开: 发票, 票…开).
  for (const m of found)
    if (!m.negated && found.some((o) => o.negated && o.group.label === m.group.label && o.span[0] < m.span[1] && m.span[0] < o.span[1])) m.negated = true;
  // 你们这不是以次充好吗？— a rhetorical 不是…吗 affirms what it seems to deny.
  for (const m of found) {
    if (!m.negated) continue;
    const [cs, ce] = clauseAt(norm, m.span[0], breaks);
    if (m.group.unlessClauseHas.some((w) => norm.slice(cs, ce).includes(w))) continue;
    if (/不是/.test(norm.slice(cs, m.span[0])) && /^[^,.;!?。]{0,6}(?:吗|嘛|么)/.test(norm.slice(m.span[1], ce + 1)) && !/不是[^,.;!?。]*不/.test(norm.slice(cs, m.span[1]))) m.negated = false;
  }
  for (const m of found) if (m.negated) m.reason = m.group.unlessClauseHas.some((w) => norm.slice(...clauseAt(norm, m.span[0], breaks)).includes(w)) ? 'OTHER_SUBJECT' : 'NEGATED';
  // 不是取消，是改个地址: a cue corrected with 不是…是 takes back the same intent said just before it in the turn.
  for (const m of found) {
    if (!m.negated || !/不是(?:要|说|想)?$/.test(norm.slice(Math.max(0, m.span[0] - 3), m.span[0]))) continue;
    if (!/^[^.!?。\n]{0,10}?(?:而是|就是|我是|是)/.test(norm.slice(m.span[1], m.span[1] + 14))) continue;
    const turn = turnOf(m.span[0]);
    for (const o of found)
      if (!o.reason && o.group.label === m.group.label && turn && o.span[0] >= turn.span[0] && o.span[1] <= m.span[0] && m.span[0] - o.span[1] <= cues.takeBack.window) o.reason = 'TAKEN_BACK';
  }
  const goods = [...((cues.meanings.GOODS as string[] | undefined) ?? []), ...lex.partTypes.map((t) => t.type)];
  // Seeing or receiving, or a bare 换 (我们要的是专票，能换一下吗), takes its object from the clause before: 发票弄啥嘞，到现在还没见着 is still about the
  // invoice, 发票还没收到，寄了没有 still the invoice. Only into the next clause and only when the cue opens it (after a few words of time: 到现在, 一直); a
  // cue with a verb of its own (发货了没有, 能退吗) says what it is about, whatever the clause before named.
  for (const m of found) {
    const turn = turnOf(m.span[0]);
    const said = norm.slice(...m.span);
    const bareHurry = hurries.some((re) => re.test(said));
    if (m.reason || !m.group.unlessClauseHas.length || !turn || !(bareHurry || /见|收到|了?没有?$|了(?:吗|么|伐)$|^换成|^(?:能不能|可不可以|能否|能|可以)?(?:帮我|给我|给|帮)?换(?:一下|下)?(?:吗)?$|^(?:我们?|俺)?不(?:想)?要了$/.test(said)) || goods.some((g) => said.includes(g))) continue;
    const [cs] = clauseAt(norm, m.span[0], breaks);
    if (cs <= turn.span[0] || m.span[0] - cs > 4 || /[要想请麻烦帮给快赶]/.test(norm.slice(cs, m.span[0])) || /[.!。\n]/.test(norm[cs - 1])) continue;
    const [, ce] = clauseAt(norm, m.span[0], breaks);
    // 给我换批新的, 换个好的: a measure of goods after the verb says it is goods.
    const counted = /^(?:一|两|几)?[批个件只套根条支箱对副]/.test(norm.slice(m.span[1], ce));
    if (counted || goods.some((g) => norm.slice(cs, m.span[0]).includes(g) || norm.slice(m.span[1], ce).includes(g)) || TOPIC_SHIFT.test(norm.slice(cs, m.span[0]))) continue;
    // Back clause by clause, within the sentence and the turn: the nearest that names a subject says what this is about
    // (发票一直没收到，电子发票也没有，邮箱里啥都没有，你们发了吗？ asks about the invoice).
    // 换成… names its own object: only the clause right before it (抬头不对，要换成新公司名).
    const reach = /^换成/.test(said) ? 1 : 4;
    for (let at = cs, n = 0; at > turn.span[0] && n < reach && !/[.!。\n]/.test(norm[at - 1]); n++) {
      const [ps] = clauseAt(norm, at - 2, breaks);
      const previous = norm.slice(Math.max(ps, turn.span[0]), at);
      if (m.group.unlessClauseHas.some((w) => previous.includes(w))) m.reason = 'OTHER_SUBJECT';
      // 还有，/ 另外，/ 对了，— the caller turns to another matter: a subject named before it is not this one's.
      // Nor past a clause that asks or says something of its own (也不是要投诉你们, 买错型号了): the subject ends there.
      const other = found.some((o) => o !== m && o.span[0] >= Math.max(ps, turn.span[0]) && o.span[1] <= at);
      if (m.reason || other || goods.some((g) => previous.includes(g)) || GOODS_SAID.test(previous) || TOPIC_SHIFT.test(previous)) break;
      at = Math.max(ps, turn.span[0]);
    }
  }

  // Words of one intent over the same words as one about something else are about it too (帮我换 | 换一下).
  for (const m of found)
    if (!m.reason && found.some((o) => o.reason === 'OTHER_SUBJECT' && o.group.label === m.group.label && o.span[0] < m.span[1] && m.span[0] < o.span[1])) m.reason = 'OTHER_SUBJECT';

  // The agent proposes (需要我帮您取消吗？) and the caller agrees in the next turn (可以): the caller's intent. Declined (不用，先问问),
  // what the caller had only asked about as a possibility (能开专票吗？) is no request: the offer was what it would have become.
  const askedIfPossible = (m: CueMatch) => {
    const [cs, ce] = clauseAt(norm, m.span[0], breaks);
    const said = norm.slice(cs, ce + 1);
    return POSSIBLE.test(said) && (/[吗么呢?]/.test(said) || /能不能|可不可以|行不行|得唔得|可唔可以/.test(said));
  };
  for (let i = 0; i + 1 < turns.length; i++) {
    const [agent, reply] = [turns[i], turns[i + 1]];
    if (agent.speaker !== 'AGENT' || reply.speaker !== 'CUSTOMER') continue;
    // The words of the turn, without the timestamp the platform writes before the next tag ([00:00:06]).
    const asked = norm.slice(...agent.span).replace(/\[[\d:.]+\]\s*$/, '').trim();
    if (!/(吗|呢|么|\?)[\s.。]*$/.test(asked)) continue;
    const answer = norm.slice(...reply.span).replace(/^[\s,.。…~]*(?:嗯+|哦|啊|那个|就是)?[\s,.。…~]*/, '');
    const declined = cues.consent.refusals.some((w) => answer.startsWith(w));
    if (!declined && !cues.consent.words.some((w) => answer.startsWith(w))) continue;
    // Only what the question itself proposes: 这边看到您的订单还没发货，需要我帮您取消吗 proposes a cancel, not a chase.
    let end = agent.span[0] + norm.slice(agent.span[0]).indexOf(asked) + asked.length;
    while (end > agent.span[0] && /[\s?.。!]/.test(norm[end - 1])) end--;
    const [qs] = clauseAt(norm, Math.max(agent.span[0], end - 1), breaks);
    let proposed = matchCues(norm, intentCues, scope, [], (sp) => sp[0] >= Math.max(qs, agent.span[0]) && sp[1] <= agent.span[1]).filter((m) => !m.negated);
    // 我们给您换骆驼70Ah，差价您补一下可以吗？— the question asks assent to what the agent offers to do for the caller earlier
    // in the sentence (给您换, 帮您退): that offer is what the caller agrees to.
    if (!proposed.length) {
      const [ss] = sentenceOf(Math.max(agent.span[0], end - 1));
      proposed = matchCues(norm, intentCues, scope, [], (sp) => sp[0] >= Math.max(ss, agent.span[0]) && sp[1] <= qs)
        .filter((m) => !m.negated && /(?:给|帮|为|替)您/.test(norm.slice(Math.max(ss, agent.span[0], m.span[0] - 4), m.span[1])));
    }
    if (!declined) for (const m of proposed) found.push({ ...m, cue: `CONSENT:${m.cue}` });
    else
      for (const m of found)
        if (!m.reason && !m.negated && m.span[1] <= agent.span[0] && proposed.some((p) => p.group.label === m.group.label) && askedIfPossible(m)) m.reason = 'NEGATED';
  }
  // 先问问, 就问问 — the caller says they are only asking: what they asked about as a possibility is no request.
  if (callerTurns.some((t) => cues.consent.askingOnly.some((w) => norm.slice(...t.span).includes(w))))
    for (const m of found) if (!m.reason && !m.negated && m.group.label !== 'CHASE' && askedIfPossible(m)) m.reason = 'HEDGED';
  // 我就是先问问，现在东西还没到 — beside only asking, a not-yet told plainly (not 怎么还没到) is why they ask ahead, not a chase.
  for (const t of callerTurns) {
    if (!cues.consent.askingOnly.some((w) => norm.slice(...t.span).includes(w))) continue;
    for (const m of found)
      if (!m.reason && m.group.label === 'CHASE' && m.span[0] >= t.span[0] && m.span[1] <= t.span[1] && NOT_ARRIVED.test(norm.slice(...m.span)) && !/怎么|咋|为什么|为啥|啥时|什么时候|几时|吗|呢|\?/.test(norm.slice(...clauseAt(norm, m.span[0], breaks)))) m.reason = 'HEDGED';
  }

  // A street address after 送到/改成… (or before 送这儿) in the caller's words: a new delivery address.
  const refs = corrected(raw, norm, findDocumentRefs(raw)).map((r) => ({ ...r, speaker: (turnOf(r.span[0]) ? 'CUSTOMER' : 'AGENT') as 'AGENT' | 'CUSTOMER' }));
  const refTaken = (s: number, e: number) => refs.some((r) => r.span[0] < e && s < r.span[1]);
  const stops = turns.map((t) => t.span[1]);
  const address = parseAddress(raw, norm, lex, {
    stops,
    free: (s, e) => turnOf(s) !== null && turnOf(e - 1) !== null && !refTaken(s, e),
    looksLikeName: (s) => isPersonName(s, lex),
  });
  let newAddress: CallReading['newAddress'] = null;
  if (address.span && address.detail.value && /\d/.test(address.detail.value)) {
    let [s, e0] = address.span;
    // A house number read out digit by digit (市心北路1 5 8 号) runs on past the first digit.
    if (/\d$/.test(norm.slice(s, e0))) e0 += /^[\s\d幺洞]*号/.exec(norm.slice(e0))?.[0].length ?? 0;
    // The verb that introduced it is not part of the address (改到工业园区… → 工业园区…).
    const verb = cues.addressVerbs.before.find((v) => norm.startsWith(v, s) && e0 - s > v.length + 2);
    if (verb) s += verb.length;
    // The address as said, up to its house number: 金山路88号仓库 → 金山路88号.
    const said = norm.slice(s, e0);
    const lastUnit = Math.max(...[...lex.chat.addressUnits].map((u) => said.lastIndexOf(u)));
    const e = lastUnit >= 0 && !/\d/.test(said.slice(lastUnit + 1)) ? s + lastUnit + 1 : e0;
    const before = norm.slice(Math.max(0, s - 8), s);
    const after = norm.slice(e, e + 8);
    // The verb may name the new place before the street (改到新店，姑苏区…).
    const verbBefore = verbsBefore.find(({ verb, re }) => before.replace(/\s+$/, '').endsWith(verb) || re.test(before))?.verb;
    const verbAfter = verbsAfter.find(({ verb, re }) => re.test(after) || after.includes(verb))?.verb;
    const changeCue = found.some((m) => m.group.label === 'CHANGE_ADDRESS');
    if (verbBefore || verbAfter || changeCue) {
      newAddress = {
        // The street and number with the district or town said; a province and city said before them are left out.
        value: spokenAddress(raw.slice(s, e)).replace(ABOVE_DISTRICT, ''),
        span: [s, e],
        province: address.province.value,
        city: address.city.value,
        district: address.district.value,
        detail: address.detail.value,
      };
      if (verbBefore || verbAfter) {
        const group = cues.intents.find((g) => g.label === 'CHANGE_ADDRESS')!;
        found.push({ span: [s, e], cue: 'ADDRESS', group, negated: false });
      }
    }
  }
  // No division named (应该是人民路108号, 送我家里，科技城锦峰路8号): a street and house number right after an
  // address verb is the new address all the same, its district or town kept as said.
  if (!newAddress) {
    street.lastIndex = 0;
    for (let m; !newAddress && (m = street.exec(norm)); ) {
      const s = m.index + m[0].length - m[1].length;
      const e = m.index + m[0].length;
      if (!turnOf(s) || turnOf(s) !== turnOf(e - 1) || refTaken(s, e)) continue;
      const value = spokenAddress(raw.slice(s, e));
      newAddress = { value, span: [s, e], province: null, city: null, district: null, detail: value };
      found.push({ span: [s, e], cue: 'ADDRESS', group: cues.intents.find((g) => g.label === 'CHANGE_ADDRESS')!, negated: false });
    }
    // The same, with fillers and pauses between its parts (送到萧山区，那个，市心北路……108号): the address as meant, without them.
    // A street corrected as it is said (竹山路，呃，不是，是金箔路55号): the street said after the correction.
    // Said piece by piece, the address is the district or town and what follows; the city before a district is where it is.
    const meant = (s: number, e: number, said = raw) =>
      spokenAddress(said.slice(s, e))
        .replace(/(?<=区|县|市|镇|乡|街道|^)[^区县镇乡路街巷弄\d]{1,10}?(?:大道|大街|路|街|巷|弄)(?:不是|不对)是/u, '')
        .replace(ABOVE_DISTRICT, '');
    // In one caller turn, or (pieces joined across the agent's echo) starting in one and ending in the next.
    const take = (s: number, e: number, across?: { said: string }) => {
      const [first, last] = [turnOf(s), turnOf(e - 1)];
      if (!first || !last || (across ? first === last : first !== last) || refTaken(s, e)) return;
      const value = meant(s, e, across?.said);
      newAddress = { value, span: [s, e], province: null, city: null, district: null, detail: value };
      found.push({ span: [s, e], cue: 'ADDRESS', group: cues.intents.find((g) => g.label === 'CHANGE_ADDRESS')!, negated: false });
    };
    filled.lastIndex = 0;
    for (let m; !newAddress && (m = filled.exec(norm)); ) take(m.index + m[0].length - m[1].length, m.index + m[0].length);
    // A landmark named between the verb and the street (送到万达广场对面那个汽配城，就是建设路256号): the street is the address.
    landmarked.lastIndex = 0;
    for (let m; !newAddress && (m = landmarked.exec(norm)); ) take(m.index + m[0].length - m[1].length, m.index + m[0].length);
    // The agent asks where to (新地址是？改到哪里？) and the caller's next turn opens with the address: the verb was the agent's.
    for (let i = 0; !newAddress && i + 1 < turns.length; i++) {
      const [agent, reply] = [turns[i], turns[i + 1]];
      if (agent.speaker !== 'AGENT' || reply.speaker !== 'CUSTOMER' || !/(?:新地址|地址|改到|送到|寄到|送|改)[^,.;!?。]{0,6}(?:哪|是)[^,.;!?。]{0,4}[?？]\s*$/u.test(norm.slice(...agent.span).replace(/\[[\d:.]+\]\s*$/, ''))) continue;
      const m = answered.exec(norm.slice(...reply.span));
      if (m) take(reply.span[0] + m[0].length - m[1].length, reply.span[0] + m[0].length);
    }
    // The agent echoes a piece as it is said (送到，呃，双流区，— 客服：嗯，双流区。— 东升街道棠湖西路45号): the caller's pieces on
    // both sides of the echo are one address. Only a backchannel (嗯, 好的, 您说) or words the caller has just said are passed over.
    if (!newAddress) {
      let [joinedNorm, joinedRaw] = [norm, raw];
      for (let i = 1; i + 1 < turns.length; i++) {
        const [before, agent, after] = [turns[i - 1], turns[i], turns[i + 1]];
        if (agent.speaker !== 'AGENT' || before.speaker !== 'CUSTOMER' || after.speaker !== 'CUSTOMER') continue;
        const echo = norm
          .slice(...agent.span)
          .replace(/\[[\d:.]+\]\s*$/, '')
          .replace(/^[\s,.。…]*(?:(?:嗯+|哦|好的?|对|是的?|您说|请讲|请说|然后呢|还有呢)[\s,.。…]*)*/u, '')
          .replace(/[\s,.。…?？]+$/u, '')
          .replace(/(?:的)?(?:哪里|哪儿|哪|什么路|然后呢)$/u, '');
        if (echo.length > 10 || (echo && !norm.slice(...before.span).includes(echo))) continue;
        // From the end of the caller's words, before the timestamp the platform writes ahead of the next tag.
        const cut = before.span[1] - (/\[[\d:.]+\]\s*$/.exec(norm.slice(...before.span))?.[0].length ?? 0);
        const blank = (t: string) => t.slice(0, cut) + ' '.repeat(after.span[0] - cut) + t.slice(after.span[0]);
        [joinedNorm, joinedRaw] = [blank(joinedNorm), blank(joinedRaw)];
      }
      filled.lastIndex = 0;
      for (let m; joinedNorm !== norm && !newAddress && (m = filled.exec(joinedNorm)); ) take(m.index + m[0].length - m[1].length, m.index + m[0].length, { said: joinedRaw });
    }
    // After a change-of-address cue (少写了个门牌号，是新华路66号) the street said next in the turn is the new one.
    for (const cue of found.filter((m) => m.group.label === 'CHANGE_ADDRESS' && !m.negated && m.cue !== 'ADDRESS')) {
      const turn = turnOf(cue.span[0]);
      if (newAddress || !turn) break;
      bare.lastIndex = cue.span[1];
      const m = bare.exec(norm);
      if (!m || m.index >= turn.span[1] || m.index - cue.span[1] > 16 || refTaken(m.index, m.index + m[0].length)) continue;
      const value = spokenAddress(raw.slice(m.index, m.index + m[0].length));
      newAddress = { value, span: [m.index, m.index + m[0].length], province: null, city: null, district: null, detail: value };
    }
  }

  for (const m of found) {
    if (m.reason) continue;
    const [cs, ce] = clauseAt(norm, m.span[0], breaks);
    const clause = norm.slice(cs, ce);
    const after = norm.slice(m.span[1], m.span[1] + 4);
    if (cues.mentioned.after.some((w) => after.startsWith(w))) m.reason = 'MENTIONED';
    // 还没发吧？/ 未发货嘛？ — the caller takes it for granted that it has not left, as the premise of another request.
    // 还没发货就别发了 / 还没发的话 — the same premise, of a request that follows.
    else if (m.group.label === 'CHASE' && /[没未莫冇]/.test(norm.slice(...m.span)) && /^[^,.;!?。]{0,3}(?:[吧嘛]|的话|就)/.test(after)) m.reason = 'MENTIONED';
    // 每次都说马上马上, 你们说很快 — a promise the caller reports, not a hurry asked for.
    else if (m.group.label === 'CHASE' && /(?:都|总|老|一直|每次|每回|又|你们|你|他们?|她|客服)说(?:的是|是|了)?(?:马上|很快|快了|尽快)*$/.test(norm.slice(cs, m.span[0]))) m.reason = 'MENTIONED';
    // 能不能让他送到我家，… — where it goes, not when: a place after the verb makes it a redirect.
    else if (m.group.label === 'CHASE' && /(?:送到|送去|送往|拉到|送)$/.test(norm.slice(...m.span)) && PLACE_AHEAD.test(norm.slice(m.span[1], m.span[1] + 14))) m.reason = 'OTHER_SUBJECT';
    // 啥时候到都行 — a when said as not minding asks for nothing.
    else if (m.group.label === 'CHASE' && /^[^,.;!?。]{0,2}(?:都|也)(?:行|可以|没事|没关系|不要紧|无所谓|成)/.test(after)) m.reason = 'MENTIONED';
    else if (settledAt(m)) m.reason = 'MENTIONED';
    // 客户退掉了, 车主那边退回来了 — a return someone else made is told of: the caller's own words ask.
    else if (m.group.label === 'RETURN_EXCHANGE' && THIRD_PARTY_DID.test(norm.slice(Math.max(cs, m.span[0] - 6), m.span[0])) && (/了$/.test(norm.slice(...m.span)) || /^(?:掉|回来|回去)?了/.test(after))) m.reason = 'MENTIONED';
    // 来了一台帕萨特，要换正时皮带 — 换 with a part right after it is the repair job on the car, told as background; an exchange
    // is asked of the seller (给我换, 帮我换) or says what is wrong (型号不对，要换).
    else if (m.group.label === 'RETURN_EXCHANGE' && /换$/.test(norm.slice(...m.span)) && partWords.some((w) => norm.startsWith(w, m.span[1])) && !/[给帮替]/.test(norm.slice(cs, m.span[0])) && !problems.some((w) => norm.slice(clauseAt(norm, Math.max(0, cs - 2), breaks)[0], ce).includes(w))) m.reason = 'OTHER_SUBJECT';
    // 你们说三天内回复，到现在一点消息没有 — no news of a reply promised is not a parcel late.
    else if (m.group.label === 'CHASE' && /消息|动静|音讯|回音|信儿|下文/.test(norm.slice(...m.span)) && replies.some((w) => norm.slice(Math.max(turnOf(m.span[0])?.span[0] ?? 0, cs - 30), m.span[0]).includes(w))) m.reason = 'OTHER_SUBJECT';
    // 上次退货的钱 — a past matter qualifying a noun is told of, not asked for.
    // 上次退货的钱, 上次帮我换货 — a return, cancel or move the caller dates in the past is told of, not asked for
    // (an invoice or a chase is still the subject: 上次开的发票金额不对).
    else if (['RETURN_EXCHANGE', 'CANCEL', 'CHANGE_ADDRESS'].includes(m.group.label as string) && pastBefore(norm.slice(cs, m.span[0]))) m.reason = 'MENTIONED';
    else if (cues.hedges.words.some((w) => clause.includes(w))) m.reason = 'HEDGED';
    // 你们一般几点发货？— how things usually go: a question about the service, asked of no order.
    else if (m.group.label === 'CHASE' && cues.policy.words.some((w) => clause.includes(w))) m.reason = 'NO_ORDER_YET';
    // 我已经用上了，急着修车 — a need told of goods in hand says why, it waits for nothing.
    else if (m.group.label === 'CHASE' && /^(?:等着|急着|急等|急用)/.test(norm.slice(...m.span)) && GOODS_IN_HAND.test(norm.slice(...sentenceOf(m.span[0])))) m.reason = 'MENTIONED';
    // 如果今天能发，我就不取消了: a time the caller sets on shipping, even inside a condition, asks when it ships.
    else if (insideCondition(norm, m.span, cs, ce, cues.conditions) && !(m.group.label === 'CHASE' && /^(?:今天|明天|后天|马上|今晚)/.test(norm.slice(...m.span)))) m.reason = 'CONDITIONAL';
    // 说要退货那个 — a request reported, not made.
    else if (/说/.test(norm.slice(cs, m.span[0])) && /^[货款换]?(?:那个|那单|那件)/.test(after)) m.reason = 'MENTIONED';
  }
  // 如果今天还发不出来，那就帮我取消吧: a deadline passing undelivered is a chase; what it threatens (a cancel, a
  // return, a complaint) is not asked for yet. A condition on the state (要是还没发的话，地址改成…) is not a deadline.
  // The same without 如果 (再不发就取消, 明天还不到的话我就不要了, 再拖下去我就投诉), and 不然/否则 after a chase (快点发，不然我就取消了).
  const chaseGroup = cues.intents.find((g) => g.label === 'CHASE')!;
  const threatened = (i: number, condEnd: number, sentenceEnd: number, deadline: boolean) => {
    for (const m of found) {
      if (m.span[0] >= condEnd && m.span[0] < sentenceEnd && ['CANCEL', 'RETURN_EXCHANGE', 'COMPLAINT'].includes(m.group.label as string)) m.reason ??= 'CONDITIONAL';
      if (m.span[0] >= i && m.span[1] <= condEnd && m.group.label === 'CHASE' && m.reason === 'CONDITIONAL') delete m.reason;
    }
    if (deadline && !found.some((m) => m.group.label === 'CHASE' && !m.reason && m.span[0] >= i && m.span[1] <= condEnd)) found.push({ span: [i, condEnd], cue: 'DEADLINE', group: chaseGroup, negated: false });
  };
  for (const t of callerTurns) {
    const sentence = (i: number): Span => {
      let [s, e] = [i, i];
      while (s > t.span[0] && !/[.!?。\n]/.test(norm[s - 1])) s--;
      while (e < t.span[1] && !/[.!?。\n]/.test(norm[e])) e++;
      return [s, e];
    };
    for (const opener of cues.conditions.openers) {
      for (let i = norm.indexOf(opener, t.span[0]); i >= 0 && i < t.span[1]; i = norm.indexOf(opener, i + 1)) {
        const [, sentenceEnd] = sentence(i);
        const closers = cues.conditions.closers.map((c) => norm.indexOf(c, i + opener.length)).filter((x) => x >= 0 && x < sentenceEnd);
        const [, clauseEnd] = clauseAt(norm, i, breaks);
        const condEnd = closers.length ? Math.min(...closers) : clauseEnd;
        if (deadlineMissed.some((re) => (re.lastIndex = 0, re.test(norm.slice(i, condEnd))))) threatened(i, condEnd, sentenceEnd, true);
      }
    }
    const said = norm.slice(...t.span);
    for (const re of threats) for (const w of said.matchAll(re)) threatened(t.span[0] + w.index!, t.span[0] + w.index! + w[0].length, sentence(t.span[0] + w.index!)[1], true);
    for (const re of otherwise)
      for (const w of said.matchAll(re)) {
        const at = t.span[0] + w.index!;
        const [s, e] = sentence(at);
        if (found.some((m) => m.group.label === 'CHASE' && !m.reason && m.span[0] >= s && m.span[1] <= at)) threatened(at, at + w[0].length, e, false);
      }
  }
  // An address said for something else (发票的邮寄地址…，寄到…) is not where the goods go.
  for (const m of found) {
    if (m.reason || m.cue !== 'ADDRESS') continue;
    const [cs] = clauseAt(norm, m.span[0], breaks);
    const turn = turnOf(m.span[0]);
    const [ps] = clauseAt(norm, Math.max(turn?.span[0] ?? 0, cs - 2), breaks);
    // Said of the same address: the invoice word and 地址 in one clause (发票的邮寄地址改一下), not 发票不用开，<address>.
    // Back to the sentence's start: a landmark may stand between (发票的邮寄地址改一下，寄到财务那边，工业园区星湖街328号).
    const clauses = norm.slice(Math.max(Math.min(ps, sentenceOf(m.span[0])[0]), turn?.span[0] ?? 0), m.span[0]).split(/[,;]/);
    if (clauses.some((c) => c.includes('地址') && m.group.unlessClauseHas.some((w) => c.includes(w)))) m.reason = 'OTHER_SUBJECT';
  }
  // Taken back: 取消……算了 / 我要退……不对，不退了 — cues shortly before, in the same turn.
  for (const re of takeBack) {
    re.lastIndex = 0;
    for (let t; (t = re.exec(norm)); ) {
      if (!t[0]) {
        re.lastIndex++;
        continue;
      }
      const turn = turnOf(t.index);
      if (!turn) continue;
      // Words of a request itself (地址搞错了 asks to change the address) take nothing back.
      if (found.some((m) => !m.reason && m.span[0] <= t!.index && t!.index < m.span[1])) continue;
      // 尺寸又弄错了, 型号搞错了 — what is wrong with the goods, said as why: the fault, not a change of mind.
      if (/^(?:搞|弄)/.test(t[0]) && GOODS_SAID.test(norm.slice(clauseAt(norm, t.index, breaks)[0], t.index))) continue;
      // 算了不买了: a request said right after, without a pause, is what 算了 leads to, not what it takes back.
      const end = t.index + t[0].length;
      if (found.some((m) => !m.reason && !m.negated && m.span[0] >= end && m.span[0] <= end + 1 && !breaks.has(norm[end]))) continue;
      // What is taken back is the last thing said before it: the clause of the nearest cue. When that cue
      // is already set aside (不投诉了，算了), the 算了 closes it, and what was asked before stands.
      const before = found.filter((m) => m.cue !== 'ADDRESS' && m.span[1] <= t!.index && m.span[0] >= turn.span[0] && t!.index - m.span[1] <= cues.takeBack.window);
      const last = before.sort((a, b) => b.span[0] - a.span[0])[0];
      if (!last || last.reason) continue;
      const [cs, ce] = clauseAt(norm, last.span[0], breaks);
      for (const m of before) if (!m.reason && m.span[0] >= cs && m.span[1] <= ce) m.reason = 'TAKEN_BACK';
    }
  }
  // 之前说要退的那个作废吧, 退货申请撤了吧 — a cancel of a request named before it in its clause withdraws that request: no
  // order is cancelled, and what the request's words asked is taken back.
  for (const m of found) {
    if (m.reason || m.group.label !== 'CANCEL') continue;
    const [cs] = clauseAt(norm, m.span[0], breaks);
    if (!REQUEST_NAMED.test(norm.slice(cs, m.span[0]))) continue;
    m.reason = 'OTHER_SUBJECT';
    for (const o of found) if (o !== m && !o.reason && o.span[0] >= cs && o.span[1] <= m.span[0]) o.reason = 'TAKEN_BACK';
  }
  // Withdrawn later in the call: 我想取消…（客服：已经出库了）…那算了，不取消了; 我想改个地址…哦，不用改了. A refusal of
  // the verb itself, said as a change of mind (…了), takes back the last request made with that verb before it —
  // across the agent's reply, not past another request of the same verb.
  for (const t of callerTurns) {
    const said = norm.slice(...t.span);
    const withdrawals = [...said.matchAll(WITHDRAWN)].map((w) => ({ index: w.index!, length: w[0].length, verb: w[1] }));
    for (const w of said.matchAll(PLACE_KEPT)) withdrawals.push({ index: w.index!, length: w[0].length, verb: '改' });
    for (const w of withdrawals) {
      const at = t.span[0] + w.index;
      const verb = w.verb;
      // The verb names the request by what it does, whichever verb asked it (换一个…不用退了, 取消…不撤了, 地址换一下…不改了).
      const of = (m: (typeof found)[number]) => norm.slice(...m.span).includes(verb) || WITHDRAWN_OF[verb].includes(m.group.label as CallIntentKind);
      const earlier = found.filter((m) => m.span[1] <= at && at - m.span[1] <= 160 && of(m));
      const last = earlier.sort((a, b) => b.span[0] - a.span[0])[0];
      // 不用开了，我们不要了 — a bare 不要了 right after says why it is withdrawn; it cancels nothing.
      const end = at + w.length;
      for (const m of found) if (!m.reason && m.group.label === 'CANCEL' && m.span[0] >= end && m.span[0] - end <= 4 && /^(?:我们?|俺|咱)?(?:都|也)?不(?:想)?要了$/.test(norm.slice(m.span[0] - (m.span[0] - end), m.span[1]).replace(/^[\s,.…]+/, ''))) m.reason = 'TAKEN_BACK';
      // 另外，不用换了 — a new matter refused, not the one before withdrawn.
      // …SO-20251120-014那单不取消了 — another order named between: that one is refused, the first request stands.
      // The number said in the request's sentence (我想取消，SO-…), or read back by the agent, is the same order, not another;
      // one said in the refusal's clause (SO-…那单不取消了) is another.
      const [ws] = clauseAt(norm, at, breaks);
      const otherOrder = (from: number) => {
        const between = refs.filter((r) => r.speaker === 'CUSTOMER' && r.span[0] >= from && r.span[1] <= at);
        const own = between.find((r) => r.span[1] <= sentenceOf(last!.span[0])[1] && r.span[0] < ws);
        return between.some((r) => !own || r.canonical !== own.canonical) || /另一单|那单|另外一单|另一个单|别的单/.test(norm.slice(from, at));
      };
      if (last && (!last.reason || last.reason === 'TAKEN_BACK') && !TOPIC_SHIFT.test(norm.slice(last.span[1], at)) && !otherOrder(last.span[1])) for (const m of earlier) if (!m.reason && m.group.label === last.group.label) m.reason = 'TAKEN_BACK';
    }
  }
  // 还没发的那部分也别发了, 还没发的，就是取消: goods not yet sent, said as what a cancel is about, ask where nothing is.
  // 到现在都没收到，是不是漏发了: nothing arrived, so a missing piece is the parcel itself, not a return.
  for (const t of callerTurns) {
    const inTurn = found.filter((m) => !m.reason && m.span[0] >= t.span[0] && m.span[1] <= t.span[1]);
    const saidOf = (m: (typeof found)[number]) => norm.slice(...m.span);
    // Only in the sentence of the cancel, with no 还有/对了 between: 还没发，还有，这单取消吧 is two matters.
    const joined = (a: Span, b: Span) => {
      const between = norm.slice(Math.min(a[1], b[1]), Math.max(a[0], b[0]));
      return !/[.!?。\n]/.test(between) && !TOPIC_SHIFT.test(between);
    };
    // 还没发的，帮我退了吧 / 这单还没发货，给我退款: money or goods 退 of an order not sent is its cancel.
    const cancelGroup = cues.intents.find((g) => g.label === 'CANCEL')!;
    for (const m of inTurn)
      if (m.group.label === 'RETURN_EXCHANGE' && /退(?!货|回|给)/.test(saidOf(m)) && inTurn.some((c) => c.group.label === 'CHASE' && NOT_SENT.test(saidOf(c)) && joined(m.span, c.span))) m.group = cancelGroup;
    if (inTurn.some((m) => m.group.label === 'CHASE' && NOT_ARRIVED.test(saidOf(m))))
      for (const m of inTurn) if (m.group.label === 'RETURN_EXCHANGE' && /漏发|少发|没发/.test(saidOf(m)) && /是不是|是否|会不会/.test(norm.slice(clauseAt(norm, m.span[0], breaks)[0], m.span[0]))) m.reason = 'MENTIONED';
  }
  const callerText = callerTurns.map((t) => norm.slice(...t.span)).join('\n');
  // 东西我不要了，已经收到了 — goods the caller has received and does not want go back: a return, not a cancel.
  const received = cues.received.words.some((w) => {
    for (let i = callerText.indexOf(w); i >= 0; i = callerText.indexOf(w, i + 1))
      if (!/[没未冇]|还没|都没/.test(callerText.slice(Math.max(0, i - 2), i)) && !/^[^,.;!?。]{0,2}(?:吗|没|伐|么|\?)/.test(callerText.slice(i + w.length))) return true;
    return false;
  });
  const returnGroup = cues.intents.find((g) => g.label === 'RETURN_EXCHANGE')!;
  // 装不上，这个不要了 — a fault only the holder can find, said of the goods in the cancel's clause or the one right before
  // it, says the goods are in hand (not a fault supposed, 要是装不上的话, nor damage to a box or a door, 箱子都破了).
  const faultBeside = (m: CueMatch) => {
    const [cs, ce] = clauseAt(norm, m.span[0], breaks);
    const [ps] = cs > 1 && !/[.!?。\n]/.test(norm[cs - 1]) ? clauseAt(norm, cs - 2, breaks) : [cs];
    const said = norm.slice(Math.max(ps, turnOf(m.span[0])?.span[0] ?? ps), ce);
    return cues.received.faults.some((w) => said.includes(w)) && !/箱|门|墙|包装|外壳|车/.test(said) && !TOPIC_SHIFT.test(said) && !cues.hedges.words.some((w) => said.includes(w)) && ![...cues.conditions.openers, '的话'].some((w) => said.includes(w));
  };
  for (const m of found) if (!m.reason && m.group.label === 'CANCEL' && (received || faultBeside(m)) && cues.received.unwanted.some((w) => norm.slice(...m.span).includes(w))) m.group = returnGroup;
  // 那我这单退了吧，…车型不对装不上 — an order sent back (退, not 取消) in the sentence of a fault only the holder can find,
  // or by a caller who has the goods, is a return of what came, not a cancel of what has not left.
  for (const m of found) {
    if (m.reason || m.group.label !== 'CANCEL' || !/退(?!订)/.test(norm.slice(...m.span))) continue;
    const turn = turnOf(m.span[0]);
    const [ss, se] = sentenceOf(m.span[0]);
    const sentence = norm.slice(Math.max(ss, turn?.span[0] ?? ss), Math.min(se, turn?.span[1] ?? se));
    const fault = cues.received.faults.some((w) => sentence.includes(w)) && !/箱|门|墙|包装|外壳/.test(sentence) && ![...cues.conditions.openers, '的话'].some((w) => sentence.includes(w));
    if ((received || fault) && !NOT_SENT.test(sentence.replace(/^.*?(?=还|都|也|一直|没|未)/u, ''))) m.group = returnGroup;
  }
  if (cues.noOrderYet.words.some((w) => callerText.includes(w))) for (const m of found) m.reason ??= 'NO_ORDER_YET';
  for (const m of found) if (!m.reason && m.group.unlessCallHas.some((w) => callerText.includes(w))) m.reason = 'OTHER_SUBJECT';
  // 你们说好昨天发的，到今天都没发，我们等不了了，那个单不要了 — a delay told in the turn of a cancel is why it is cancelled,
  // not a hurry (and 发货了没有 beside it asks whether it still can be); only another matter (还有，…) or another order
  // (另一单) keeps a chase beside it. A cancel only threatened (怎么还没发？再不发就取消) is no cancel, and the chase stands.
  const sameMatter = (a: Span, b: Span) => {
    const between = norm.slice(Math.min(a[1], b[1]), Math.max(a[0], b[0]));
    return !TOPIC_SHIFT.test(between) && !/另一单|另外一单|另一个单|别的单|其他单/.test(between);
  };
  // 这单先不要了，给俺退了吧 — a bare 退 in the sentence of a cancel, of goods nothing is said against, is the cancel said again;
  // 已经发了的话我拒收，你们安排退回 — a return for the case it has left already is the cancel's fallback, not asked for now.
  for (const t of callerTurns) {
    const inTurn = found.filter((m) => !m.reason && m.span[0] >= t.span[0] && m.span[1] <= t.span[1]);
    const cancels = inTurn.filter((c) => c.group.label === 'CANCEL');
    if (!cancels.length) continue;
    for (const m of inTurn) if (m.group.label === 'CHASE' && cancels.some((c) => sameMatter(m.span, c.span))) m.reason = 'MENTIONED';
    for (const m of inTurn) {
      if (m.group.label !== 'RETURN_EXCHANGE') continue;
      const [ss, se] = sentenceOf(m.span[0]);
      const sentence = norm.slice(Math.max(ss, t.span[0]), Math.min(se, t.span[1]));
      if (/(?:发|寄|出库|发出去|发出|寄出|出去)了[^,.;!?。]{0,4}的话/.test(norm.slice(Math.max(ss, t.span[0]), m.span[0]))) m.reason = 'CONDITIONAL';
      else if (/退(?!货|回|给)/.test(norm.slice(...m.span)) && cancels.some((c) => c.span[0] >= ss && c.span[1] <= se && sameMatter(m.span, c.span)) && !problems.some((w) => sentence.includes(w)) && !GOODS_SAID.test(sentence)) m.group = cancels[0].group;
    }
  }

  // Cues that give way (怎么搞的 beside a chase is the chase said angrily; 退款 beside a cancel is its money back).
  const counted = new Set(found.filter((m) => !m.reason).map((m) => m.group.label as string));
  for (const m of found) if (!m.reason && m.group.yieldsTo.some((i) => counted.has(i))) m.reason = 'OTHER_SUBJECT';
  // 请尽快处理 — a hurry to handle, with nothing to send or bring, hurries the paperwork raised (作废重开…请尽快处理), not
  // the goods (加急处理 expedites the order); 一张没见到 — what is counted in sheets is paper, the invoice, not the goods.
  const raised = counted.has('INVOICE') || counted.has('COMPLAINT');
  for (const m of found) {
    if (m.reason || m.group.label !== 'CHASE' || !raised) continue;
    const clause = norm.slice(...clauseAt(norm, m.span[0], breaks));
    if (/处理/.test(clause) && !/加急|优先|催/.test(clause) && ![...((cues.meanings.DISPATCH as string[] | undefined) ?? []), ...((cues.meanings.ARRIVE as string[] | undefined) ?? []), '送', '物流', '快递', '货'].some((w) => clause.replace(/处理/g, '').includes(w))) m.reason = 'OTHER_SUBJECT';
    else if (counted.has('INVOICE') && /[一两几\d]张(?:都|也)?$/.test(norm.slice(clauseAt(norm, m.span[0], breaks)[0], m.span[0]))) m.reason = 'OTHER_SUBJECT';
  }

  const byIntent = new Map<CallIntentKind, IntentEvidence[]>();
  for (const m of found.sort((a, b) => a.span[0] - b.span[0])) {
    const intent = m.group.label as CallIntentKind;
    if (m.reason) setAside.push({ ...ev(m.span, m.cue), intent, reason: m.reason });
    else byIntent.set(intent, [...(byIntent.get(intent) ?? []), ev(m.span, m.cue)]);
  }
  if (!byIntent.has('CHANGE_ADDRESS')) newAddress = null;
  // A house number corrected as it is said (文一西路969号，哦不对，是996号): the number said after the correction.
  if (newAddress && turnOf(newAddress.span[0])) {
    const rest = norm.slice(newAddress.span[1], turnOf(newAddress.span[0])!.span[1]);
    const c = CORRECTION.exec(rest);
    const house = c && /^(\d+)\s*号/.exec(rest.slice(c[0].length));
    if (house && /\d+\s*号$/.test(newAddress.value)) {
      const value = newAddress.value.replace(/\d+\s*号$/, `${house[1]}号`);
      newAddress = { ...newAddress, value, detail: newAddress.detail?.replace(/\d+\s*号$/, `${house[1]}号`) ?? value };
    }
  }
  const intents: CallIntentReading[] = [...byIntent.entries()].map(([intent, evidence]) => ({ intent, evidence, confidence: evidence.length > 1 ? 0.95 : 0.85 }));
  if (!intents.length) intents.push({ intent: 'OTHER', evidence: [], confidence: setAside.length ? 0.6 : 0.8 });
  intents.sort((a, b) => a.intent.localeCompare(b.intent));

  const spoken = refs.filter((r) => r.speaker === 'CUSTOMER');
  const orderRef = spoken.at(-1) ?? refs.at(-1) ?? null;
  return { intents, setAside, orderRef, refs, newAddress, turns };
}

/** 哎不对，是 / 哦不对，应该是 / 不是…是: a correction right after something said, before what replaces it. */
const CORRECTION = /^[\s,.…]*(?:(?:哎|哦|噢|啊|呃|嗯|诶|欸|哎呀|不好意思|sorry)[\s,.…]*)*(?:(?:不对|说错了|念错了|错了|讲错了)[\s,.…]*)+(?:(?:哎|哦|噢|啊)[\s,.…]*)?(?:应该是|应该|是|最后是|后面是|尾号是)?[\s:]*/u;
const DIGIT = /[0-9零〇洞一幺二两三四五六七八九]/u;
const SPOKEN: Record<string, string> = { 零: '0', 〇: '0', 洞: '0', 一: '1', 幺: '1', 二: '2', 两: '2', 三: '3', 四: '4', 五: '5', 六: '6', 七: '7', 八: '8', 九: '9' };

/**
 * A number corrected as it is said: 单号SO-20251203-015，哎不对，是016 — the digits said after the correction
 * replace the end of the number (the caller repeats only the part that was wrong). The corrected number is
 * a reference said where the correction is, so it is the one said last.
 */
function corrected(raw: string, norm: string, refs: DocumentRef[]): DocumentRef[] {
  const out = [...refs];
  for (const r of refs) {
    const rest = norm.slice(r.span[1], r.span[1] + 24);
    const c = CORRECTION.exec(rest);
    if (!c) continue;
    let i = c[0].length;
    let digits = '';
    while (i < rest.length && (DIGIT.test(rest[i]) || (digits && /[\s-]/.test(rest[i])))) {
      if (DIGIT.test(rest[i])) digits += /\d/.test(rest[i]) ? rest[i] : SPOKEN[rest[i]];
      i++;
    }
    // Only a tail (a few digits, not a whole new number, which the reader finds by itself), and not a count (是两个).
    if (!digits || digits.length > 6 || /^[个件支箱套只条]/.test(rest.slice(i).trimStart()) || out.some((o) => o.span[0] >= r.span[1] && o.span[0] < r.span[1] + i)) continue;
    const said = r.text;
    let k = said.length;
    for (let n = digits.length; n > 0 && k > 0; k--) if (/\d/.test(said[k - 1])) n--;
    const fixed = findDocumentRefs(said.slice(0, k) + said.slice(k).replace(/\d/g, '') + digits)[0];
    if (!fixed || fixed.kind !== r.kind) continue;
    const at = r.span[1] + c.index + c[0].length;
    out.push({ ...fixed, span: [at, r.span[1] + i], text: raw.slice(at, r.span[1] + i) });
  }
  return out.sort((a, b) => a.span[0] - b.span[0]);
}

/** Asking whether it can be done: 能开专票吗, 可以退吗, 能不能换, 支持退换吗. */
const POSSIBLE = /能不能|可不可以|可以|能否|可否|能|支持|有没有|行不行|得唔得|可唔可以/u;
/** A request named as a thing (说要退的那个, 退货申请, 换货单, 投诉): what a cancel after it withdraws. */
const REQUEST_NAMED = /(?:说|要|想)(?:退|换)(?:货)?的|(?:退货|换货|退款|售后|退换货?)(?:的)?(?:申请|单子?|流程)|投诉/u;
/** Someone other than the caller as the doer, right before a verb (客户退掉了, 车主那边退回来了). */
const THIRD_PARTY_DID = /(?:客户|车主|人家|对方|他们|他|她)(?:那边|那头)?(?:已经|都|也)?$/u;
/** A clause of fillers only (就是, 那个, 怎么说呢). */
const FILLER_ONLY = /^(?:那个|这个|就是说?|嗯+|呃+|额|啊|怎么说呢|你知道吧|然后)?$/u;
/** A question: 收到了吗, 到了没有, 是不是, 有没有. */
const ASKS = /吗|么|伐|呢|咩|\?|是不是|有没有|没有?$|未$/u;

/**
 * A clause that reports its matter done or fine (钱已经退回来了, 发票也一起到了, 东西都挺好的): it ends in a result reached, or
 * says all is well, and neither asks, nor asks for something (帮我改好了再发), nor says not yet (还没到).
 */
function reportsDone(clause: string, settled: { done: string[]; fine: string[]; later: string[] }): boolean {
  const said = clause.replace(/\s+/g, '').replace(/[啊呀哈啦嘛哦喽嘞哟喇啰]+$/u, '');
  if (ASKS.test(said)) return false;
  if (/帮|给我|麻烦|请|要|想|能不能|能否|可以|吧|一下|赶紧|快/u.test(said) && !settled.later.some((w) => said.includes(w))) return false;
  let rest = said;
  for (const w of settled.fine) rest = rest.split(w).join('');
  if (/[没未不冇别]|还(?!好)/u.test(rest)) return false;
  return rest !== said || settled.done.some((w) => said.endsWith(w));
}

/** Inside 如果/要是 … 的话/就: asked about, not asked for. */
function insideCondition(norm: string, span: Span, cs: number, ce: number, c: { openers: string[]; closers: string[] }): boolean {
  const clause = norm.slice(cs, ce);
  const rel = span[0] - cs;
  const opener = Math.max(-1, ...c.openers.map((w) => clause.lastIndexOf(w, rel)));
  const closers = c.closers.map((w) => clause.indexOf(w, opener >= 0 ? opener : 0)).filter((i) => i >= 0);
  const closer = closers.length ? Math.min(...closers) : -1;
  if (opener >= 0) return closer < 0 || rel < closer;
  // 还没发的话… without an opener: the condition runs from the clause start to 的话.
  const dehua = clause.indexOf('的话');
  return dehua >= 0 && span[1] - cs <= dehua;
}
