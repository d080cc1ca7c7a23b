// Turns a delivery hint as written (明天下午, 周五前, 下礼拜二, 3天内, 12月5号前, 月底前, 明儿, 下个月初) into the
// instant the goods are wanted by, in Beijing time, relative to when the message was read. Pure.
// A hint with no date in it (尽快) gives null: urgency is the remark's business, not a date.
import { parseNumeral } from './numbers.js';

const HOUR = 3_600_000;
const DAY = 24 * HOUR;
const BEIJING = 8 * HOUR;

export interface DeliveryDate {
  /** The instant: the end of the part of day named (上午 12:00, 下午 18:00 …), else 18:00. */
  at: number;
  /** BY for 前/之前/内 (at the latest), ON otherwise. */
  kind: 'BY' | 'ON';
  confidence: number;
}

const WEEKDAY: Record<string, number> = { 一: 1, 二: 2, 三: 3, 四: 4, 五: 5, 六: 6, 日: 7, 天: 7, 末: 6, '1': 1, '2': 2, '3': 3, '4': 4, '5': 5, '6': 6, '7': 7 };
const PART_OF_DAY: Array<[RegExp, number]> = [
  [/一早|早上|明早|今早|早/, 10],
  [/上午/, 12],
  [/中午/, 13],
  [/下午|白天/, 18],
  [/傍晚/, 19],
  [/晚上|今晚|明晚/, 21],
];

/** Beijing midnight of the day `t` falls on, and that day's weekday (1 Monday … 7 Sunday). */
function beijingDay(t: number): { midnight: number; weekday: number; year: number; month: number; date: number } {
  const local = new Date(t + BEIJING);
  const midnight = Date.UTC(local.getUTCFullYear(), local.getUTCMonth(), local.getUTCDate()) - BEIJING;
  return { midnight, weekday: local.getUTCDay() || 7, year: local.getUTCFullYear(), month: local.getUTCMonth() + 1, date: local.getUTCDate() };
}

const beijingMidnightOf = (year: number, month: number, date: number) => Date.UTC(year, month - 1, date) - BEIJING;

/** Other words for the same days and dates, rewritten to the forms read below: 明儿, 听日 → 明天; 十二月五号 → 12月5号, 九点 → 9点; 12/5 → 12月5号. */
function plainDate(text: string): string {
  return text
    .replace(/^(?:明儿|明个|听日|聽日|听朝|聽朝|明朝)/, '明天')
    .replace(/^今儿/, '今天')
    .replace(/^(?:后儿|后日|後日|後天|明后天|明后两天)/, '后天')
    .replace(/^(?:本|这个|这)(?=月[底初中])/, '')
    .replace(/[一二两三四五六七八九十]{1,3}(?=[月号日点时])/g, (n) => String(parseNumeral(n) ?? n))
    .replace(/^(\d{1,2})[/.](\d{1,2})/, '$1月$2号');
}

export function resolveDeliveryHint(hint: string | null | undefined, now: number): DeliveryDate | null {
  if (!hint) return null;
  const text = plainDate(hint.normalize('NFKC').replace(/\s+/g, ''));
  const today = beijingDay(now);
  const kind: 'BY' | 'ON' = /(?:之前|以前|前|之内|以内|内)$/.test(text) ? 'BY' : 'ON';
  let day: number | null = null;
  let confidence = 0.9;

  const within = /^(\d+|[一二两三四五六七八九十]+)个?(天|工作日)(?:之内|以内|内)$/.exec(text);
  const later = /^(\d+|[一二两三四五六七八九十]+)个?天(?:之后|以后|后)$/.exec(text);
  if (later) {
    const n = parseNumeral(later[1]);
    if (n == null) return null;
    day = today.midnight + n * DAY;
  } else if (within) {
    const n = parseNumeral(within[1]);
    if (n == null) return null;
    if (within[2] === '天') day = today.midnight + n * DAY;
    else {
      // Working days: Monday to Friday.
      let d = today.midnight;
      for (let left = n; left > 0; ) {
        d += DAY;
        if (beijingDay(d).weekday <= 5) left--;
      }
      day = d;
    }
  } else if (/^(今天|今日|今晚|今早|当天|当日)/.test(text)) day = today.midnight;
  else if (/^(明天|明日|明晚|明早)/.test(text)) day = today.midnight + DAY;
  else if (/^大后天/.test(text)) day = today.midnight + 3 * DAY;
  else if (/^后天/.test(text)) day = today.midnight + 2 * DAY;
  else {
    const week = /^(下下|下个|这个|这|本|下|上)?(?:周|星期|礼拜)([一二三四五六日天末1-7])/.exec(text);
    const md = /^(\d{1,2})月(\d{1,2})[日号]?/.exec(text);
    const dOnly = /^(\d{1,2})[号日]/.exec(text);
    if (week) {
      const target = WEEKDAY[week[2]];
      const offsetWeeks = week[1] === '下下' ? 2 : week[1] === '下' || week[1] === '下个' ? 1 : week[1] === '上' ? -1 : 0;
      day = today.midnight + (target - today.weekday + 7 * offsetWeeks) * DAY;
      // 周五前 said on a Saturday means next Friday.
      if (!week[1] && day < today.midnight) day += 7 * DAY;
      if (week[2] === '末') confidence = 0.8;
    } else if (md) {
      const month = Number(md[1]);
      const date = Number(md[2]);
      if (month < 1 || month > 12 || date < 1 || date > 31) return null;
      let year = today.year;
      // 1月3号 written in December is next year's.
      if (beijingMidnightOf(year, month, date) < today.midnight - 30 * DAY) year++;
      day = beijingMidnightOf(year, month, date);
    } else if (dOnly) {
      const date = Number(dOnly[1]);
      if (date < 1 || date > 31) return null;
      day = beijingMidnightOf(today.year, today.month, date);
      if (day < today.midnight) day = beijingMidnightOf(today.year, today.month + 1, date);
      confidence = 0.8;
    } else if (/^(?:下个|下)?月[底初中]/.test(text)) {
      // 月初 the 5th, 月中 the 15th, 月底 the last day; 下个月… the next month's, as is 月初 once it has passed.
      const next = /^下/.test(text) ? 1 : 0;
      const which = /月底/.test(text) ? 0 : /月初/.test(text) ? 5 : 15;
      const monthOf = (m: number) => (which ? beijingMidnightOf(today.year, today.month + m, which) : beijingMidnightOf(today.year, today.month + m + 1, 0));
      day = monthOf(next);
      if (day < today.midnight) day = monthOf(next + 1);
      confidence = 0.7;
    } else if (/^年底/.test(text)) {
      day = beijingMidnightOf(today.year, 12, 31);
      confidence = 0.6;
    } else if (/^(本周|这周|周末)/.test(text)) {
      day = today.midnight + (6 - today.weekday) * DAY;
      if (day < today.midnight) day = today.midnight;
      confidence = 0.7;
    } else if (/^下周/.test(text)) {
      day = today.midnight + (8 - today.weekday + 4) * DAY;
      confidence = 0.6;
    } else return null;
  }
  let hour = 18;
  const clock = /(\d{1,2})(?:点(半)?|:([0-5]\d))/.exec(text);
  const part = PART_OF_DAY.find(([re]) => re.test(text));
  if (clock) {
    let h = Number(clock[1]);
    if (h < 12 && /下午|晚上|傍晚/.test(text)) h += 12;
    if (h > 23) return null;
    hour = h + (clock[2] ? 0.5 : clock[3] ? Number(clock[3]) / 60 : 0);
  } else if (part) hour = part[1];
  const at = day + hour * HOUR;
  // A time already past is no promise anyone can keep: the hint was misread or is stale.
  if (at < now) return { at, kind, confidence: 0.3 };
  return { at, kind, confidence };
}
