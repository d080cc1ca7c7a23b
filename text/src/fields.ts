// The shapes every text-understanding result shares: a value with its confidence and the span of
// the original text it came from, and the list of things that could not be resolved.

/**
 * [start, end) offsets into the original text, in UTF-16 code units (what String.slice takes),
 * so `text.slice(span[0], span[1])` is the evidence as written.
 */
export type Span = [number, number];

export interface Field<T> {
  value: T;
  /** 0..1: how sure the rule that produced the value is; 0 for a field left empty. */
  confidence: number;
  span: Span | null;
  /** Which rule produced the value (e.g. `LABEL`, `NEAR_MOBILE`, `CATALOG_CODE`), `NONE` when empty. */
  source: string;
}

export function field<T>(value: T, confidence: number, span: Span | null, source: string): Field<T> {
  return { value, confidence: Math.round(Math.max(0, Math.min(1, confidence)) * 100) / 100, span, source };
}

export function emptyField<T>(value: T): Field<T> {
  return { value, confidence: 0, span: null, source: 'NONE' };
}

export type UnresolvedReason =
  | 'PRODUCT_NOT_IN_CATALOG'
  | 'PRODUCT_AMBIGUOUS'
  | 'QTY_MISSING'
  | 'QTY_UNCLEAR'
  | 'PACK_SIZE_UNKNOWN'
  | 'DISTRICT_AMBIGUOUS'
  | 'REGION_MISSING'
  | 'REGION_INCONSISTENT'
  | 'ADDRESS_NOT_GIVEN'
  | 'MOBILE_INVALID'
  | 'MOBILE_MULTIPLE'
  | 'CUSTOMER_UNKNOWN'
  | 'CUSTOMER_AMBIGUOUS'
  | 'CUSTOMER_CONFLICT';

/** Something the text mentions that the parser could not turn into a value on its own. */
export interface Unresolved {
  /** The draft field it concerns: `items`, `district`, `mobile`, `customer` … */
  field: string;
  reason: UnresolvedReason;
  /** The text as written. */
  text: string;
  span: Span | null;
  /** Possible values, when there are a few (catalog models, districts, customer codes). */
  candidates?: string[];
  /** For a person, in Chinese and English. */
  message: string;
}

export interface Evidence {
  span: Span;
  /** The text as written at `span`. */
  text: string;
  /** The lexicon cue that matched (after normalisation), e.g. `急`, `无需…发票`. */
  cue: string;
  /** The value this cue stands for. */
  label: string | number | boolean | null;
  /** True when a negation cancels the cue (不急, 无需发票): kept as evidence for the opposite. */
  negated: boolean;
}

/** Marks character ranges already explained by one extractor so the next does not reuse them. */
export class SpanMask {
  private readonly taken: Uint8Array;
  constructor(length: number) {
    this.taken = new Uint8Array(length);
  }
  add(span: Span | null): void {
    if (!span) return;
    this.taken.fill(1, Math.max(0, span[0]), Math.min(this.taken.length, span[1]));
  }
  isFree(start: number, end: number): boolean {
    for (let i = start; i < end; i++) if (this.taken[i]) return false;
    return true;
  }
  isTaken(i: number): boolean {
    return this.taken[i] === 1;
  }
  /** The text with taken characters replaced by U+0000, same length, for regexes that must skip them. */
  apply(text: string): string {
    let out = '';
    for (let i = 0; i < text.length; i++) out += this.taken[i] ? '\u0000' : text[i];
    return out;
  }
}
