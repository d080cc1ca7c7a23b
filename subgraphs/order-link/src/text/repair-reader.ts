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
import iconv from 'iconv-lite';
import ExcelJS from 'exceljs';

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
  /** Cells that would run as formulas if opened in a spreadsheet (=, +, -, @, tab, CR first). */
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
const INJECTION_START = new Set(['=', '+', '-', '@', '\t', '\r']);
const SNIFF_BYTES = 64 * 1024;

/** True when a spreadsheet would treat the value as a formula (CSV/formula injection). */
export function isFormulaLike(value: string): boolean {
  return value.length > 0 && INJECTION_START.has(value[0]);
}

/** The value made safe to write back into a spreadsheet: a leading apostrophe keeps it text. */
export function neutralizeCell(value: string): string {
  return isFormulaLike(value) ? `'${value}` : value;
}

/** Opens a CSV or XLSX export for streaming; nothing is read until iteration starts. */
export function openRepairFile(path: string, options: RepairReaderOptions = {}): RepairReader {
  return new RepairReader(path, options);
}

export class RepairReader implements AsyncIterable<RepairRow> {
  private readonly opts: RepairReaderOptions & typeof DEFAULTS;
  private state: RepairProgress = { format: 'csv', encoding: null, rowsRead: 0, bytesRead: 0, totalBytes: 0, fraction: 0 };
  private headerNames: string[] | null = null;

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
    const col = names?.[column] ?? `#${column + 1}`;
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
    const utf8 = new TextDecoder('utf-8', { fatal: true, ignoreBOM: false });
    const gb = encoding === 'gb18030' ? iconv.getDecoder('gb18030') : null;
    const parser = new CsvParser(this.opts.delimiter ?? null, this.opts.maxCellChars, this.opts.maxColumns);
    let names: string[] | null = null;
    let line = 1;
    try {
      const handle = (rows: ParsedRow[]): RepairRow[] => {
        const out: RepairRow[] = [];
        for (const r of rows) {
          if (r.cells.every((c) => c === '')) continue;
          if (!names) names = this.acceptHeader(r.cells, r.line);
          else out.push(this.toRow(r.cells, r.line, names));
        }
        return out;
      };
      for await (const chunk of stream as AsyncIterable<Buffer>) {
        this.opts.signal?.throwIfAborted();
        let text: string;
        try {
          text = gb ? gb.write(chunk) : utf8.decode(chunk, { stream: true });
        } catch {
          throw new RepairReadError('ENCODING_INVALID', `文件在第${line}行附近含有无效的 UTF-8 字节`, `Invalid UTF-8 bytes near line ${line}`, { row: line });
        }
        let rows: ParsedRow[];
        try {
          rows = parser.push(text);
        } catch (err) {
          // Rows completed before the bad one (the header among them) are still good.
          if (err instanceof CsvLimitError) for (const row of handle(err.before)) yield row;
          throw this.parserError(err, names);
        }
        line = parser.line;
        for (const row of handle(rows)) {
          this.state.rowsRead++;
          this.report();
          yield row;
        }
      }
      let tail: string;
      try {
        tail = gb ? gb.end() ?? '' : utf8.decode();
      } catch {
        throw new RepairReadError('ENCODING_INVALID', '文件末尾含有不完整的 UTF-8 字符', 'The file ends inside a UTF-8 character', { row: line });
      }
      let rows: ParsedRow[];
      try {
        rows = [...parser.push(tail), ...parser.end()];
      } catch (err) {
        throw this.parserError(err, names);
      }
      for (const row of handle(rows)) {
        this.state.rowsRead++;
        this.report();
        yield row;
      }
      if (!names) throw emptyFile();
    } finally {
      file.destroy();
    }
  }

  private parserError(err: unknown, names: string[] | null): unknown {
    if (!(err instanceof CsvLimitError)) return err;
    if (err.kind === 'cell') return this.tooLarge(err.line, err.column, names);
    if (err.kind === 'columns') return this.tooWide(err.line);
    return new RepairReadError('MALFORMED_CSV', `第${err.line}行的引号没有闭合，文件到此结束`, `A quoted cell in row ${err.line} is never closed`, { row: err.line });
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

interface ParsedRow {
  cells: string[];
  /** Record number, counting blank records, as a spreadsheet numbers rows (1-based). */
  line: number;
}

class CsvLimitError extends Error {
  /** Rows of the same chunk completed before the failure. */
  before: ParsedRow[] = [];
  constructor(
    readonly kind: 'cell' | 'columns' | 'quote',
    readonly line: number,
    readonly column: number,
  ) {
    super(kind);
  }
}

/**
 * RFC 4180 reader fed text chunk by chunk: quoted cells may hold delimiters, doubled quotes and
 * line breaks; a cell over the limit fails as soon as it passes it, not when the row ends.
 */
class CsvParser {
  line = 1;
  private cells: string[] = [];
  private cell = '';
  private quoted = false;
  private afterQuote = false;
  private record = 1;
  private pendingCR = false;
  private started = false;

  constructor(
    private delimiter: string | null,
    private readonly maxCell: number,
    private readonly maxColumns: number,
  ) {}

  push(text: string): ParsedRow[] {
    const out: ParsedRow[] = [];
    try {
      this.consume(text, out);
    } catch (err) {
      if (err instanceof CsvLimitError) err.before = out;
      throw err;
    }
    return out;
  }

  private consume(text: string, out: ParsedRow[]): void {
    let i = 0;
    if (!this.started && text.length) {
      this.started = true;
      if (text[0] === '\uFEFF') i = 1;
    }
    if (this.delimiter === null && text.length) {
      const first = text.slice(i, text.indexOf('\n') >= 0 ? text.indexOf('\n') : text.length);
      const counts = [',', ';', '\t'].map((d) => [d, first.split(d).length - 1] as const);
      this.delimiter = counts.reduce((a, b) => (b[1] > a[1] ? b : a))[1] > 0 ? counts.reduce((a, b) => (b[1] > a[1] ? b : a))[0] : ',';
    }
    const d = this.delimiter ?? ',';
    for (; i < text.length; i++) {
      const c = text[i];
      if (this.pendingCR) {
        this.pendingCR = false;
        if (c === '\n') continue;
      }
      if (this.quoted) {
        if (c === '"') {
          if (i + 1 < text.length) {
            if (text[i + 1] === '"') {
              this.append('"');
              i++;
            } else {
              this.quoted = false;
              this.afterQuote = true;
            }
          } else {
            // A quote at the chunk's end: decide when the next chunk arrives.
            this.quoted = false;
            this.afterQuote = true;
            this.maybeEscapedQuote = true;
          }
          continue;
        }
        if (c === '\n') this.line++;
        this.append(c);
        continue;
      }
      if (this.maybeEscapedQuote) {
        this.maybeEscapedQuote = false;
        if (c === '"') {
          this.quoted = true;
          this.afterQuote = false;
          this.append('"');
          continue;
        }
      }
      if (c === '"' && this.cell === '' && !this.afterQuote) {
        this.quoted = true;
        continue;
      }
      if (c === d) {
        this.endCell();
        continue;
      }
      if (c === '\n' || c === '\r') {
        this.endCell();
        out.push({ cells: this.cells, line: this.record });
        this.cells = [];
        this.line++;
        this.record++;
        if (c === '\r') this.pendingCR = true;
        continue;
      }
      this.append(c);
    }
  }

  private maybeEscapedQuote = false;

  end(): ParsedRow[] {
    if (this.quoted) throw new CsvLimitError('quote', this.record, this.cells.length);
    if (this.cell !== '' || this.cells.length || this.afterQuote) {
      this.endCell();
      const row = { cells: this.cells, line: this.record };
      this.cells = [];
      return [row];
    }
    return [];
  }

  private append(c: string) {
    if (this.cell.length >= this.maxCell) throw new CsvLimitError('cell', this.record, this.cells.length);
    this.cell += c;
  }

  private endCell() {
    if (this.cells.length >= this.maxColumns) throw new CsvLimitError('columns', this.record, this.cells.length);
    this.cells.push(this.cell);
    this.cell = '';
    this.afterQuote = false;
  }
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
