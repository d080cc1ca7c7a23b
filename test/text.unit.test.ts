// Pure text understanding: chat drafts and remark interpretation, against the shared dev samples,
// our labelled fixtures, and focused cases (numerals, packs, phones, negation, addresses, spans).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { cpSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { loadCatalog } from '../legacy-sim/src/world.js';
import { sharedJsonl } from './helpers/shared.js';
import { parseChatDraft, isPersonName, type ChatDraft, type KnownCustomer, interpretRemark, remarkValues, findDurations, findQuantities, parseNumeral, defaultLexicon, LEXICON_DIR, LexiconError, loadLexicon, normalizeText } from '#text';

const catalog = loadCatalog();
const OURS = fileURLToPath(new URL('./fixtures/text/', import.meta.url));
const jsonl = (path: string) =>
  readFileSync(path, 'utf8')
    .split('\n')
    .filter((l) => l.trim())
    .map((l) => JSON.parse(l));

function values(d: ChatDraft) {
  return {
    contactName: d.contactName.value,
    mobile: d.mobile.value,
    province: d.province.value,
    city: d.city.value,
    district: d.district.value,
    detail: d.detail.value,
    items: d.items.map((i) => ({ model: i.model.value, qty: i.qty.value })),
    deliveryHint: d.deliveryHint.value,
    customerHint: d.customerHint.value,
  };
}
const draft = (text: string, customers?: KnownCustomer[]) => parseChatDraft(text, { catalog, customers });
const items = (text: string) => draft(text).items.map((i) => [i.model.value, i.qty.value]);
const reasons = (d: ChatDraft) => d.unresolved.map((u) => u.reason);
const remark = (text: string) => remarkValues(interpretRemark(text));

test('every shared chat sample parses exactly, all fields', () => {
  for (const { text, expect } of sharedJsonl('text-samples/chat-drafts.jsonl')) assert.deepEqual(values(draft(text)), expect, text);
});

test('every shared remark sample is interpreted exactly, all fields', () => {
  for (const { remark: text, expect } of sharedJsonl('text-samples/remarks.jsonl')) assert.deepEqual(remark(text), expect, text);
});

test('our labelled chat set parses at least 97 % of messages exactly, and reports the unresolved it expects', () => {
  const rows = jsonl(OURS + 'chat-drafts.jsonl');
  assert.ok(rows.length >= 60);
  const misses: string[] = [];
  for (const { text, expect, unresolved } of rows) {
    const d = draft(text);
    if (JSON.stringify(values(d)) !== JSON.stringify(expect)) misses.push(text);
    for (const r of unresolved ?? []) assert.ok(reasons(d).includes(r), `${text}: expected ${r}, got ${reasons(d)}`);
  }
  assert.ok(misses.length / rows.length <= 0.03, `mismatches:\n${misses.join('\n')}`);
});

test('our labelled remark set is interpreted at least 97 % exactly', () => {
  const rows = jsonl(OURS + 'remarks.jsonl');
  assert.ok(rows.length >= 100);
  const misses = rows.filter(({ remark: text, expect }) => JSON.stringify(remark(text)) !== JSON.stringify(expect));
  assert.ok(misses.length / rows.length <= 0.03, `mismatches:\n${misses.map((m) => m.remark).join('\n')}`);
});

test('Chinese and Arabic numerals are read as numbers', () => {
  const cases: Array<[string, number | null]> = [
    ['12', 12], ['1.5', 1.5], ['一', 1], ['两', 2], ['俩', 2], ['十', 10], ['十二', 12], ['二十', 20], ['四十', 40],
    ['一百', 100], ['两百', 200], ['一百二十', 120], ['一百五', 150], ['一千零五', 1005], ['一千二', 1200], ['廿', 20], ['三万', 30000],
    ['一二', null], ['', null], ['几', null],
  ];
  for (const [s, n] of cases) assert.equal(parseNumeral(s), n, s);
});

test('quantities: units, x20 and ×20, packs with their size, each, implied one', () => {
  assert.deepEqual(items('NTN N204轴承要4个'), [['NTN-N204', 4]]);
  assert.deepEqual(items('曼牌机滤W712/75 x20'), [['MANN-W712/75', 20]]);
  assert.deepEqual(items('曼牌机滤W712/75×20'), [['MANN-W712/75', 20]]);
  assert.deepEqual(items('火花塞NGK BKR6EIX再来一百支'), [['NGK-BKR6EIX', 100]]);
  assert.deepEqual(items('博世DOT4刹车油1L 两箱（一箱12瓶）'), [['DOT4-1L', 24]]);
  assert.deepEqual(items('WD40 两箱 每箱24瓶'), [['WD40-350ML', 48]]);
  assert.deepEqual(items('WD-40 3箱，每箱24瓶'), [['WD40-350ML', 72]]);
  assert.deepEqual(items('每箱12瓶，博世DOT4刹车油500ml来两箱'), [['DOT4-500ML', 24]]);
  assert.deepEqual(items('乐泰243 一盒（10支）'), [['LOCTITE-243-50ML', 10]]);
  assert.deepEqual(items('WD40 一箱 24瓶装'), [['WD40-350ML', 24]]);
  assert.deepEqual(items('NGK BKR6EIX 一打'), [['NGK-BKR6EIX', 12]]);
  assert.deepEqual(items('雨刮 博世风翼24寸 19寸各30支'), [['BOSCH-AEROTWIN-24', 30], ['BOSCH-AEROTWIN-19', 30]]);
  assert.deepEqual(items('盖茨K015603XS一套，顺便带两瓶冷却液1L的'), [['GATES-K015603XS', 1], ['COOLANT-25-1L', 2]]);
  assert.deepEqual(items('顺便带瓶WD-40'), [['WD40-350ML', 1]]);
  // 4L and 24寸 describe the product; they are never quantities.
  assert.deepEqual(items('嘉实多极护5W-30 4L装 8桶'), [['CASTROL-EDGE-5W-30-4L', 8]]);
  // 3个月 is a duration.
  assert.deepEqual(findQuantities(normalizeText('效期3个月'), defaultLexicon()), []);
});

test('a pack without its size and a vague quantity are flagged, not guessed', () => {
  const d = draft('博世DOT4刹车油1L 两箱');
  assert.deepEqual(values(d).items, [{ model: 'DOT4-1L', qty: null }]);
  assert.deepEqual(reasons(d), ['PACK_SIZE_UNKNOWN']);
  const v = draft('NGK BKR6EIX 要几个');
  assert.deepEqual(values(v).items, [{ model: 'NGK-BKR6EIX', qty: null }]);
  assert.deepEqual(reasons(v), ['QTY_UNCLEAR']);
  const m = draft('NGK BKR6EIX 送苏州吴中区');
  assert.deepEqual(reasons(m), ['QTY_MISSING']);
});

test('a service named with its action takes quantity one', () => {
  assert.deepEqual(items('要做正时皮带更换，配件用盖茨K015603XS一套'), [['SVC-TIMING-BELT', 1], ['GATES-K015603XS', 1]]);
  assert.deepEqual(items('明天做个四轮定位'), [['SVC-WHEEL-ALIGN', 1]]);
  // 换 next to a part we sell but do not fit as a service is just the part.
  assert.deepEqual(items('换机滤W712/75一个'), [['MANN-W712/75', 1]]);
});

test('mobile numbers: spaces, dashes, +86; landlines ignored; wrong length and several numbers flagged', () => {
  for (const written of ['139 1628 3345', '139-1628-3345', '+86 139 1628 3345', '+86-13916283345', '8613916283345', '13916283345']) {
    const d = draft(`王师傅 ${written} 送上海闵行区莘松路958弄5号`);
    assert.equal(d.mobile.value, '13916283345', written);
    assert.equal(d.contactName.value, '王师傅', written);
  }
  assert.equal(draft('孙丽 电话：0574-88776655').mobile.value, null);
  const bad = draft('陈明 1381234567 NGK BKR6EIX 8支');
  assert.equal(bad.mobile.value, null);
  assert.deepEqual(reasons(bad), ['MOBILE_INVALID']);
  assert.equal(bad.contactName.value, '陈明');
  const two = draft('张伟 13812345678 备用 13912345678');
  assert.equal(two.mobile.value, '13812345678');
  assert.deepEqual(two.unresolved[0].candidates, ['13812345678', '13912345678']);
});

test('contact names: labels, next to the mobile, titles, and not 周五 or 方式', () => {
  assert.equal(draft('联系人张伟 13812345678').contactName.value, '张伟');
  assert.equal(draft('收货人：陈晓 电话15067891234').contactName.value, '陈晓');
  assert.equal(draft('联系方式：曹丽 137-7777-8888').contactName.value, '曹丽');
  assert.equal(draft('13857461234 戴军 台州').contactName.value, '戴军');
  assert.equal(draft('Kevin 13801234567').contactName.value, 'Kevin');
  assert.equal(draft('周五前要到 13801234567').contactName.value, null);
  assert.ok(isPersonName('欧阳娜'));
  assert.ok(isPersonName('老王'));
  assert.ok(isPersonName('徐工'));
  assert.ok(!isPersonName('周五'));
});

test('negation: 不急 is not urgent, 无需发票 is no invoice, 不是装车用 is no install', () => {
  assert.equal(remark('不急').priority, 'NORMAL');
  assert.equal(remark('不着急，慢慢来').priority, 'NORMAL');
  assert.equal(remark('非常急').priority, 'URGENT');
  assert.deepEqual(remark('转卖客户，无需发票').attachments, []);
  assert.deepEqual(remark('发票不用开').attachments, []);
  assert.deepEqual(remark('检测报告不需要，合格证要').attachments, ['CONFORMITY_CERT']);
  assert.equal(remark('不是装车用，是备货').purpose, 'STOCKING');
  assert.equal(remark('直接送，不用打电话').callBeforeDelivery, false);
  assert.equal(remark('有问题打电话').callBeforeDelivery, false);
  assert.equal(remark('周末不收货').deliveryConstraint, 'WORKDAY_ONLY');
  assert.equal(remark('周六日也可以送').deliveryConstraint, null);
  assert.equal(remark('上午不收货').deliveryConstraint, 'AFTERNOON_ONLY');
  const ev = interpretRemark('备货，不急').priority.evidence;
  assert.deepEqual(ev.map((e) => [e.text, e.negated]), [['急', true]]);
});

test('shelf life in months: 一年以上, 18个月以上, 半年, 2年内的不要, ≥12个月; warranty is not shelf life', () => {
  const cases: Array<[string, number | null]> = [
    ['效期要一年以上', 12], ['保质期18个月以上', 18], ['效期半年以上即可', 6], ['保质期2年内的不要', 24], ['效期≥12个月', 12],
    ['剩余保质期不少于18个月', 18], ['有效期至少一年半', 18], ['效期6个月内的不收', 6], ['保值期不低于1年', 12],
    ['保质期12个月的货，要剩余效期9个月以上', 9], ['质保期2年', null], ['生产日期要新的', null], ['', null],
  ];
  for (const [text, months] of cases) assert.equal(remark(text).minShelfLifeMonths, months, text);
  assert.deepEqual(findDurations('一年半').map((d) => d.months), [18]);
  assert.deepEqual(findDurations('90天').map((d) => d.months), [3]);
});

test('traditional characters and typos clerks type are understood', () => {
  assert.deepEqual(remark('發票隨貨，裝車用，急件'), { ...remark(''), priority: 'URGENT', attachments: ['INVOICE'], purpose: 'VEHICLE_INSTALL' });
  assert.deepEqual(remark('合各证随货').attachments, ['CONFORMITY_CERT']);
  assert.deepEqual(remark('要开发漂').attachments, ['INVOICE']);
  assert.deepEqual(items('杀车片 布雷博P85020 两套'), [['BREMBO-P85020', 2]]);
});

test('addresses without province or city are completed from the district', () => {
  const a = values(draft('苏州吴中区木渎镇金山路88号'));
  assert.deepEqual([a.province, a.city, a.district, a.detail], ['江苏省', '苏州市', '吴中区', '木渎镇金山路88号']);
  const b = values(draft('吴中区越溪街道吴中大道1号'));
  assert.deepEqual([b.province, b.city, b.district, b.detail], ['江苏省', '苏州市', '吴中区', '越溪街道吴中大道1号']);
  const c = values(draft('昆山市玉山镇前进西路1288号'));
  assert.deepEqual([c.province, c.city, c.district], ['江苏省', '苏州市', '昆山市']);
  const d = values(draft('送到港闸区永兴路1号'));
  assert.deepEqual([d.city, d.district], ['南通市', '崇川区']);
  const e = values(draft('浙江 台州 温岭市 太平街道东辉北路6号'));
  assert.deepEqual([e.province, e.city, e.district, e.detail], ['浙江省', '台州市', '温岭市', '太平街道东辉北路6号']);
});

test('municipalities are both province and city', () => {
  for (const text of ['上海市闵行区莘庄镇莘松路958弄5号', '上海闵行区莘庄镇莘松路958弄5号', '闵行区莘庄镇莘松路958弄5号']) {
    const v = values(draft(text));
    assert.deepEqual([v.province, v.city, v.district, v.detail], ['上海市', '上海市', '闵行区', '莘庄镇莘松路958弄5号'], text);
  }
  assert.equal(values(draft('上海浦东新区张江路368号')).district, '浦东新区');
});

test('a district name shared by two places is reported, and resolved when the city is written', () => {
  const d = draft('普陀区桃浦路88号 徐伟 13800138000');
  assert.deepEqual([d.province.value, d.city.value, d.district.value, d.detail.value], [null, null, null, '桃浦路88号']);
  assert.deepEqual(reasons(d), ['DISTRICT_AMBIGUOUS']);
  assert.deepEqual(d.unresolved[0].candidates, ['上海市/上海市/普陀区', '浙江省/舟山市/普陀区']);
  assert.equal(draft('上海市普陀区真北路1108号').district.value, '普陀区');
  assert.equal(draft('舟山普陀区东港街道1号').city.value, '舟山市');
});

test('street names that contain a place name are not read as districts', () => {
  const v = values(draft('地址：金山路88号'));
  assert.deepEqual([v.district, v.detail], [null, '金山路88号']);
  assert.deepEqual(reasons(draft('地址：金山路88号')), ['REGION_MISSING']);
  assert.equal(values(draft('太仓市城厢镇上海东路55号')).city, '苏州市');
  // 电 and 手 label phones (电13812345678) but not inside a street name.
  assert.equal(draft('杭州市西湖区电厂路8号 张强 13800000000').detail.value, '电厂路8号');
  assert.equal(draft('南京市玄武区手帕巷3号 李强 13800000001').detail.value, '手帕巷3号');
  assert.equal(draft('苏州吴中区木渎镇金山路88号电话13812345678').detail.value, '木渎镇金山路88号');
});

test('a product not in the catalog or fitting several SKUs is listed as unresolved, never guessed', () => {
  const d = draft('米其林轮胎 205/55R16 四条，博世刹车油 2瓶，NGK BKR6EIX 4支');
  assert.deepEqual(values(d).items, [{ model: 'NGK-BKR6EIX', qty: 4 }]);
  assert.deepEqual(reasons(d), ['PRODUCT_NOT_IN_CATALOG', 'PRODUCT_AMBIGUOUS']);
  assert.equal(d.unresolved[0].text, '米其林轮胎 205/55R16 四条');
  assert.deepEqual(d.unresolved[1].candidates, ['DOT4-1L', 'DOT4-500ML']);
  assert.deepEqual(reasons(draft('6206-2RS 5个')), ['PRODUCT_NOT_IN_CATALOG']);
});

test('spans point at the text each value came from', () => {
  const text = '老板，NTN N204轴承要4个，6205-2RS也来10个，明天送到苏州吴中区木渎镇金山路88号华通汽修，联系人张伟 138 1234 5678';
  const d = draft(text);
  const at = (s: [number, number] | null) => (s ? text.slice(s[0], s[1]) : null);
  assert.equal(at(d.contactName.span), '张伟');
  assert.equal(at(d.mobile.span), '138 1234 5678');
  assert.equal(at(d.city.span), '苏州');
  assert.equal(d.province.span, null, 'the province is inferred, not written');
  assert.equal(d.province.source, 'ADMIN_INFERRED');
  assert.equal(at(d.district.span), '吴中区');
  assert.equal(at(d.detail.span), '木渎镇金山路88号');
  assert.equal(at(d.deliveryHint.span), '明天');
  assert.equal(at(d.customerHint.span), '华通汽修');
  assert.deepEqual(d.items.map((i) => [at(i.model.span), at(i.qty.span)]), [['NTN N204轴承', '4个'], ['6205-2RS', '10个']]);
  for (const f of [d.contactName, d.mobile, d.city, d.district, d.detail, ...d.items.map((i) => i.model)]) assert.ok(f.confidence > 0.5 && f.confidence <= 1);
  // Offsets stay exact after emoji (two UTF-16 units each).
  const e = '🔧🔧 杀车片 布雷博P85020 两套 👍 常州新北区衡山路8号';
  const de = draft(e);
  assert.equal(e.slice(...de.items[0].qty.span!), '两套');
  assert.equal(e.slice(...de.detail.span!), '衡山路8号');
  const r = interpretRemark('备货，不急，附检测报告');
  assert.deepEqual(r.attachments.evidence.map((x) => '备货，不急，附检测报告'.slice(...x.span)), ['检测报告']);
});

test('known customers are matched by phone, code or name, and conflicts are reported', () => {
  const customers = [
    { code: 'C00001', name: '华通汽修', phone: '13812345678' },
    { code: 'C00002', name: '苏州捷达快修', phone: '13900000000' },
  ];
  assert.deepEqual(draft('张伟 13812345678', customers).customer.value, { code: 'C00001', name: '华通汽修' });
  assert.equal(draft('客户C00002 要NGK BKR6EIX 4支', customers).customer.value?.code, 'C00002');
  const byName = draft('捷达快修 李强 18651234567', customers);
  assert.equal(byName.customer.value?.code, 'C00002');
  const conflict = draft('捷达快修 张伟 13812345678', customers);
  assert.equal(conflict.customer.value, null);
  assert.ok(reasons(conflict).includes('CUSTOMER_CONFLICT'));
  assert.ok(reasons(draft('鸿运汽修 李强 18651234567', customers)).includes('CUSTOMER_UNKNOWN'));
});

test('leftover requests in a chat are kept as remarks', () => {
  const d = draft('NGK BKR6EIX 8支 苏州吴中区木渎镇金山路88号 张伟 13812345678 要开发票，到了打电话');
  assert.deepEqual(d.remarks.map((r) => r.value), ['要开发票', '到了打电话']);
});

test('the lexicon is data: a word added to a copy of the files is used, a broken file is named', () => {
  const dir = mkdtempSync(join(tmpdir(), 'lexicon-'));
  try {
    cpSync(LEXICON_DIR, dir, { recursive: true });
    const cues = JSON.parse(readFileSync(join(dir, 'remark-cues.json'), 'utf8'));
    cues.fields.purpose.groups.find((g: { label: string }) => g.label === 'REPAIR').words.push('翻新');
    writeFileSync(join(dir, 'remark-cues.json'), JSON.stringify(cues));
    assert.equal(remarkValues(interpretRemark('翻新用')).purpose, null);
    assert.equal(remarkValues(interpretRemark('翻新用', loadLexicon(dir))).purpose, 'REPAIR');

    writeFileSync(join(dir, 'units.json'), '{ "countUnits": ');
    assert.throws(() => loadLexicon(dir), (err: unknown) => err instanceof LexiconError && /units\.json/.test((err as Error).message));
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('a new SKU of a known brand is matched from the catalog alone', () => {
  const extended = [...catalog, { code: 'FLT-OC90', model: 'MAHLE-OC90', nameZh: '马勒机油滤清器OC90', nameEn: 'MAHLE oil filter OC90', unit: '个', category: 'filter' }];
  const d = parseChatDraft('马勒机滤 OC90 10个', { catalog: extended });
  assert.deepEqual(values(d).items, [{ model: 'MAHLE-OC90', qty: 10 }]);
});

test('any mix of message fragments parses without throwing, every span inside the text', () => {
  const texts: string[] = jsonl(OURS + 'chat-drafts.jsonl').map((r: { text: string }) => r.text);
  const pieces = texts.flatMap((t) => t.split(/(?<=[，, \n])/));
  let seed = 7;
  const rnd = () => (seed = (seed * 1103515245 + 12345) % 2147483648) / 2147483648;
  for (let i = 0; i < 300; i++) {
    let s = '';
    for (let k = 1 + Math.floor(rnd() * 6); k > 0; k--) s += pieces[Math.floor(rnd() * pieces.length)];
    if (rnd() < 0.2) s = [...s].reverse().join('');
    const d = draft(s);
    const fields = [d.contactName, d.mobile, d.province, d.city, d.district, d.detail, d.deliveryHint, d.customerHint, ...d.items.flatMap((x) => [x.model, x.qty])];
    for (const f of fields) if (f.span) assert.ok(f.span[0] >= 0 && f.span[1] <= s.length && f.span[0] < f.span[1], s);
    for (const f of Object.values(interpretRemark(s))) for (const e of f.evidence) assert.ok(e.span[1] <= s.length);
  }
});
