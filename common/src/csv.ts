// CSV in and out, on csv-parse and csv-stringify, and the one spreadsheet-formula guard that every
// cell we read from a file or write into one passes. Our own data files (catalog, lexicon) are read
// whole here; uploaded files are streamed by the repair reader, with the same parser and guard.
import { parse, CsvError } from 'csv-parse/sync';
import { stringify } from 'csv-stringify/sync';

export { CsvError };

/** Records end at CRLF, LF or CR, whichever each line has (csv-parse would settle on the first). */
export const RECORD_DELIMITERS = ['\r\n', '\n', '\r'];

// A spreadsheet runs a cell as a formula when it starts with = + - @ (or their full-width forms,
// which Apple Numbers folds into them), or with a tab or carriage return some programs strip first.
const FORMULA_START = /^[=+\-@\t\r\uFF1D\uFF0B\uFF0D\uFF20]/;
// A sign before a plain number ("-5", "+86 138", "－1,000.50") is arithmetic on a constant: no
// function, no reference, nothing to run; a clerk's negative amounts stay numbers.
const SIGNED_NUMBER = /^[+\-\uFF0B\uFF0D][\d.,\s]*$/;

/** True when a spreadsheet opening the cell would run it as a formula (CSV/formula injection). */
export function isFormulaLike(value: string): boolean {
  return FORMULA_START.test(value) && !SIGNED_NUMBER.test(value);
}

/** The cell made safe to put in a spreadsheet: a leading apostrophe keeps a formula-like cell text. */
export function defuseFormula(value: string): string {
  return isFormulaLike(value) ? `'${value}` : value;
}

/**
 * Rows of `text`; quoted fields may hold commas, line breaks and doubled quotes. Rows with only blank
 * cells are dropped, and so are lines starting with `#` when `comments` is set. A quote never
 * closed throws a CsvError naming the line.
 */
export function parseCsv(text: string, options: { comments?: boolean } = {}): string[][] {
  const rows: string[][] = parse(text, {
    bom: true,
    comment: options.comments ? '#' : undefined,
    comment_no_infix: true,
    record_delimiter: RECORD_DELIMITERS,
    relax_column_count: true,
    relax_quotes: true,
    skip_empty_lines: true,
  });
  return rows.filter((r) => r.some((f) => f.trim() !== ''));
}


/**
 * RFC 4180 text a spreadsheet opens right: UTF-8 with a byte-order mark (so that Excel reads the
 * Chinese), CRLF, quoted where needed, every cell through the formula guard.
 */
export function spreadsheetCsv(rows: readonly (readonly string[])[]): string {
  return stringify(rows as string[][], { bom: true, record_delimiter: '\r\n', quote_record_delimiter: true, cast: { string: defuseFormula } });
}
