// Loads the domain words kept in text/lexicon/ (CSV and JSON a business user
// edits), validates them with messages naming the file, and normalises text for matching.
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { z } from 'zod';
import { parseCsv } from '../../common/src/csv.js';

export const LEXICON_DIR = fileURLToPath(new URL('../lexicon/', import.meta.url));

export interface BrandEntry {
  key: string;
  aliases: string[];
}
export interface PartTypeEntry {
  type: string;
  parent: string | null;
  synonyms: string[];
}
export type DescriptorKind = 'line' | 'quality' | 'position' | 'action';
export interface DescriptorEntry {
  key: string;
  kind: DescriptorKind;
  strict: boolean;
  parent: string | null;
  synonyms: string[];
}

const wordList = z.object({ note: z.string().optional(), words: z.array(z.string().min(1)) });
const charList = z.object({ note: z.string().optional(), chars: z.string().min(1) });

const unitsSchema = z.object({
  about: z.string().optional(),
  countUnits: wordList,
  packUnits: z.object({ note: z.string().optional(), words: z.record(z.string(), z.number().int().positive().nullable()) }),
  measureUnits: wordList,
  qtyVerbs: wordList,
  oneImplied: wordList,
  eachWords: wordList,
  notAfterCountUnit: wordList,
  vagueQuantities: wordList,
});

const chatSchema = z.object({
  about: z.string().optional(),
  contactLabels: wordList,
  phoneLabels: wordList,
  personTitles: wordList,
  nameStopChars: charList,
  addressLabels: wordList,
  previousAddress: wordList,
  addressUnits: charList,
  addressWords: charList,
  shopSuffixes: wordList,
  shopLeadWords: wordList,
  deliveryPatterns: z.object({ note: z.string().optional(), patterns: z.array(z.string().min(1)) }),
  urgencyPatterns: z.object({ note: z.string().optional(), patterns: z.array(z.string().min(1)) }),
  fillers: wordList,
  requestCues: wordList,
  addressContinuations: wordList,
  nameLeadWords: wordList,
});

const cueGroupSchema = z.object({
  label: z.union([z.string(), z.boolean(), z.number()]),
  weight: z.number().positive().default(1),
  negatable: z.boolean().default(true),
  note: z.string().optional(),
  words: z.array(z.string().min(1)).default([]),
  patterns: z.array(z.string().min(1)).default([]),
  /** The cue does not count in a clause that holds one of these (换 next to 发票 is about the invoice). */
  unlessClauseHas: z.array(z.string().min(1)).default([]),
  /** Service calls: the cue does not count when the caller says one of these anywhere (别发了 + 自己过来拿 is a pickup). */
  unlessCallHas: z.array(z.string().min(1)).default([]),
  /** Service calls: the cue gives way when the caller also asks for one of these (怎么搞的 beside a chase is the chase said angrily; 退款 beside a cancel its money back). */
  yieldsTo: z.array(z.string().min(1)).default([]),
});

const remarkFieldSchema = z.object({
  default: z.union([z.string(), z.boolean(), z.null(), z.array(z.string())]),
  order: z.array(z.string()).optional(),
  cancelIfClauseHas: z.array(z.string()).default([]),
  groups: z.array(cueGroupSchema).min(1),
});

const remarkSchema = z.object({
  about: z.string().optional(),
  clauseBreaks: z.string().min(1),
  negation: z.object({
    note: z.string().optional(),
    before: z.array(z.string().min(1)),
    after: z.array(z.string().min(1)),
    window: z.number().int().min(0).max(20),
    notNegators: z.array(z.string().min(1)).default([]),
  }),
  fields: z.object({
    priority: remarkFieldSchema,
    attachments: remarkFieldSchema,
    purpose: remarkFieldSchema,
    callBeforeDelivery: remarkFieldSchema,
    deliveryConstraint: remarkFieldSchema,
  }),
  shelfLife: z.object({
    note: z.string().optional(),
    keywords: z.array(z.string().min(1)),
    notKeywords: z.array(z.string().min(1)).default([]),
    atLeast: z.array(z.string().min(1)),
    rejectBelow: z.array(z.string().min(1)),
    rejectWords: z.array(z.string().min(1)),
    window: z.number().int().min(1).max(40),
  }),
});

const negationSchema = z.object({
  note: z.string().optional(),
  before: z.array(z.string().min(1)),
  after: z.array(z.string().min(1)),
  window: z.number().int().min(0).max(20),
  notNegators: z.array(z.string().min(1)).default([]),
});

const wordsSchema = z.object({ note: z.string().optional(), words: z.array(z.string().min(1)) });

const callSchema = z.object({
  about: z.string().optional(),
  clauseBreaks: z.string().min(1),
  speakers: z.object({
    note: z.string().optional(),
    agent: z.array(z.string().min(1)).min(1),
    customer: z.array(z.string().min(1)).min(1),
    other: z.array(z.string().min(1)).default([]),
    /** A tag not listed that holds one of these is that side's (客服小李, 王老板, 客人). */
    agentRoleWords: z.array(z.string().min(1)).default([]),
    customerRoleWords: z.array(z.string().min(1)).default([]),
    /** How an agent talks (您好，请问, 帮您查): tells which of two neutral tags (A/B, 说话人1/2) is the agent. */
    agentPhrases: z.array(z.string().min(1)).default([]),
  }),
  negation: negationSchema,
  hedges: wordsSchema,
  conditions: z.object({
    note: z.string().optional(),
    openers: z.array(z.string().min(1)),
    closers: z.array(z.string().min(1)),
    /** A condition that a deadline passes undelivered (今天还发不出来): what follows is a threat, the condition a chase. */
    deadlineMissed: z.array(z.string().min(1)).default([]),
    /** A missed deadline said without an opener (再不发就…, 明天还不到的话…): the condition, up to what it threatens. */
    threats: z.array(z.string().min(1)).default([]),
    /** 不然, 否则: after a chase, what follows threatens. */
    otherwise: z.array(z.string().min(1)).default([]),
  }),
  takeBack: z.object({ note: z.string().optional(), patterns: z.array(z.string().min(1)), window: z.number().int().min(1).max(40) }),
  noOrderYet: wordsSchema,
  /** In a chase's clause, a question about how things usually go (一般几点发货): asked about the service, not an order. */
  policy: wordsSchema.default({ words: [] }),
  /** The caller has the goods (收到了, 货到了): not wanting them (`unwanted`, 不要了) asks for a return, not a cancel. */
  received: z.object({ note: z.string().optional(), words: z.array(z.string()), faults: z.array(z.string()).default([]), unwanted: z.array(z.string()) }).default({ words: [], faults: [], unwanted: [] }),
  /** Words grouped by what they mean (WHEN, NOT_YET, SEND_BACK …); a pattern names a class as {NAME}. */
  meanings: z.object({ note: z.string().optional() }).catchall(z.array(z.string().min(1)).min(1)).default({}),
  /** A clause that reports the matter done or fine (钱已经退回来了, 发票收到了，没问题), or put right in the next (后来补过来了): nothing asked. */
  settled: z
    .object({ note: z.string().optional(), done: z.array(z.string().min(1)), fine: z.array(z.string().min(1)), later: z.array(z.string().min(1)) })
    .default({ done: [], fine: [], later: [] }),
  /** Before a cue in its clause, a time that says it happened before (上次退货的钱): told of, not asked for. */
  past: wordsSchema.default({ words: [] }),
  intents: z
    .array(cueGroupSchema.extend({ label: z.enum(['CHASE', 'CHANGE_ADDRESS', 'RETURN_EXCHANGE', 'CANCEL', 'INVOICE', 'COMPLAINT']) }))
    .min(1),
  addressVerbs: z.object({ note: z.string().optional(), before: z.array(z.string().min(1)), after: z.array(z.string().min(1)) }),
  consent: z.object({ note: z.string().optional(), words: z.array(z.string().min(1)), refusals: z.array(z.string().min(1)), askingOnly: z.array(z.string().min(1)).default([]) }),
  mentioned: z.object({ note: z.string().optional(), after: z.array(z.string().min(1)) }),
});

const adminSchema = z.object({
  about: z.string().optional(),
  serviceRegion: z.object({ note: z.string().optional(), provinces: z.array(z.string()) }),
  excludeNames: z.object({ note: z.string().optional(), names: z.array(z.string()) }),
  aliases: z.object({
    note: z.string().optional(),
    entries: z.array(
      z.object({ alias: z.string().min(2), city: z.string(), district: z.string(), afterCity: z.boolean().default(false), note: z.string().optional() }),
    ),
  }),
  renamed: z.object({
    note: z.string().optional(),
    entries: z.array(z.object({ old: z.string().min(2), city: z.string(), district: z.string(), note: z.string().optional() })),
  }),
});

const normalizeSchema = z.object({
  about: z.string().optional(),
  traditional: z.object({ note: z.string().optional(), pairs: z.string() }),
  /** Dialect function words with a one-character Mandarin equal (咗 → 了), read as that equal everywhere. */
  dialect: z.object({ note: z.string().optional(), pairs: z.string() }).default({ pairs: '' }),
  typos: z.object({ note: z.string().optional(), pairs: z.record(z.string(), z.string()) }),
});

export type CueGroup = z.infer<typeof cueGroupSchema>;
export type RemarkFieldCues = z.infer<typeof remarkFieldSchema>;
export type RemarkCues = z.infer<typeof remarkSchema>;
export type CallCues = z.infer<typeof callSchema>;
export type AdminOverrides = z.infer<typeof adminSchema>;

export interface Lexicon {
  dir: string;
  brands: BrandEntry[];
  partTypes: PartTypeEntry[];
  descriptors: DescriptorEntry[];
  units: {
    count: string[];
    pack: Map<string, number | null>;
    measure: string[];
    qtyVerbs: string[];
    oneImplied: string[];
    each: string[];
    notAfterCount: string[];
    vague: string[];
  };
  chat: {
    contactLabels: string[];
    phoneLabels: string[];
    personTitles: string[];
    nameStopChars: Set<string>;
    addressLabels: string[];
    previousAddress: string[];
    addressUnits: Set<string>;
    addressWords: Set<string>;
    shopSuffixes: string[];
    shopLeadWords: string[];
    deliveryPatterns: RegExp[];
    urgencyPatterns: RegExp[];
    fillers: string[];
    requestCues: string[];
    addressContinuations: string[];
    nameLeadWords: string[];
  };
  remark: RemarkCues;
  calls: CallCues;
  surnames: { single: Set<string>; double: Set<string> };
  admin: AdminOverrides;
  normalize: { traditional: Map<string, string>; typos: Array<[string, string]> };
}

export class LexiconError extends Error {
  constructor(file: string, detail: string) {
    super(`lexicon ${file}: ${detail}`);
    this.name = 'LexiconError';
  }
}

/** Rows of a CSV file whose lines starting with # are comments; the first other line is the header. */
export function readCommentedCsv(path: string, file: string): Array<Record<string, string>> {
  let table: string[][];
  try {
    table = parseCsv(readFileSync(path, 'utf8'), { comments: true });
  } catch (err) {
    throw new LexiconError(file, (err as Error).message);
  }
  const [rawHeader, ...lines] = table;
  if (!rawHeader) throw new LexiconError(file, 'no header line');
  const header = rawHeader.map((c) => c.trim());
  return lines.map((cells, i) => {
    if (cells.length > header.length) throw new LexiconError(file, `row ${i + 2} has ${cells.length} cells, the header ${header.length}`);
    const row: Record<string, string> = {};
    header.forEach((h, j) => (row[h] = (cells[j] ?? '').trim()));
    return row;
  });
}

function readJson<T>(dir: string, file: string, schema: z.ZodType<T>): T {
  let raw: unknown;
  try {
    raw = JSON.parse(readFileSync(dir + file, 'utf8'));
  } catch (err) {
    throw new LexiconError(file, (err as Error).message);
  }
  const parsed = schema.safeParse(raw);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    throw new LexiconError(file, `${issue.path.join('.')}: ${issue.message}`);
  }
  return parsed.data;
}

const splitSynonyms = (s: string) =>
  s
    .split('|')
    .map((w) => w.trim())
    .filter(Boolean);

/** Patterns name word classes as {NAME}: each becomes an alternation of the class's words, longest first. */
function expandMeanings(calls: CallCues): CallCues {
  const alt = (name: string) => {
    const words = calls.meanings[name];
    if (!Array.isArray(words)) throw new LexiconError('call-cues.json', `{${name}}: no such class in meanings`);
    return `(?:${[...words].sort((a, b) => b.length - a.length).map((w) => upper(w).replace(/[.*+?^${}()|[\]\\]/g, '\\$&')).join('|')})`;
  };
  const expand = (p: string) => p.replace(/\{([A-Z_]+)\}/g, (_, name: string) => alt(name));
  return {
    ...calls,
    intents: calls.intents.map((g) => ({ ...g, patterns: g.patterns.map(expand) })),
    takeBack: { ...calls.takeBack, patterns: calls.takeBack.patterns.map(expand) },
    conditions: { ...calls.conditions, deadlineMissed: calls.conditions.deadlineMissed.map(expand), threats: calls.conditions.threats.map(expand) },
  };
}

function compile(file: string, pattern: string, flags = 'g'): RegExp {
  try {
    return new RegExp(pattern, flags);
  } catch (err) {
    throw new LexiconError(file, `bad pattern ${pattern}: ${(err as Error).message}`);
  }
}

export function loadLexicon(dir: string = LEXICON_DIR): Lexicon {
  const d = dir.endsWith('/') ? dir : dir + '/';
  const brands = readCommentedCsv(d + 'brands.csv', 'brands.csv').map((r, i) => {
    if (!r.brand || !r.aliases) throw new LexiconError('brands.csv', `row ${i + 1}: brand and aliases are required`);
    return { key: r.brand, aliases: splitSynonyms(r.aliases).map(upper) };
  });
  const partTypes = readCommentedCsv(d + 'part-types.csv', 'part-types.csv').map((r, i) => {
    if (!r.type || !r.synonyms) throw new LexiconError('part-types.csv', `row ${i + 1}: type and synonyms are required`);
    return { type: r.type, parent: r.parent || null, synonyms: splitSynonyms(r.synonyms).map(upper) };
  });
  const typeNames = new Set(partTypes.map((t) => t.type));
  for (const t of partTypes)
    if (t.parent && !typeNames.has(t.parent)) throw new LexiconError('part-types.csv', `${t.type}: parent ${t.parent} is not a type`);
  const descriptors = readCommentedCsv(d + 'descriptors.csv', 'descriptors.csv').map((r, i) => {
    const kind = r.kind as DescriptorKind;
    if (!['line', 'quality', 'position', 'action'].includes(kind))
      throw new LexiconError('descriptors.csv', `row ${i + 1}: kind must be line, quality, position or action`);
    return { key: r.descriptor, kind, strict: r.strict === '1', parent: r.parent || null, synonyms: splitSynonyms(r.synonyms).map(upper) };
  });

  const units = readJson(d, 'units.json', unitsSchema);
  const chat = readJson(d, 'chat-cues.json', chatSchema);
  const remark = readJson(d, 'remark-cues.json', remarkSchema);
  for (const [name, f] of Object.entries(remark.fields))
    for (const g of f.groups) for (const p of g.patterns) compile('remark-cues.json', p), void name;
  const calls = expandMeanings(readJson(d, 'call-cues.json', callSchema));
  for (const p of [...calls.intents.flatMap((g) => g.patterns), ...calls.takeBack.patterns, ...calls.conditions.deadlineMissed, ...calls.conditions.threats, ...calls.conditions.otherwise]) compile('call-cues.json', p);
  const admin = readJson(d, 'admin-divisions.json', adminSchema);
  const norm = readJson(d, 'normalize.json', normalizeSchema);

  const surnameLines = readFileSync(d + 'surnames.txt', 'utf8')
    .split(/\r?\n/)
    .filter((l) => l.trim() && !l.trimStart().startsWith('#'));
  const single = new Set<string>();
  const double = new Set<string>();
  for (const w of surnameLines.flatMap((l) => l.trim().split(/\s+/))) (w.length === 1 ? single : double).add(w);

  const traditional = new Map<string, string>();
  for (const [name, pairs] of [['traditional', norm.traditional.pairs], ['dialect', norm.dialect.pairs]]) {
    if (pairs.length % 2) throw new LexiconError('normalize.json', `${name}.pairs must have an even number of characters`);
    for (let i = 0; i < pairs.length; i += 2) traditional.set(pairs[i], pairs[i + 1]);
  }
  const typos = Object.entries(norm.typos.pairs).map(([from, to]): [string, string] => {
    if (from.length !== to.length) throw new LexiconError('normalize.json', `typo ${from} → ${to}: both sides must have the same length`);
    return [from, to];
  });

  return {
    dir: d,
    brands,
    partTypes,
    descriptors,
    units: {
      count: units.countUnits.words.map(upper),
      pack: new Map(Object.entries(units.packUnits.words)),
      measure: units.measureUnits.words.map(upper),
      qtyVerbs: units.qtyVerbs.words,
      oneImplied: units.oneImplied.words,
      each: units.eachWords.words,
      notAfterCount: units.notAfterCountUnit.words,
      vague: units.vagueQuantities.words,
    },
    chat: {
      contactLabels: chat.contactLabels.words,
      phoneLabels: chat.phoneLabels.words.map(upper),
      personTitles: chat.personTitles.words,
      nameStopChars: new Set(chat.nameStopChars.chars),
      addressLabels: chat.addressLabels.words,
      previousAddress: chat.previousAddress.words,
      addressUnits: new Set(chat.addressUnits.chars),
      addressWords: new Set(chat.addressWords.chars),
      shopSuffixes: chat.shopSuffixes.words.map(upper),
      shopLeadWords: chat.shopLeadWords.words,
      deliveryPatterns: chat.deliveryPatterns.patterns.map((p) => compile('chat-cues.json', p)),
      urgencyPatterns: chat.urgencyPatterns.patterns.map((p) => compile('chat-cues.json', p)),
      fillers: chat.fillers.words,
      requestCues: chat.requestCues.words,
      addressContinuations: chat.addressContinuations.words,
      nameLeadWords: chat.nameLeadWords.words,
    },
    remark,
    calls,
    surnames: { single, double },
    admin,
    normalize: { traditional, typos },
  };
}

let cached: Lexicon | null = null;
/** The lexicon from the default folder, loaded once per process. */
export function defaultLexicon(): Lexicon {
  return (cached ??= loadLexicon());
}

function upper(s: string): string {
  return s.replace(/[a-z]/g, (c) => c.toUpperCase());
}

/**
 * The text as the matchers see it, character for character (same length, so every offset is
 * an offset into the original): full-width ASCII made half-width, Latin upper-case, traditional
 * characters simplified, known typos corrected, other spaces made plain spaces.
 */
export function normalizeText(text: string, lex: Lexicon = defaultLexicon()): string {
  let out = '';
  for (let i = 0; i < text.length; i++) {
    let c = text[i];
    const code = c.charCodeAt(0);
    if (code >= 0xff01 && code <= 0xff5e) c = String.fromCharCode(code - 0xfee0);
    else if (code === 0x3000 || code === 0x00a0 || code === 0x2002 || code === 0x2003 || code === 0x200b) c = ' ';
    // × (multiplication sign) as *, so W712/75×20 does not read as one code.
    else if (code === 0x00d7) c = '*';
    const t = lex.normalize.traditional.get(c);
    if (t) c = t;
    if (c >= 'a' && c <= 'z') c = c.toUpperCase();
    out += c;
  }
  for (const [from, to] of lex.normalize.typos) if (out.includes(from)) out = out.split(from).join(to);
  return out;
}
