// How people write a document number into a reference field, generated: clerks, customers and
// batch imports, on ASCII and on a Chinese input method. The generator writes these into WMS ref_no
// and TMS customerRef; the tests read them back with the hub's one reader. Every form here is one a
// person reads at a glance as the number it was made from; `decoys` are texts that look alike and
// name a different number, or none.
import type { Random } from './random.js';

/** What an input method in Chinese mode types for the ASCII keys of a number. */
const FULL_WIDTH = (s: string) => [...s].map((c) => (/[!-~]/.test(c) ? String.fromCharCode(c.charCodeAt(0) + 0xfee0) : c)).join('');

const SEPARATORS = ['', '-', '-', ' ', '_', '/', '.', '－', '—', '——', '–', '·', '~', '～', '\u3000', ' - ', '#'];
const DATE_SEPARATORS = ['', '', '', '-', '.', '/', ' '];
const LABELS = ['', '', '订单号：', '订单号:', '单号 ', 'SO号：', '销售订单', '参考：', 'Ref: ', '客户订单号 ', '按', 'PO/SO：', '【', '（'];
const ANNOTATIONS = ['', '', '（补发）', '(急)', ' 补发', '，请尽快', '  ', '】', '）', '-2', '/第2箱', ' 分批1', '。', '；谢谢', ' 周五前'];
const LIST_SEPARATORS = ['、', ',', '，', '/', ' / ', ';', '；', ' ', ' 和 ', '&', '+'];

/** One way of writing `canonical` (SO-20251108-001 or CK20251108-001) as a number by itself. */
export function writeNumber(canonical: string, rng: Random): string {
  const [, prefix, date, seq] = /^(SO|CK)-?(\d{8})-(\d+)$/.exec(canonical)!;
  const sep = () => rng.pick(SEPARATORS);
  const dateSep = rng.pick(DATE_SEPARATORS);
  const writtenDate = `${date.slice(0, 4)}${dateSep}${date.slice(4, 6)}${dateSep}${date.slice(6)}`;
  const beforeSeq = sep();
  // so-20251108-1: leading zeros left off, only after a dash (after a space 1 reads as a quantity).
  const writtenSeq = /^[-_]+$/.test(beforeSeq) && rng.chance(0.3) ? String(Number(seq)) : seq;
  let text = `${rng.pick([prefix, prefix.toLowerCase(), prefix[0] + prefix[1].toLowerCase()])}${sep()}${writtenDate}${beforeSeq || (writtenSeq.length < 3 ? '-' : '')}${writtenSeq}`;
  if (rng.chance(0.25)) text = FULL_WIDTH(text);
  else if (rng.chance(0.2)) text = [...text].map((c) => (/\d/.test(c) && rng.chance(0.5) ? FULL_WIDTH(c) : c)).join('');
  return text;
}

/** A reference field naming these numbers (one, or several for a combined shipment), with words around. */
export function writeReference(canonicals: string[], rng: Random): string {
  const parts: string[] = [];
  for (let i = 0; i < canonicals.length; i++) {
    const prev = canonicals[i - 1];
    const shortHand = prev && prev.slice(0, -3) === canonicals[i].slice(0, -3) && /-\d{3}$/.test(canonicals[i]) && rng.chance(0.5);
    // SO-20251108-001/002: the same day's next order by its sequence alone.
    parts.push(shortHand ? canonicals[i].slice(-3) : writeNumber(canonicals[i], rng));
  }
  let text = parts[0];
  for (let i = 1; i < parts.length; i++) text += (/^\d{3}$/.test(parts[i]) ? rng.pick(['/', '、', ',', '，']) : rng.pick(LIST_SEPARATORS)) + parts[i];
  const label = rng.pick(LABELS);
  const note = rng.pick(ANNOTATIONS);
  return `${label}${text}${note}`;
}

/**
 * Texts that must not be read as `canonical`: a longer number it is the start of, the number glued
 * to a word, a phone number, a date, an impossible date. Each comes with the numbers it does name.
 */
export function decoys(canonical: string, rng: Random): { text: string; names: string[] }[] {
  const [, prefix, date, seq] = /^(SO|CK)-?(\d{8})-(\d+)$/.exec(canonical)!;
  const format = (s: string) => (prefix === 'SO' ? `SO-${date}-${s}` : `CK${date}-${s}`);
  const extra = String(rng.int(0, 9));
  const longer = `${seq}${extra}`;
  const phone = `1${rng.pick(['3', '5', '8'])}${String(rng.int(0, 999_999_999)).padStart(9, '0')}`;
  return [
    // A longer number that starts with this one is another number.
    { text: `${prefix}${date}${longer}`, names: [format(String(Number(longer)).padStart(3, '0'))] },
    { text: `${prefix}-${date}-${longer}（补发）`, names: [format(String(Number(longer)).padStart(3, '0'))] },
    // Glued to a word or a digit: not a number a person would pick out.
    { text: `AL${prefix}-${date}-${seq}`, names: [] },
    { text: `${extra}${prefix}${date}${seq}`, names: [] },
    // Phone numbers and dates on their own, or next to a number with no prefix.
    { text: `电话${phone}`, names: [] },
    { text: `${phone} ${date}`, names: [] },
    { text: `${date.slice(0, 4)}-${date.slice(4, 6)}-${date.slice(6)} ${seq}`, names: [] },
    { text: `${date}${seq}`, names: [] },
    { text: `${date.slice(0, 4)}年${Number(date.slice(4, 6))}月${Number(date.slice(6))}日发货`, names: [] },
    // No such day.
    { text: `${prefix}-${date.slice(0, 4)}13${date.slice(6)}-${seq}`, names: [] },
    // The number and a phone after it: the phone is not a second number.
    { text: `${prefix}-${date}-${seq}，${phone.slice(0, 3)} ${phone.slice(3, 7)} ${phone.slice(7)}`, names: [canonical] },
  ];
}
