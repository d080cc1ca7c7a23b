// Chinese by default, English by a switch (remembered on this device). Text the graph sends comes
// in both languages already (messageZh/messageEn, detailZh/detailEn …); the pages' own words are
// pairs beside the code that shows them. Times are shown in Beijing time whatever the device says.
import { ref } from 'vue';

export type Lang = 'zh' | 'en';

const LANG_KEY = 'orderHub.lang';

export const lang = ref<Lang>(localStorage.getItem(LANG_KEY) === 'en' ? 'en' : 'zh');
document.documentElement.lang = lang.value === 'zh' ? 'zh-CN' : 'en';

export function setLang(next: Lang): void {
  lang.value = next;
  localStorage.setItem(LANG_KEY, next);
  document.documentElement.lang = next === 'zh' ? 'zh-CN' : 'en';
}

/** One of a pair, by the language in force (reactive inside a render). */
export const bi = (zh: string, en: string): string => (lang.value === 'zh' ? zh : en);

/** A page's words: `const t = words({ title: ['我的订单', 'My orders'] })`, then `t('title')`. */
export function words<K extends string>(pairs: Record<K, readonly [string, string]>): (key: K) => string {
  return (key) => bi(pairs[key][0], pairs[key][1]);
}

const TIME_ZONE = 'Asia/Shanghai';
const locale = () => (lang.value === 'zh' ? 'zh-CN' : 'en-GB');

export function formatDateTime(iso: string | null | undefined): string {
  if (!iso) return '—';
  return new Intl.DateTimeFormat(locale(), { timeZone: TIME_ZONE, year: 'numeric', month: '2-digit', day: '2-digit', hour: '2-digit', minute: '2-digit', hour12: false }).format(new Date(iso));
}

export function formatDate(iso: string | null | undefined): string {
  if (!iso) return '—';
  // A bare date (2025-11-08) is a Beijing day already; a time is converted to one.
  const at = /^\d{4}-\d{2}-\d{2}$/.test(iso) ? new Date(`${iso}T12:00:00+08:00`) : new Date(iso);
  return new Intl.DateTimeFormat(locale(), { timeZone: TIME_ZONE, year: 'numeric', month: '2-digit', day: '2-digit' }).format(at);
}

export function formatTime(at: Date): string {
  return new Intl.DateTimeFormat(locale(), { timeZone: TIME_ZONE, hour: '2-digit', minute: '2-digit', second: '2-digit', hour12: false }).format(at);
}

/** Money as the graph sends it (a decimal string), in yuan. */
export function formatMoney(amount: string | null | undefined): string {
  if (amount == null) return '—';
  return new Intl.NumberFormat('zh-CN', { style: 'currency', currency: 'CNY' }).format(Number(amount));
}

/** A 0–1 share as a percentage with one decimal. */
export function formatPercent(share: number | null | undefined): string {
  return share == null ? '—' : `${(share * 100).toFixed(1)}%`;
}

/** Today's Beijing date, YYYY-MM-DD, moved by `days`. */
export function beijingDay(days = 0, from = Date.now()): string {
  return new Date(from + 8 * 3600_000 + days * 86_400_000).toISOString().slice(0, 10);
}
