// The data-repair wizard's file reader: CSV in UTF-8 (BOM or not) and GB18030, XLSX written
// here with exceljs, streamed with bounded memory, with stable error codes for bad files.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { createWriteStream, mkdtempSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { once } from 'node:events';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import iconv from 'iconv-lite';
import ExcelJS from 'exceljs';
import { defuseFormula } from '../common/src/csv.js';
import {
  openRepairFile,
  RepairReadError,
  type RepairProgress,
  type RepairReaderOptions,
  type RepairRow,
} from '#text';

let dir = '';
before(() => {
  dir = mkdtempSync(join(tmpdir(), 'repair-reader-'));
});
after(() => rmSync(dir, { recursive: true, force: true }));

const file = (name: string, content: string | Buffer) => {
  const p = join(dir, name);
  writeFileSync(p, content);
  return p;
};

async function readAll(path: string, opts?: RepairReaderOptions): Promise<RepairRow[]> {
  const rows: RepairRow[] = [];
  for await (const r of openRepairFile(path, opts)) rows.push(r);
  return rows;
}

async function failsWith(path: string, code: string, opts?: RepairReaderOptions): Promise<RepairReadError> {
  try {
    await readAll(path, opts);
  } catch (err) {
    assert.ok(err instanceof RepairReadError, `expected RepairReadError, got ${err}`);
    assert.equal(err.code, code, err.message);
    assert.match(err.messageZh, /[\u4e00-\u9fff]/, 'a Chinese message');
    assert.match(err.messageEn, /[a-z]/, 'an English message');
    return err;
  }
  assert.fail(`expected ${code}`);
}

const HEADER = 'cSOCode,cCusCode,dDate,cMemo,iSum';

test('a UTF-8 CSV with BOM, quotes, embedded commas, doubled quotes and line breaks is read row by row', async () => {
  const p = file(
    'orders.csv',
    '\uFEFF' + HEADER + '\r\n' + 'SO-20251108-001,C00012,2025-11-08,"急！装车用，附检测报告",1234.50\r\n' + 'SO-20251108-002,C00013,2025-11-08,"他说""周末不收货""\n到了打电话",88\r\n',
  );
  const reader = openRepairFile(p);
  const rows: RepairRow[] = [];
  for await (const r of reader) rows.push(r);
  assert.deepEqual(reader.header, ['cSOCode', 'cCusCode', 'dDate', 'cMemo', 'iSum']);
  assert.equal(rows.length, 2);
  assert.equal(rows[0].values.cMemo, '急！装车用，附检测报告');
  assert.equal(rows[0].rowNumber, 2);
  assert.equal(rows[1].values.cMemo, '他说"周末不收货"\n到了打电话');
  assert.equal(rows[1].values.iSum, '88');
  assert.deepEqual(rows[1].flags, []);
  assert.equal(reader.progress.encoding, 'utf-8');
  assert.equal(reader.progress.rowsRead, 2);
  assert.equal(reader.progress.fraction, 1);
});

test('a GBK/GB18030 CSV as Excel saves it on a Chinese PC is detected and decoded', async () => {
  const text = `${HEADER}\r\nSO-20251108-003,C00014,2025-11-08,不急，随货附合格证；效期一年以上,560\r\n`;
  const p = file('gbk.csv', iconv.encode(text, 'gb18030'));
  const reader = openRepairFile(p);
  const rows: RepairRow[] = [];
  for await (const r of reader) rows.push(r);
  assert.equal(reader.progress.encoding, 'gb18030');
  assert.equal(rows[0].values.cMemo, '不急，随货附合格证；效期一年以上');
});

test('UTF-16, old .xls, binary and broken UTF-8 files are refused with a clear code', async () => {
  await failsWith(file('u16.csv', Buffer.concat([Buffer.from([0xff, 0xfe]), Buffer.from(HEADER, 'utf16le')])), 'ENCODING_UNSUPPORTED');
  await failsWith(file('old.xls', Buffer.from([0xd0, 0xcf, 0x11, 0xe0, 0xa1, 0xb1, 0x1a, 0xe1, 0, 0])), 'UNSUPPORTED_FORMAT');
  // Valid UTF-8 for the first 64 KiB, then a stray byte.
  const good = `${HEADER}\n` + 'SO-1,C1,2025-11-08,装车用,1\n'.repeat(4000);
  const bad = await failsWith(file('bad-utf8.csv', Buffer.concat([Buffer.from(good), Buffer.from([0xc3, 0x28, 0x0a])])), 'ENCODING_INVALID');
  assert.ok(bad.row && bad.row > 1000);
  await failsWith(join(dir, 'nope.csv'), 'FILE_NOT_FOUND');
});

test('empty files and files without a header are refused', async () => {
  await failsWith(file('empty.csv', ''), 'EMPTY_FILE');
  await failsWith(file('bom-only.csv', '\uFEFF\r\n\r\n'), 'EMPTY_FILE');
  await failsWith(file('no-header.csv', 'SO-20251108-001,C00012,2025-11-08,急,1234.50\n'), 'MISSING_HEADER');
  const e = await failsWith(file('numbers.csv', '1,2,3\n4,5,6\n'), 'MISSING_HEADER');
  assert.equal(e.row, 1);
  await failsWith(file('dup.csv', 'cSOCode,cMemo,cmemo\n1,2,3\n'), 'DUPLICATE_HEADER');
  await failsWith(file('req.csv', 'cSOCode,dDate\nSO-1,2025-11-08\n'), 'REQUIRED_COLUMN_MISSING', { requiredColumns: ['cSOCode', 'cMemo'] });
  await failsWith(file('req2.csv', 'SO-1,2025-11-08\n'), 'MISSING_HEADER', { requiredColumns: ['cSOCode', 'cMemo'] });
});

test('a cell over the size limit stops the read at that row and column, even inside quotes', async () => {
  const big = 'x'.repeat(5000);
  const e = await failsWith(file('big.csv', `${HEADER}\nSO-1,C1,2025-11-08,"${big}",1\n`), 'CELL_TOO_LARGE');
  assert.deepEqual([e.row, e.column], [2, 'cMemo']);
  await failsWith(file('wide.csv', `${HEADER}\n${'a,'.repeat(600)}\n`), 'TOO_MANY_COLUMNS');
  await failsWith(file('open-quote.csv', `${HEADER}\nSO-1,C1,2025-11-08,"never closed,1\n`), 'MALFORMED_CSV');
});

test('a run of delimiters or an endless cell is stopped while its row is still being read', async () => {
  const limits = { maxColumns: 10, maxCellChars: 100 };
  const commas = file('commas.csv', `${HEADER}\nSO-1,C1,2025-11-08,ok,1\nSO-2,${','.repeat(8 * 1024 * 1024)}\n`);
  const reader = openRepairFile(commas, limits);
  const wide = await (async () => {
    try {
      for await (const _ of reader) void _;
    } catch (err) {
      return err as RepairReadError;
    }
    assert.fail('expected TOO_MANY_COLUMNS');
  })();
  assert.deepEqual([wide.code, wide.row], ['TOO_MANY_COLUMNS', 3]);
  assert.ok(reader.progress.bytesRead < 2 * 1024 * 1024, `stopped after ${reader.progress.bytesRead} of ${statSync(commas).size} bytes`);
  const endless = await failsWith(file('endless.csv', `${HEADER}\nSO-1,C1,2025-11-08,${'x'.repeat(8 * 1024 * 1024)}`), 'CELL_TOO_LARGE', limits);
  assert.deepEqual([endless.row, endless.column], [2, 'cMemo']);
});

test('formula-injection cells are flagged, not altered, and can be defused for export; signed numbers are not formulas', async () => {
  const p = file(
    'inject.csv',
    `${HEADER}\nSO-1,=HYPERLINK("http://x"),2025-11-08,+1+1,-2\nSO-2,@SUM(A1),2025-11-08,"\tlead tab","\rcr"\nSO-3,C3,2025-11-08,正常备注,10\nSO-4,＝1+1,2025-11-08,-2+3+cmd|x,+86 138\n`,
  );
  const rows = await readAll(p);
  assert.deepEqual(
    rows.map((r) => r.flags.map((f) => [f.column, f.value])),
    [
      [['cCusCode', '=HYPERLINK("http://x")'], ['cMemo', '+1+1']],
      [['cCusCode', '@SUM(A1)'], ['cMemo', '\tlead tab'], ['iSum', '\rcr']],
      [],
      [['cCusCode', '＝1+1'], ['cMemo', '-2+3+cmd|x']],
    ],
  );
  assert.equal(rows[0].values.cCusCode, '=HYPERLINK("http://x")');
  assert.equal(rows[0].values.iSum, '-2');
  assert.equal(defuseFormula(rows[0].values.cCusCode), `'=HYPERLINK("http://x")`);
});

test('semicolon and tab separated exports are recognised from the header line', async () => {
  const rows = await readAll(file('semi.csv', 'cSOCode;cMemo\nSO-1;急,装车\n'));
  assert.equal(rows[0].values.cMemo, '急,装车');
  const tabs = await readAll(file('tab.csv', 'cSOCode\tcMemo\nSO-1\t备货\n'));
  assert.equal(tabs[0].values.cMemo, '备货');
});

test('150,000 CSV rows stream through with bounded memory and progress reports', async (t) => {
  const p = join(dir, 'history.csv');
  const out = createWriteStream(p);
  out.write('\uFEFF' + HEADER + ',cRegion\n');
  const memos = ['急！装车用', '需附检测报告和合格证，开专票', '备货，不急，效期一年以上', '送货前电话联系 工作日送', '"他说""周末不收货"""'];
  for (let i = 1; i <= 150_000; i++) {
    const line = `SO-20251108-${String(i).padStart(6, '0')},C${String(i % 997).padStart(5, '0')},2025-11-08,${memos[i % memos.length]},${(i % 5000) + 0.5},江苏省苏州市吴中区木渎镇金山路${i % 300}号\n`;
    if (!out.write(line)) await once(out, 'drain');
  }
  out.end();
  await once(out, 'finish');
  const size = statSync(p).size;
  assert.ok(size > 15 * 1024 * 1024, `file is ${size} bytes`);

  setFlagsFromString('--expose-gc');
  const gc = runInNewContext('gc') as () => void;
  gc();
  const baseline = process.memoryUsage().heapUsed;
  let peak = 0;
  const reports: RepairProgress[] = [];
  let rows = 0;
  let lastSo = '';
  const reader = openRepairFile(p, { progressEveryRows: 10_000, onProgress: (pr) => reports.push(pr), requiredColumns: ['cSOCode', 'cMemo'] });
  for await (const r of reader) {
    rows++;
    lastSo = r.values.cSOCode;
    if (rows % 10_000 === 0) {
      gc();
      peak = Math.max(peak, process.memoryUsage().heapUsed - baseline);
    }
  }
  assert.equal(rows, 150_000);
  assert.equal(lastSo, 'SO-20251108-150000');
  assert.equal(reader.progress.bytesRead, size);
  assert.equal(reader.progress.fraction, 1);
  assert.equal(reports.length, 16, '15 every 10,000 rows and one at the end');
  assert.ok(reports.every((r, i) => i === 0 || r.bytesRead >= reports[i - 1].bytesRead));
  // Holding the file would take at least its size again in string form; the reader keeps a chunk.
  t.diagnostic(`heap growth ${(peak / 1048576).toFixed(2)} MiB while streaming ${(size / 1048576).toFixed(1)} MiB`);
  assert.ok(peak < 8 * 1024 * 1024, `heap grew by ${(peak / 1048576).toFixed(1)} MiB while reading ${(size / 1048576).toFixed(1)} MiB`);
});

async function writeXlsx(name: string, build: (wb: ExcelJS.Workbook) => void): Promise<string> {
  const wb = new ExcelJS.Workbook();
  build(wb);
  const p = join(dir, name);
  await wb.xlsx.writeFile(p);
  return p;
}

test('an XLSX export is streamed row by row: text, numbers, dates, rich text, formulas flagged', async () => {
  const p = await writeXlsx('orders.xlsx', (wb) => {
    const ws = wb.addWorksheet('订单');
    ws.addRow(['cSOCode', 'cCusCode', 'dDate', 'cMemo', 'iSum']);
    ws.addRow(['SO-20251108-001', 'C00012', new Date('2025-11-08T00:00:00Z'), '急！装车用', 1234.5]);
    ws.addRow(['SO-20251108-002', 'C00013', new Date('2025-11-09T00:00:00Z'), { richText: [{ text: '备货，' }, { text: '不急' }] }, { formula: 'SUM(1,2)', result: 3 }]);
    ws.addRow(['SO-20251108-003', '=cmd|calc', new Date('2025-11-10T00:00:00Z'), '-1', 5]);
  });
  const reader = openRepairFile(p);
  const rows: RepairRow[] = [];
  for await (const r of reader) rows.push(r);
  assert.equal(reader.progress.format, 'xlsx');
  assert.equal(rows.length, 3);
  assert.deepEqual(rows.map((r) => r.rowNumber), [2, 3, 4]);
  assert.equal(rows[0].values.cMemo, '急！装车用');
  assert.equal(rows[0].values.iSum, '1234.5');
  assert.equal(rows[0].values.dDate, '2025-11-08T00:00:00.000Z');
  assert.equal(rows[1].values.cMemo, '备货，不急');
  assert.equal(rows[1].values.iSum, '3');
  assert.deepEqual(rows[1].flags.map((f) => f.column), ['iSum'], 'a real formula cell is flagged');
  assert.deepEqual(rows[2].flags.map((f) => [f.column, f.value]), [['cCusCode', '=cmd|calc']], 'a formula typed as text; -1 is a number');
  assert.equal(reader.progress.bytesRead, statSync(p).size);
});

test('XLSX: the sheet can be chosen; empty sheets, missing sheets, missing headers and big cells are refused', async () => {
  const two = await writeXlsx('two.xlsx', (wb) => {
    wb.addWorksheet('说明').addRow(['这是说明页']);
    const ws = wb.addWorksheet('数据');
    ws.addRow(['cSOCode', 'cMemo']);
    ws.addRow(['SO-1', '维修用']);
  });
  assert.deepEqual((await readAll(two, { sheet: '数据' })).map((r) => r.values.cMemo), ['维修用']);
  assert.deepEqual((await readAll(two, { sheet: 2 })).map((r) => r.values.cMemo), ['维修用']);
  await failsWith(two, 'SHEET_NOT_FOUND', { sheet: '不存在' });

  await failsWith(await writeXlsx('empty.xlsx', (wb) => void wb.addWorksheet('空')), 'EMPTY_FILE');
  await failsWith(
    await writeXlsx('nohead.xlsx', (wb) => void wb.addWorksheet('s').addRow(['SO-1', 12, 34])),
    'MISSING_HEADER',
  );
  await failsWith(
    await writeXlsx('bigcell.xlsx', (wb) => {
      const ws = wb.addWorksheet('s');
      ws.addRow(['cSOCode', 'cMemo']);
      ws.addRow(['SO-1', '急'.repeat(5000)]);
    }),
    'CELL_TOO_LARGE',
  );
  await failsWith(file('fake.xlsx', 'not a zip'), 'XLSX_INVALID', { format: 'xlsx' });
});
