// Pure parts of drafts and repair: delivery hints to dates, column mapping, requirement cells,
// formula detection and what one row proposes against what ERP holds.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { resolveDeliveryHint } from '#text';
import { cachedInterpreter, mapColumns, proposeForRow, readFieldCell } from '../subgraphs/intake/src/repair/propose.js';
import { NO_REQUIREMENTS } from '../common/src/requirements.js';
import { parseDraftId, formatDraftId, splitMessage } from '../subgraphs/intake/src/drafts/service.js';

// Wednesday 2026-11-25 10:30 Beijing.
const NOW = Date.parse('2026-11-25T10:30:00+08:00');
const at = (hint: string) => {
  const d = resolveDeliveryHint(hint, NOW);
  return d && { at: new Date(d.at + 8 * 3_600_000).toISOString().slice(0, 16).replace('T', ' '), kind: d.kind };
};

test('delivery hints become Beijing instants relative to when the message was read', () => {
  assert.deepEqual(at('今天'), { at: '2026-11-25 18:00', kind: 'ON' });
  assert.deepEqual(at('明天'), { at: '2026-11-26 18:00', kind: 'ON' });
  assert.deepEqual(at('明早'), { at: '2026-11-26 10:00', kind: 'ON' });
  assert.deepEqual(at('明天下午之前'), { at: '2026-11-26 18:00', kind: 'BY' });
  assert.deepEqual(at('后天上午'), { at: '2026-11-27 12:00', kind: 'ON' });
  assert.deepEqual(at('后天下午3点前'), { at: '2026-11-27 15:00', kind: 'BY' });
  assert.deepEqual(at('周五前'), { at: '2026-11-27 18:00', kind: 'BY' });
  assert.deepEqual(at('这周五前'), { at: '2026-11-27 18:00', kind: 'BY' });
  // Monday already passed this week: 周一 means the next one.
  assert.deepEqual(at('周一上午前'), { at: '2026-11-30 12:00', kind: 'BY' });
  assert.deepEqual(at('下周一'), { at: '2026-11-30 18:00', kind: 'ON' });
  assert.deepEqual(at('下礼拜二'), { at: '2026-12-01 18:00', kind: 'ON' });
  assert.deepEqual(at('3天内'), { at: '2026-11-28 18:00', kind: 'BY' });
  assert.deepEqual(at('两个工作日内'), { at: '2026-11-27 18:00', kind: 'BY' });
  assert.deepEqual(at('12月5号前'), { at: '2026-12-05 18:00', kind: 'BY' });
  assert.deepEqual(at('1月3号'), { at: '2027-01-03 18:00', kind: 'ON' });
  assert.deepEqual(at('月底前'), { at: '2026-11-30 18:00', kind: 'BY' });
  assert.equal(at('尽快'), null, 'urgency is no date');
  assert.equal(resolveDeliveryHint(null, NOW), null);
  // 今天上午 said at 10:30 is nearly past; 今天早上 is past: kept, but barely trusted.
  assert.ok(resolveDeliveryHint('今天早上', NOW)!.confidence < 0.5);
});

test('columns are recognised by their usual Chinese and English names', () => {
  const m = mapColumns(['销售订单号', '客户', '备注', '客户要求', '紧急程度', '随货资料', 'Purpose', '保质期要求(月)', '送货前电话', '收货时间', '金额']);
  assert.equal(m.orderNo, '销售订单号');
  assert.deepEqual(m.text, ['备注', '客户要求']);
  assert.deepEqual(m.fields, {
    priority: '紧急程度',
    attachments: '随货资料',
    purpose: 'Purpose',
    minShelfLifeMonths: '保质期要求(月)',
    callBeforeDelivery: '送货前电话',
    deliveryConstraint: '收货时间',
  });
  assert.deepEqual(m.ignored, ['客户', '金额']);
  assert.equal(mapColumns(['order no', 'remark']).orderNo, 'order no');
});

test('requirement cells: enum names, yes/no words, numbers, and words the lexicon knows', () => {
  const interpret = cachedInterpreter();
  const read = (f: Parameters<typeof readFieldCell>[0], v: string) => readFieldCell(f, v, interpret);
  assert.deepEqual(read('priority', '加急'), { value: 'URGENT' });
  assert.deepEqual(read('priority', '否'), { value: 'NORMAL' });
  assert.deepEqual(read('priority', 'urgent'), { value: 'URGENT' });
  assert.equal(read('priority', ''), null);
  assert.equal(read('priority', '-'), null);
  assert.deepEqual(read('attachments', '检测报告、合格证'), { value: ['TEST_REPORT', 'CONFORMITY_CERT'] });
  assert.deepEqual(read('attachments', '无'), { value: [] });
  assert.deepEqual(read('attachments', 'INVOICE, WARRANTY_CARD'), { value: ['INVOICE', 'WARRANTY_CARD'] });
  assert.deepEqual(read('minShelfLifeMonths', '18'), { value: 18 });
  assert.deepEqual(read('minShelfLifeMonths', '一年以上'), { value: 12 });
  assert.deepEqual(read('purpose', '装车用'), { value: 'VEHICLE_INSTALL' });
  assert.deepEqual(read('callBeforeDelivery', '是'), { value: true });
  assert.deepEqual(read('deliveryConstraint', '只上午'), { value: 'MORNING_ONLY' });
  assert.deepEqual(read('purpose', '看情况'), { unreadable: true });
});

test('one row: the file value stands, silence defaults, what ERP holds is not proposed again', () => {
  const interpret = cachedInterpreter();
  const columns = mapColumns(['订单号', '备注', '紧急程度', '用途']);
  const row = { 订单号: 'SO-20251108-001', 备注: '急！需附检测报告，转卖', 紧急程度: '', 用途: '维修' };
  const found = proposeForRow(row, columns, { ...NO_REQUIREMENTS, attachments: ['TEST_REPORT'] }, interpret, { proposeDefaults: true });
  const by = Object.fromEntries(found.proposals.map((p) => [p.field, p]));
  assert.equal(by.priority.proposed, '"URGENT"');
  assert.equal(by.priority.source, 'TEXT');
  assert.equal(by.priority.evidence[0].cue, '急');
  // ERP already records the test report: nothing to propose.
  assert.equal(by.attachments, undefined);
  // The file says 维修, the remark 转卖: the file's value, marked down for review.
  assert.deepEqual([by.purpose.source, by.purpose.proposed, by.purpose.confidence], ['COLUMN', '"REPAIR"', 0.5]);
  assert.deepEqual(by.purpose.evidence.map((e) => e.column), ['用途', '备注']);
  // Silence: no call, no constraint, nothing about shelf life (no value to write).
  assert.deepEqual([by.callBeforeDelivery.source, by.callBeforeDelivery.proposed], ['DEFAULT', 'false']);
  assert.equal(by.minShelfLifeMonths, undefined);
  assert.equal(by.deliveryConstraint, undefined);
  assert.deepEqual(found.blank.sort(), ['attachments', 'callBeforeDelivery', 'deliveryConstraint', 'minShelfLifeMonths', 'priority'].sort());

  // ERP holding another value makes a CONFLICT, never silently overwritten.
  const conflict = proposeForRow(row, columns, { ...NO_REQUIREMENTS, priority: 'NORMAL' }, interpret, { proposeDefaults: false });
  assert.equal(conflict.proposals.find((p) => p.field === 'priority')!.kind, 'CONFLICT');
  assert.ok(!conflict.proposals.some((p) => p.source === 'DEFAULT'));
});

test('draft IDs and bilingual messages', () => {
  assert.equal(formatDraftId(12), 'DR0000000012');
  assert.equal(parseDraftId(' dr0000000012 '), 12);
  assert.equal(parseDraftId('12'), null);
  assert.deepEqual(splitMessage('数量不明确 / The quantity is not a number'), { zh: '数量不明确', en: 'The quantity is not a number' });
});

test('delivery hints in other words for the same days and dates: dialect days, numerals, slashes, clock times, parts of a month', () => {
  assert.deepEqual(at('明儿'), { at: '2026-11-26 18:00', kind: 'ON' });
  assert.deepEqual(at('听日'), { at: '2026-11-26 18:00', kind: 'ON' });
  assert.deepEqual(at('后儿上午'), { at: '2026-11-27 12:00', kind: 'ON' });
  assert.deepEqual(at('明早九点前'), { at: '2026-11-26 09:00', kind: 'BY' });
  assert.deepEqual(at('明天14:00前'), { at: '2026-11-26 14:00', kind: 'BY' });
  assert.deepEqual(at('明天下午2:30前'), { at: '2026-11-26 14:30', kind: 'BY' });
  assert.deepEqual(at('十二月五号前'), { at: '2026-12-05 18:00', kind: 'BY' });
  assert.deepEqual(at('12/5前'), { at: '2026-12-05 18:00', kind: 'BY' });
  assert.deepEqual(at('十五号前'), { at: '2026-12-15 18:00', kind: 'BY' });
  assert.deepEqual(at('本月底前'), { at: '2026-11-30 18:00', kind: 'BY' });
  assert.deepEqual(at('下个月初'), { at: '2026-12-05 18:00', kind: 'ON' });
  assert.deepEqual(at('年底前'), { at: '2026-12-31 18:00', kind: 'BY' });
  assert.deepEqual(at('3天后'), { at: '2026-11-28 18:00', kind: 'ON' });
  assert.equal(at('急用'), null, 'urgency is no date');
});
