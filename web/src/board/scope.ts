// What the board looks at: a window of Beijing days and, optionally, a region or a store. People
// pick days inclusively (8–10 November); the graph's window is [from, to), so `to` is the day after.
import { beijingDay } from '../shared/i18n';

export type Dimension = 'delivery' | 'inventoryMatch' | 'documentConsistency' | 'interceptions' | 'satisfaction';

export interface Filters {
  /** First day, YYYY-MM-DD */
  from: string;
  /** Last day, inclusive */
  through: string;
  region: string;
  storeCode: string;
}

/** The variables orderHealth and its drill-downs take. */
export interface Scope {
  from: string;
  to: string;
  region: string | null;
  storeCode: string | null;
}

export const dayAfter = (day: string): string => beijingDay(1, Date.parse(`${day}T00:00:00+08:00`));

export function scopeOf(f: Filters): Scope {
  return { from: f.from, to: dayAfter(f.through), region: f.region.trim() || null, storeCode: f.storeCode.trim().toUpperCase() || null };
}

/** From the address (?from=&through=&region=&store=), else the last seven days. */
export function filtersFromUrl(): Filters {
  const q = new URLSearchParams(location.search);
  const day = (v: string | null) => (v && /^\d{4}-\d{2}-\d{2}$/.test(v) ? v : null);
  return {
    from: day(q.get('from')) ?? beijingDay(-6),
    through: day(q.get('through')) ?? beijingDay(0),
    region: q.get('region') ?? '',
    storeCode: q.get('store') ?? '',
  };
}

export function filtersToUrl(f: Filters): void {
  const q = new URLSearchParams({ from: f.from, through: f.through });
  if (f.region.trim()) q.set('region', f.region.trim());
  if (f.storeCode.trim()) q.set('store', f.storeCode.trim());
  history.replaceState(null, '', `/board?${q}`);
}
