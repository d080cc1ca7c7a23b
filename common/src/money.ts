// Money is CNY held as integer fen (1/100 yuan) and shown as a decimal string: never a float.

/** '1234.5' | 1234.5 | '1234.50' → 123450 fen. Rejects more than 2 decimals of precision loss. */
export function toFen(value: string | number | null | undefined): number | null {
  if (value == null || value === '') return null;
  const text = typeof value === 'number' ? value.toFixed(2) : value.trim();
  const m = /^(-)?(\d+)(?:\.(\d+))?$/.exec(text);
  if (!m) throw new Error(`not a money amount: ${value}`);
  const frac = (m[3] ?? '').padEnd(2, '0');
  // Legacy DECIMAL(18,4) columns may carry trailing zeros beyond fen; round half up at the fen.
  const fen = Number(m[2]) * 100 + Number(frac.slice(0, 2)) + (frac.length > 2 && Number(frac[2]) >= 5 ? 1 : 0);
  return m[1] ? -fen : fen;
}

/** 123450 → '1234.50' */
export function formatFen(fen: number): string {
  const sign = fen < 0 ? '-' : '';
  const abs = Math.abs(fen);
  return `${sign}${Math.floor(abs / 100)}.${String(abs % 100).padStart(2, '0')}`;
}

/** Normalizes any legacy money value to the graph's 'yuan.fen' string. */
export function money(value: string | number | null | undefined): string | null {
  const fen = toFen(value);
  return fen == null ? null : formatFen(fen);
}
