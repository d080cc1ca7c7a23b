// Small in-memory RFC 4180 reader for our own data files (catalog, lexicon). Uploaded files go
// through the streaming reader in order-link's repair-reader instead, which enforces limits.

export class CsvQuoteError extends Error {
  constructor(readonly line: number) {
    super(`line ${line}: unterminated quote`);
  }
}

/**
 * Rows of `text`; quoted fields may hold commas, line breaks and doubled quotes. Blank rows are
 * dropped, and so are lines starting with `#` when `comments` is set (outside quotes only).
 */
export function parseCsv(text: string, options: { comments?: boolean } = {}): string[][] {
  const rows: string[][] = [];
  let row: string[] = [];
  let field = '';
  let quoted = false;
  let line = 1;
  let quoteLine = 0;
  let atRowStart = true;
  const src = text.replace(/^\uFEFF/, '');
  for (let i = 0; i < src.length; i++) {
    const c = src[i];
    if (atRowStart && options.comments && c === '#') {
      while (i < src.length && src[i] !== '\n') i++;
      line++;
      continue;
    }
    atRowStart = false;
    if (quoted) {
      if (c === '"' && src[i + 1] === '"') (field += '"'), i++;
      else if (c === '"') quoted = false;
      else {
        if (c === '\n') line++;
        field += c;
      }
    } else if (c === '"') (quoted = true), (quoteLine = line);
    else if (c === ',') row.push(field), (field = '');
    else if (c === '\n' || c === '\r') {
      if (c === '\r' && src[i + 1] === '\n') i++;
      row.push(field), rows.push(row), (row = []), (field = '');
      line++;
      atRowStart = true;
    } else field += c;
  }
  if (quoted) throw new CsvQuoteError(quoteLine);
  if (field || row.length) row.push(field), rows.push(row);
  return rows.filter((r) => r.some((f) => f.trim() !== ''));
}
