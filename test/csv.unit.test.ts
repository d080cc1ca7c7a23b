// CSV in and out (common/src/csv.ts, on csv-parse and csv-stringify) and the one formula guard
// every cell we read from a file or write into one passes.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { defuseFormula, isFormulaLike, parseCsv, spreadsheetCsv } from '../common/src/csv.js';

test('a cell is formula-like when a spreadsheet would run it; a signed plain number is not', () => {
  const formulas = ['=1+1', '=HYPERLINK("http://x","y")', '@SUM(A1)', '+cmd|x', '-2+3+cmd|x', "-2+3+cmd|' /C calc'!A0", '\t=1', '\t5', '\rcr', '+1+1', '-A1', '＝1+1', '＋cmd|x', '－A1', '＠SUM(A1)'];
  for (const v of formulas) assert.equal(isFormulaLike(v), true, JSON.stringify(v));
  const plain = ['', '-', '-5', '+86', '-1.5', '+1,000', '+86 138 0000 0000', '－1,000.50', 'x=1', 'SO-1', '急！装车用', ' =1', '1-2'];
  for (const v of plain) assert.equal(isFormulaLike(v), false, JSON.stringify(v));
  assert.equal(defuseFormula('=1+1'), "'=1+1");
  assert.equal(defuseFormula('-12.50'), '-12.50');
  assert.equal(defuseFormula('装车'), '装车');
});

test('our data files: quotes, commas, line breaks, doubled quotes, a BOM, comments and blank rows', () => {
  const text = '\uFEFF# brands, one a line\ncode,name\r\nA1,"Bosch, GmbH"\n\n , \nB2,"说""好""\n两行"\n#C3,commented\nD4,x#y\n';
  assert.deepEqual(parseCsv(text, { comments: true }), [
    ['code', 'name'],
    ['A1', 'Bosch, GmbH'],
    ['B2', '说"好"\n两行'],
    ['D4', 'x#y'],
  ]);
  assert.deepEqual(parseCsv('#a,b\n1,2\n'), [['#a', 'b'], ['1', '2']], 'without comments a # is data');
  assert.throws(() => parseCsv('a,b\n"never closed,1\n'), /Quote Not Closed.*line 2/);
});

test('what we write for a spreadsheet: BOM, CRLF, quoted where needed, every cell defused, and it reads back', () => {
  const rows = [
    ['class', 'detail', 'amount'],
    ['A', 'fits 2 orders,\n"two"', '-12.50'],
    ['B', '=HYPERLINK("x")', '+1+cmd|x'],
  ];
  const csv = spreadsheetCsv(rows);
  assert.equal(csv, '\uFEFFclass,detail,amount\r\nA,"fits 2 orders,\n""two""",-12.50\r\nB,"\'=HYPERLINK(""x"")",\'+1+cmd|x\r\n');
  assert.deepEqual(parseCsv(csv), [rows[0], rows[1], ['B', `'=HYPERLINK("x")`, "'+1+cmd|x"]]);
});
