// A small seeded PRNG (mulberry32) with the helpers the generator needs. Same seed, same data:
// the generator never reads the clock or Math.random.
export class Random {
  private state: number;

  constructor(seed: number) {
    this.state = seed >>> 0 || 0x9e3779b9;
  }

  /** Uniform in [0, 1). */
  next(): number {
    let t = (this.state = (this.state + 0x6d2b79f5) >>> 0);
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  }

  /** Integer in [min, max], both included. */
  int(min: number, max: number): number {
    return min + Math.floor(this.next() * (max - min + 1));
  }

  chance(p: number): boolean {
    return this.next() < p;
  }

  pick<T>(items: readonly T[]): T {
    return items[Math.floor(this.next() * items.length)];
  }

  /** Picks by weight; weights need not sum to 1. */
  weighted<T>(items: readonly (readonly [T, number])[]): T {
    const total = items.reduce((s, [, w]) => s + w, 0);
    let r = this.next() * total;
    for (const [item, w] of items) {
      r -= w;
      if (r < 0) return item;
    }
    return items[items.length - 1][0];
  }

  shuffle<T>(items: T[]): T[] {
    for (let i = items.length - 1; i > 0; i--) {
      const j = Math.floor(this.next() * (i + 1));
      [items[i], items[j]] = [items[j], items[i]];
    }
    return items;
  }

  /** A fresh generator derived from this one, so that adding draws in one part of the generator does not shift another. */
  fork(label: string): Random {
    let h = Math.floor(this.next() * 2 ** 32);
    for (const ch of label) h = Math.imul(h ^ ch.charCodeAt(0), 16777619) >>> 0;
    return new Random(h);
  }

  /** Minutes with a long right tail: most waits are short, some are long. */
  minutes(typical: number, max: number): number {
    const u = this.next();
    return Math.min(max, Math.max(1, Math.round(-typical * Math.log(1 - u * 0.999))));
  }
}

/**
 * Picks among many items in proportion to their weights, one draw of `rng` a pick: the cumulative
 * weights are summed once and each pick is a binary search (for thousands of customers, where
 * `Random.weighted`'s walk would be too slow).
 */
export function weightedPicker<T>(items: readonly T[], weightOf: (item: T) => number): (rng: Random) => T {
  const cumulative: number[] = [];
  items.reduce((sum, item, i) => (cumulative[i] = sum + weightOf(item)), 0);
  return (rng) => {
    const r = rng.next() * cumulative[cumulative.length - 1];
    let lo = 0;
    let hi = cumulative.length - 1;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if (cumulative[mid] > r) hi = mid;
      else lo = mid + 1;
    }
    return items[lo];
  };
}
