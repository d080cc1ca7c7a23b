// Legacy systems keep Beijing wall-clock time (UTC+8, no DST) in strings or epoch numbers; the graph
// speaks ISO 8601 with an explicit offset. Every conversion goes through here.
const BEIJING_OFFSET_MS = 8 * 3600_000;

/** '2025-11-08 14:03:00' (or '2025/11/08 14:03:00', 'T' separator, optional .fff) in Beijing time → epoch ms. */
export function parseBeijing(text: string | null | undefined): number | null {
  if (text == null || text === '') return null;
  const m = /^(\d{4})[-/](\d{2})[-/](\d{2})(?:[ T](\d{2}):(\d{2})(?::(\d{2})(?:\.(\d{1,3}))?)?)?$/.exec(String(text).trim());
  if (!m) throw new Error(`not a Beijing time string: ${text}`);
  const [, y, mo, d, h = '0', mi = '0', s = '0', ms = '0'] = m;
  const utc = Date.UTC(+y, +mo - 1, +d, +h, +mi, +s, +ms.padEnd(3, '0'));
  // Date.UTC rolls 02-30 over into March; a calendar date that does not exist is an error.
  const back = new Date(utc);
  if (back.getUTCMonth() !== +mo - 1 || back.getUTCDate() !== +d || +h > 23 || +mi > 59 || +s > 59) throw new Error(`not a real Beijing time: ${text}`);
  return utc - BEIJING_OFFSET_MS;
}

/** epoch ms → '2025-11-08 14:03:00' Beijing wall clock (what the legacy systems store). */
export function formatBeijing(epochMs: number): string {
  const d = new Date(epochMs + BEIJING_OFFSET_MS);
  const p = (n: number) => String(n).padStart(2, '0');
  return `${d.getUTCFullYear()}-${p(d.getUTCMonth() + 1)}-${p(d.getUTCDate())} ${p(d.getUTCHours())}:${p(d.getUTCMinutes())}:${p(d.getUTCSeconds())}`;
}

/** epoch ms → '2025-11-08T14:03:00+08:00', the graph's time format. */
export function toIsoBeijing(epochMs: number | null | undefined): string | null {
  if (epochMs == null) return null;
  return formatBeijing(epochMs).replace(' ', 'T') + '+08:00';
}

/** Beijing legacy string → ISO with +08:00. */
export function beijingToIso(text: string | null | undefined): string | null {
  return toIsoBeijing(parseBeijing(text));
}

/** The Beijing calendar date ('2025-11-08') of an instant. */
export function beijingDate(epochMs: number): string {
  return formatBeijing(epochMs).slice(0, 10);
}

/** The Beijing weekday of an instant: 1 Monday … 7 Sunday. */
export function beijingWeekday(epochMs: number): number {
  return new Date(epochMs + BEIJING_OFFSET_MS).getUTCDay() || 7;
}

/** Parses an ISO 8601 instant with offset, or a bare date taken as Beijing midnight; null if malformed. */
export function parseIsoInstant(text: string): number | null {
  const m = /^(\d{4}-\d{2}-\d{2})(?:T(\d{2}:\d{2}(?::\d{2}(?:\.\d{1,3})?)?)(Z|[+-]\d{2}:\d{2}))?$/.exec(text);
  if (!m) return null;
  try {
    // The wall-clock part must be a real date and time whatever the offset.
    const wall = parseBeijing(m[2] ? `${m[1]} ${m[2]}` : m[1])!;
    if (!m[3]) return wall;
    const offset = m[3] === 'Z' ? 0 : (m[3][0] === '-' ? -1 : 1) * (Number(m[3].slice(1, 3)) * 60 + Number(m[3].slice(4, 6)));
    if (Math.abs(offset) > 14 * 60 || Number(m[3].slice(4, 6)) > 59) return null;
    return wall + BEIJING_OFFSET_MS - offset * 60_000;
  } catch {
    return null;
  }
}

const CALENDAR_DATE = /^(\d{4})-(\d{2})-(\d{2})$/;

/** A calendar date 'YYYY-MM-DD' that exists, returned as it is; else a RangeError naming `what`. */
export function checkDate(value: string, what = 'date'): string {
  const m = CALENDAR_DATE.exec(value);
  if (!m) throw new RangeError(`${what} must be YYYY-MM-DD, got ${JSON.stringify(value)}`);
  const [y, mo, d] = [Number(m[1]), Number(m[2]), Number(m[3])];
  if (mo < 1 || mo > 12 || d < 1 || d > new Date(Date.UTC(y, mo, 0)).getUTCDate()) throw new RangeError(`${what} is not a date: ${value}`);
  return value;
}

/** A calendar date plus whole calendar months (back when negative), clamped to the target month's last day: 2025-08-31 + 6 → 2026-02-28. */
export function addMonths(date: string, months: number): string {
  const [y, m, d] = checkDate(date).split('-').map(Number);
  const total = y * 12 + (m - 1) + months;
  const year = Math.floor(total / 12);
  const month = total - year * 12 + 1;
  const last = new Date(Date.UTC(year, month, 0)).getUTCDate();
  return `${String(year).padStart(4, '0')}-${String(month).padStart(2, '0')}-${String(Math.min(d, last)).padStart(2, '0')}`;
}
