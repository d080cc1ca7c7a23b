// Streams historical orders for the data-repair wizard out of a CSV (UTF-8 with or without BOM,
// or GBK/GB18030 as Excel on a Chinese Windows saves it) or an XLSX file, row by row, without
// loading the file: progress in bytes and rows, guards against empty files, missing headers,
// oversized cells, and formula-injection cells (flagged, never evaluated).
//
// Encoding decision: GBK/GB18030 files are decoded (iconv-lite, GB18030 being a superset of GBK)
// rather than rejected, because that is what Excel "CSV" produces on most clerks' PCs. Detection:
// a UTF-8 BOM means UTF-8; otherwise the first 64 KiB are checked and, if they are not valid UTF-8,
// the file is read as GB18030. A UTF-8 file that turns invalid later fails with ENCODING_INVALID.
// UTF-16 files ("Unicode text") are rejected with ENCODING_UNSUPPORTED.
import { createReadStream } from 'node:fs';
import { open, stat } from 'node:fs/promises';
import { Transform } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import iconv from 'iconv-lite';
import ExcelJS from 'exceljs';
import { parse, CsvError } from 'csv-parse';
import { parse as parseCsvSync } from 'csv-parse/sync';
import { RECORD_DELIMITERS, isFormulaLike } from '../../common/src/csv.js';

export type RepairReadErrorCode =
  | 'FILE_NOT_FOUND'
  | 'EMPTY_FILE'
  | 'UNSUPPORTED_FORMAT'
  | 'ENCODING_UNSUPPORTED'
  | 'ENCODING_INVALID'
  | 'MISSING_HEADER'
  | 'DUPLICATE_HEADER'
  | 'REQUIRED_COLUMN_MISSING'
  | 'CELL_TOO_LARGE'
  | 'TOO_MANY_COLUMNS'
  | 'MALFORMED_CSV'
  | 'SHEET_NOT_FOUND'
  | 'XLSX_INVALID';

/** A file the wizard cannot read; `code` is stable, the messages are for people. */
export class RepairReadError extends Error {
  readonly code: RepairReadErrorCode;
  readonly messageZh: string;
  readonly messageEn: string;
  /** Row number as a spreadsheet shows it (the header is row 1), when the problem is in a row. */
  readonly row?: number;
  readonly column?: string;
  constructor(code: RepairReadErrorCode, messageZh: string, messageEn: string, where: { row?: number; column?: string } = {}) {
    super(`${messageZh} / ${messageEn}`);
    this.name = 'RepairReadError';
    this.code = code;
    this.messageZh = messageZh;
    this.messageEn = messageEn;
    this.row = where.row;
    this.column = where.column;
  }
}

export type CellFlagCode = 'FORMULA_INJECTION';

export interface CellFlag {
  code: CellFlagCode;
  column: string;
  /** 0-based position in the row. */
  columnIndex: number;
  value: string;
}

export interface RepairRow {
  /** As a spreadsheet shows it: the header is row 1, the first data row is usually 2. */
  rowNumber: number;
  /** Cells by header name; a missing cell is ''. */
  values: Record<string, string>;
  /** Cells in file order, including any beyond the header. */
  cells: string[];
  /** Cells that would run as formulas if opened in a spreadsheet (common/src/csv.ts decides), and XLSX formula cells. */
  flags: CellFlag[];
}

export interface RepairProgress {
  format: 'csv' | 'xlsx';
  /** CSV only. */
  encoding: 'utf-8' | 'gb18030' | null;
  rowsRead: number;
  bytesRead: number;
  totalBytes: number;
  /** bytesRead / totalBytes, 0..1. */
  fraction: number;
}

export interface RepairReaderOptions {
  /** Default: from the file's first bytes (PK… is XLSX, anything else CSV). */
  format?: 'csv' | 'xlsx';
  /** CSV only; default `auto`. */
  encoding?: 'auto' | 'utf-8' | 'gb18030';
  /** CSV only; default: whichever of , ; tab the header line holds most of. */
  delimiter?: ',' | ';' | '\t';
  /** Longest cell accepted, in characters; default 4000. */
  maxCellChars?: number;
  /** Most cells accepted in one row; default 500. */
  maxColumns?: number;
  /** Header names that must be present (case and surrounding spaces ignored). */
  requiredColumns?: string[];
  /** XLSX only: sheet name or 1-based position; default the first sheet. */
  sheet?: string | number;
  /** Call onProgress every this many rows (and once at the end); default 5000. */
  progressEveryRows?: number;
  onProgress?: (p: RepairProgress) => void;
  signal?: AbortSignal;
}

const DEFAULTS = { maxCellChars: 4000, maxColumns: 500, progressEveryRows: 5000 };
const SNIFF_BYTES = 64 * 1024;

/** Opens a CSV or XLSX export for streaming; nothing is read until iteration starts. */
export function openRepairFile(path: string, options: RepairReaderOptions = {}): RepairReader {
  return new RepairReader(path, options);
}

export class RepairReader implements AsyncIterable<RepairRow> {
  private readonly opts: RepairReaderOptions & typeof DEFAULTS;
  private state: RepairProgress = { format: 'csv', encoding: null, rowsRead: 0, bytesRead: 0, totalBytes: 0, fraction: 0 };
  private headerNames: string[] | null = null;
  private firstLineNames: string[] | null = null;

  constructor(
    readonly path: string,
    options: RepairReaderOptions = {},
  ) {
    this.opts = { ...DEFAULTS, ...options };
  }

  get progress(): RepairProgress {
    return { ...this.state };
  }

  /** The header as read (trimmed), once iteration has reached it. */
  get header(): string[] | null {
    return this.headerNames ? [...this.headerNames] : null;
  }

  async *[Symbol.asyncIterator](): AsyncIterator<RepairRow> {
    let size: number;
    try {
      size = (await stat(this.path)).size;
    } catch {
      throw new RepairReadError('FILE_NOT_FOUND', `找不到文件：${this.path}`, `File not found: ${this.path}`);
    }
    this.state.totalBytes = size;
    if (size === 0) throw emptyFile();
    const head = await readHead(this.path, SNIFF_BYTES);
    if (head[0] === 0xd0 && head[1] === 0xcf && head[2] === 0x11 && head[3] === 0xe0)
      throw new RepairReadError('UNSUPPORTED_FORMAT', '不支持旧版 .xls 文件，请另存为 .xlsx 或 CSV', 'Old .xls files are not supported; save as .xlsx or CSV');
    const isZip = head[0] === 0x50 && head[1] === 0x4b && head[2] === 0x03 && head[3] === 0x04;
    const format = this.opts.format ?? (isZip ? 'xlsx' : 'csv');
    this.state.format = format;
    if (format === 'xlsx' && !isZip) throw new RepairReadError('XLSX_INVALID', '文件不是有效的 XLSX', 'The file is not a valid XLSX workbook');
    if (format === 'xlsx') yield* this.readXlsx();
    else yield* this.readCsv(head);
    this.report(true);
  }

  private report(force = false) {
    this.state.fraction = this.state.totalBytes ? Math.min(1, this.state.bytesRead / this.state.totalBytes) : 1;
    if (this.opts.onProgress && (force || this.state.rowsRead % this.opts.progressEveryRows === 0)) this.opts.onProgress(this.progress);
  }

  private countingStream() {
    const counter = new Transform({
      transform: (chunk: Buffer, _enc, done) => {
        this.state.bytesRead += chunk.length;
        done(null, chunk);
      },
    });
    const file = createReadStream(this.path, { highWaterMark: 64 * 1024 });
    file.on('error', (err) => counter.destroy(err));
    return { file, stream: file.pipe(counter) };
  }

  /** Header checks shared by CSV and XLSX; returns the names data rows are keyed by. */
  private acceptHeader(cells: string[], rowNumber: number): string[] {
    const names = cells.map((c) => c.replace(/^\uFEFF/, '').trim());
    while (names.length && !names[names.length - 1]) names.pop();
    const looksLikeData = (n: string) => /^[-+]?\d+(?:[.,]\d+)?$/.test(n) || /^\d{4}[-/.]\d{1,2}[-/.]\d{1,2}/.test(n) || isFormulaLike(n);
    const required = (this.opts.requiredColumns ?? []).map((c) => c.trim().toLowerCase());
    const present = new Set(names.map((n) => n.toLowerCase()));
    const missing = required.filter((r) => !present.has(r));
    if (!names.length || names.some((n) => !n || looksLikeData(n)) || (required.length && missing.length === required.length)) {
      throw new RepairReadError(
        'MISSING_HEADER',
        `第${rowNumber}行应为表头（列名），但看起来是数据或为空${required.length ? `；需要的列：${required.join('、')}` : ''}`,
        `Row ${rowNumber} should be the header (column names) but looks like data or is blank${required.length ? `; expected columns: ${required.join(', ')}` : ''}`,
        { row: rowNumber },
      );
    }
    const seen = new Set<string>();
    for (const n of names) {
      if (seen.has(n.toLowerCase()))
        throw new RepairReadError('DUPLICATE_HEADER', `表头中列名“${n}”重复`, `Column name "${n}" appears twice in the header`, { row: rowNumber, column: n });
      seen.add(n.toLowerCase());
    }
    if (missing.length)
      throw new RepairReadError('REQUIRED_COLUMN_MISSING', `缺少必需的列：${missing.join('、')}`, `Required columns missing: ${missing.join(', ')}`, { row: rowNumber });
    this.headerNames = names;
    return names;
  }

  private toRow(cells: string[], rowNumber: number, names: string[]): RepairRow {
    const values: Record<string, string> = {};
    const flags: CellFlag[] = [];
    names.forEach((n, i) => (values[n] = cells[i] ?? ''));
    cells.forEach((v, i) => {
      if (isFormulaLike(v)) flags.push({ code: 'FORMULA_INJECTION', column: names[i] ?? `#${i + 1}`, columnIndex: i, value: v });
    });
    return { rowNumber, values, cells, flags };
  }

  private tooLarge(rowNumber: number, column: number, names: string[] | null): RepairReadError {
    // Before the header has reached us, its names as the first line of the file has them.
    const col = (names ?? this.headerNames ?? this.firstLineNames)?.[column] ?? `#${column + 1}`;
    return new RepairReadError(
      'CELL_TOO_LARGE',
      `第${rowNumber}行“${col}”列超过${this.opts.maxCellChars}个字符`,
      `Row ${rowNumber}, column "${col}" is longer than ${this.opts.maxCellChars} characters`,
      { row: rowNumber, column: col },
    );
  }

  private tooWide(rowNumber: number): RepairReadError {
    return new RepairReadError('TOO_MANY_COLUMNS', `第${rowNumber}行超过${this.opts.maxColumns}列`, `Row ${rowNumber} has more than ${this.opts.maxColumns} cells`, {
      row: rowNumber,
    });
  }

  private async *readCsv(head: Buffer): AsyncGenerator<RepairRow> {
    const encoding = detectEncoding(head, this.opts.encoding ?? 'auto');
    this.state.encoding = encoding;
    const { file, stream } = this.countingStream();
    const { maxCellChars, maxColumns } = this.opts;
    const headText = encoding === 'gb18030' ? iconv.decode(head, 'gb18030') : head.toString('utf8');
    const delimiter = this.opts.delimiter ?? sniffDelimiter(headText);
    this.firstLineNames = headerOf(headText, delimiter);
    const parser = parse({
      delimiter,
      bom: true,
      record_delimiter: RECORD_DELIMITERS,
      relax_column_count: true,
      relax_quotes: true,
      // Blank records are passed on so that row numbers are the spreadsheet's; we skip them.
      skip_empty_lines: false,
      // Cells and columns are judged when the row arrives (below; csv-parse's per-cell hook costs
      // ten times the parse). A row still being read is bounded by the bytes of its cells here and
      // by the length of its lines in the decoder: no more than a row within the limits can have.
      max_record_size: maxCellChars * 4 * maxColumns,
    });
    const decoder = this.decoder(encoding, delimiter, parser);
    const feeding = pipeline(stream, decoder, parser).then(
      () => null,
      (err: unknown) => err,
    );
    let names: string[] | null = null;
    let record = 0;
    try {
      for await (const cells of parser as AsyncIterable<string[]>) {
        record++;
        if (cells.length > maxColumns) throw this.tooWide(record);
        const big = cells.findIndex((c) => c.length > maxCellChars);
        if (big >= 0) throw this.tooLarge(record, big, names);
        if (cells.every((c) => c === '')) continue;
        if (!names) {
          names = this.acceptHeader(cells, record);
          continue;
        }
        this.state.rowsRead++;
        this.report();
        yield this.toRow(cells, record, names);
      }
    } catch (err) {
      // Ours (a limit, a bad header), or the stream's: the parser passes on what broke the pipeline.
      throw this.csvError(err, names);
    } finally {
      file.destroy();
    }
    const failed = await feeding;
    if (failed) throw this.csvError(failed, names);
    if (!names) throw emptyFile();
  }

  /**
   * Bytes to text, failing on bytes that are not the encoding's, and on a line longer than any row
   * within the limits could be (a run of delimiters or one endless cell, long before the parser
   * would hand the row over); checks the abort signal per chunk.
   */
  private decoder(encoding: 'utf-8' | 'gb18030', delimiter: string, parser: { info: { lines: number; records: number } }): Transform {
    const utf8 = new TextDecoder('utf-8', { fatal: true, ignoreBOM: false });
    const gb = encoding === 'gb18030' ? iconv.getDecoder('gb18030') : null;
    const { maxCellChars, maxColumns } = this.opts;
    // Every cell quoted with every character a doubled quote, and the delimiters between.
    const longestLine = maxColumns * (2 * maxCellChars + 3);
    let lineChars = 0;
    let lineDelimiters = 0;
    let overLong = false;
    const measure = (text: string) => {
      const end = Math.max(text.lastIndexOf('\n'), text.lastIndexOf('\r'));
      const tail = end < 0 ? text : text.slice(end + 1);
      lineChars = (end < 0 ? lineChars : 0) + tail.length;
      lineDelimiters = (end < 0 ? lineDelimiters : 0) + tail.split(delimiter).length - 1;
      overLong = lineChars > longestLine;
    };
    // Raised with the next chunk, once the parser has taken this one: its count of records then
    // says which row is too long.
    const tooLong = () => {
      const row = parser.info.records + 1;
      return lineDelimiters >= maxColumns ? this.tooWide(row) : this.tooLarge(row, lineDelimiters, null);
    };
    const invalid = (zh: string, en: string) => new RepairReadError('ENCODING_INVALID', zh, en, { row: parser.info.lines });
    return new Transform({
      transform: (chunk: Buffer, _enc, done) => {
        if (this.opts.signal?.aborted) return done(this.opts.signal.reason as Error);
        if (overLong) return done(tooLong());
        let text: string;
        try {
          text = gb ? gb.write(chunk) : utf8.decode(chunk, { stream: true });
        } catch {
          return done(invalid(`文件在第${parser.info.lines}行附近含有无效的 UTF-8 字节`, `Invalid UTF-8 bytes near line ${parser.info.lines}`));
        }
        measure(text);
        done(null, text);
      },
      flush: (done) => {
        if (overLong) return done(tooLong());
        try {
          done(null, gb ? (gb.end() ?? '') : utf8.decode());
        } catch {
          done(invalid('文件末尾含有不完整的 UTF-8 字符', 'The file ends inside a UTF-8 character'));
        }
      },
    });
  }

  /** A parser's complaint in the reader's words; our own errors (limits, encoding, abort) pass as they are. */
  private csvError(err: unknown, names: string[] | null): unknown {
    if (!(err instanceof CsvError)) return err;
    const where = err as unknown as { records?: number; index?: number };
    const row = (where.records ?? 0) + 1;
    if (err.code === 'CSV_MAX_RECORD_SIZE') return this.tooLarge(row, where.index ?? 0, names);
    if (err.code === 'CSV_QUOTE_NOT_CLOSED')
      return new RepairReadError('MALFORMED_CSV', `第${row}行的引号没有闭合，文件到此结束`, `A quoted cell in row ${row} is never closed`, { row });
    return new RepairReadError('MALFORMED_CSV', `第${row}行不是有效的 CSV：${err.message}`, `Row ${row} is not valid CSV: ${err.message}`, { row });
  }

  private async *readXlsx(): AsyncGenerator<RepairRow> {
    const { file, stream } = this.countingStream();
    const workbook = new ExcelJS.stream.xlsx.WorkbookReader(stream, {
      worksheets: 'emit',
      sharedStrings: 'cache',
      hyperlinks: 'ignore',
      // Styles tell a date from a number; they are small and read once.
      styles: 'cache',
      entries: 'ignore',
    });
    const wanted = this.opts.sheet ?? 1;
    let sheetIndex = 0;
    let found = false;
    let names: string[] | null = null;
    try {
      for await (const sheet of workbook) {
        sheetIndex++;
        const name = (sheet as unknown as { name?: string }).name;
        const match = typeof wanted === 'number' ? sheetIndex === wanted : name === wanted;
        if (!match) {
          // Drain the sheet we skip so the zip stream moves on.
          for await (const _ of sheet) void _;
          continue;
        }
        found = true;
        for await (const row of sheet) {
          this.opts.signal?.throwIfAborted();
          const raw = (row.values as unknown[]) ?? [];
          if (raw.length - 1 > this.opts.maxColumns) throw this.tooWide(row.number);
          const cells: string[] = [];
          const formulas = new Set<number>();
          for (let i = 1; i < raw.length; i++) {
            const { text, formula } = cellText(raw[i]);
            if (text.length > this.opts.maxCellChars) throw this.tooLarge(row.number, i - 1, names);
            if (formula) formulas.add(i - 1);
            cells.push(text);
          }
          if (cells.every((c) => c === '')) continue;
          if (!names) {
            names = this.acceptHeader(cells, row.number);
            continue;
          }
          const out = this.toRow(cells, row.number, names);
          // A real formula cell is flagged even when its cached result looks harmless.
          for (const i of formulas)
            if (!out.flags.some((f) => f.columnIndex === i)) out.flags.push({ code: 'FORMULA_INJECTION', column: names[i] ?? `#${i + 1}`, columnIndex: i, value: cells[i] });
          out.flags.sort((a, b) => a.columnIndex - b.columnIndex);
          this.state.rowsRead++;
          this.report();
          yield out;
        }
        break;
      }
    } catch (err) {
      if (err instanceof RepairReadError || (err as Error)?.name === 'AbortError') throw err;
      throw new RepairReadError('XLSX_INVALID', `XLSX 文件无法读取：${(err as Error).message}`, `The XLSX workbook cannot be read: ${(err as Error).message}`);
    } finally {
      file.destroy();
    }
    if (!found)
      throw new RepairReadError('SHEET_NOT_FOUND', `找不到工作表：${wanted}`, `Worksheet not found: ${wanted}`, {});
    if (!names) throw emptyFile();
  }
}

function emptyFile(): RepairReadError {
  return new RepairReadError('EMPTY_FILE', '文件是空的（没有表头和数据）', 'The file is empty (no header, no rows)');
}

async function readHead(path: string, n: number): Promise<Buffer> {
  const fh = await open(path, 'r');
  try {
    const buf = Buffer.alloc(n);
    const { bytesRead } = await fh.read(buf, 0, n, 0);
    return buf.subarray(0, bytesRead);
  } finally {
    await fh.close();
  }
}

/** UTF-8 (BOM or valid bytes) or GB18030; UTF-16 and binary files are refused. */
export function detectEncoding(head: Buffer, wanted: 'auto' | 'utf-8' | 'gb18030' = 'auto'): 'utf-8' | 'gb18030' {
  if ((head[0] === 0xff && head[1] === 0xfe) || (head[0] === 0xfe && head[1] === 0xff))
    throw new RepairReadError('ENCODING_UNSUPPORTED', '不支持 UTF-16 编码的文件，请另存为“CSV UTF-8”', 'UTF-16 files are not supported; save as "CSV UTF-8"');
  if (wanted !== 'auto') return wanted;
  if (head[0] === 0xef && head[1] === 0xbb && head[2] === 0xbf) return 'utf-8';
  if (head.includes(0)) throw new RepairReadError('UNSUPPORTED_FORMAT', '文件不是文本 CSV', 'The file is not a text CSV');
  // The sniffed block may end inside a multi-byte character: drop up to 3 trailing bytes.
  for (let cut = 0; cut <= 3 && cut < head.length; cut++) {
    try {
      new TextDecoder('utf-8', { fatal: true }).decode(head.subarray(0, head.length - cut));
      return 'utf-8';
    } catch {
      /* try a shorter prefix */
    }
  }
  return 'gb18030';
}

/** The header's names from the first bytes, for a limit broken before the parser hands the header over. */
function headerOf(headText: string, delimiter: string): string[] {
  const first = headText.replace(/^\uFEFF/, '').split(/\r\n|\n|\r/, 1)[0] ?? '';
  try {
    return (parseCsvSync(first, { delimiter, relax_quotes: true, relax_column_count: true })[0] ?? []).map((n: string) => n.trim());
  } catch {
    return [];
  }
}

/** The separator a header line holds most of: comma, semicolon or tab (comma when none). */
function sniffDelimiter(text: string): ',' | ';' | '\t' {
  const first = text.replace(/^\uFEFF/, '').split(/\r\n|\n|\r/, 1)[0] ?? '';
  let best: ',' | ';' | '\t' = ',';
  let most = 0;
  for (const d of [',', ';', '\t'] as const) {
    const n = first.split(d).length - 1;
    if (n > most) (best = d), (most = n);
  }
  return best;
}

/** The text of an exceljs cell value; `formula` when the cell holds one. */
function cellText(v: unknown): { text: string; formula: boolean } {
  if (v === null || v === undefined) return { text: '', formula: false };
  if (typeof v === 'string') return { text: v, formula: false };
  if (typeof v === 'number' || typeof v === 'boolean') return { text: String(v), formula: false };
  if (v instanceof Date) return { text: v.toISOString(), formula: false };
  if (typeof v === 'object') {
    const o = v as Record<string, unknown>;
    if ('formula' in o || 'sharedFormula' in o) {
      const r = cellText(o.result);
      return { text: r.text || `=${String(o.formula ?? o.sharedFormula ?? '')}`, formula: true };
    }
    if (Array.isArray(o.richText)) return { text: (o.richText as Array<{ text: string }>).map((p) => p.text).join(''), formula: false };
    if ('text' in o) return cellText(o.text);
    if ('error' in o) return { text: String(o.error), formula: false };
  }
  return { text: String(v), formula: false };
}
