// Orders from words, through the gateway on MariaDB: remarks read with evidence, drafts from messy
// chat messages, a draft confirmed into a real ERP order (once per client key) that the rules
// judge, and the repair wizard over uploaded files — preview, decisions, apply, undo — with the
// bad files it must refuse clearly (GBK declared UTF-8, UTF-16, empty, huge cells, formulas).
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import type { DataSource } from 'typeorm';
import iconv from 'iconv-lite';
import ExcelJS from 'exceljs';
import { callsBetween } from './helpers/legacy-calls.js';
import { startStack, type Stack } from './helpers/stack.js';
import { openDataSource } from '../common/src/db.js';
import { beijingDate, formatBeijing } from '../common/src/time.js';
import { createOrdersAwaitingPick } from '../legacy-sim/src/live.js';
import { addMonths } from '../common/src/time.js';
import { sharedJsonl } from './helpers/shared.js';
import { stringify } from 'csv-stringify/sync';

let stack: Stack;
let erp: DataSource;

const jsonl = (url: URL) =>
  readFileSync(url, 'utf8')
    .split('\n')
    .filter((l) => l.trim())
    .map((l) => JSON.parse(l));
const SHARED_CHATS = sharedJsonl('text-samples/chat-drafts.jsonl');
const REMARK_SETS = [
  ...sharedJsonl('text-samples/remarks.jsonl'),
  ...jsonl(new URL('./fixtures/text-holdout/remarks.jsonl', import.meta.url)),
] as { remark: string; expect: Record<string, unknown> }[];
const FIELDS = ['priority', 'attachments', 'purpose', 'minShelfLifeMonths', 'callBeforeDelivery', 'deliveryConstraint'] as const;

before(async () => {
  stack = await startStack({ name: 'words', orders: 400, days: 2, seed: 808, env: { UPLOAD_MAX_BYTES: String(2 * 1024 * 1024) } });
  erp = await openDataSource(stack.targets.erpUrl, { poolSize: 2 });
});

after(async () => {
  await erp?.destroy();
  await stack?.close();
});

const code = (res: { errors?: { extensions?: Record<string, any> }[] }) => res.errors?.[0]?.extensions?.code;
const ext = (res: { errors?: { extensions?: Record<string, any> }[] }) => res.errors?.[0]?.extensions ?? {};
const erpOrderCount = async () => Number((await erp.query('SELECT COUNT(*) AS n FROM SO_SOMain'))[0].n);

/** A customer of the seeded ERP, with its grade, name and phone as ERP holds them. */
async function customer(grade: 'A' | 'B' | 'C') {
  const [row] = await erp.query('SELECT cCusCode, cCusName, cCusPhone, cDepCode FROM Customer WHERE cGrade = ? AND cCusPhone IS NOT NULL ORDER BY cCusCode LIMIT 1', [grade]);
  return { code: row.cCusCode as string, name: row.cCusName as string, phone: row.cCusPhone as string, store: row.cDepCode as string };
}

const DRAFT_FIELDS = `id state complete text
  contactName { value confidence source span { start end text } }
  mobile { value span { start end text } } province { value } city { value } district { value } detail { value span { text } }
  items { model { value confidence span { start end text } } qty { value span { text } } sku { code } unit }
  deliveryHint { value } requestedDeliveryAt customerHint { value }
  customer { customer { code } name confidence source }
  remarks { value }
  remarkReading { priority { value } attachments { value } callBeforeDelivery { value } }
  unresolved { field reason text candidates messageZh messageEn }`;

const draft = (text: string, token?: string) => stack.query(`mutation($t: String!) { draftOrderFromText(text: $t) { ${DRAFT_FIELDS} } }`, { t: text }, { token });

describe('remarks', () => {
  test('interpretRemark reads all six fields with evidence spans, negation kept', async () => {
    const text = '急！装车用，不要发票，保质期一年以上，送货前请电话联系，只工作日收货';
    const res = await stack.query(
      `query($t: String!) { interpretRemark(text: $t) { text
        priority { value confidence evidence { span { start end text } cue negated } }
        attachments { value evidence { span { start end text } negated } }
        purpose { value evidence { span { start end text } } }
        minShelfLifeMonths { value evidence { span { start end text } } }
        callBeforeDelivery { value } deliveryConstraint { value } } }`,
      { t: text },
    );
    assert.equal(res.errors, undefined, JSON.stringify(res.errors));
    const r = res.data.interpretRemark;
    assert.deepEqual(
      FIELDS.map((f) => r[f].value),
      ['URGENT', [], 'VEHICLE_INSTALL', 12, true, 'WORKDAY_ONLY'],
    );
    // Every span is where its text is, and 发票 is kept as negated evidence.
    for (const f of FIELDS) for (const e of r[f].evidence ?? []) assert.equal(text.slice(e.span.start, e.span.end), e.span.text, f);
    assert.deepEqual(r.attachments.evidence.map((e: any) => [e.span.text, e.negated]), [['发票', true]]);
    assert.equal(r.priority.evidence[0].span.text, '急');
  });

  test('an over-long remark is refused with a clear error', async () => {
    const res = await stack.query('query($t: String!) { interpretRemark(text: $t) { text } }', { t: '急'.repeat(2001) });
    assert.equal(code(res), 'BAD_USER_INPUT');
    assert.equal(ext(res).argument, 'text');
  });
});

describe('quick drafts from chat text', () => {
  test('messy messages read into the labelled fields, every span pointing at its text', async () => {
    for (const sample of SHARED_CHATS.slice(0, 6)) {
      const res = await draft(sample.text);
      assert.equal(res.errors, undefined, JSON.stringify(res.errors));
      const d = res.data.draftOrderFromText;
      const e = sample.expect;
      assert.deepEqual(
        {
          contactName: d.contactName.value,
          mobile: d.mobile.value,
          province: d.province.value,
          city: d.city.value,
          district: d.district.value,
          detail: d.detail.value,
          items: d.items.map((i: any) => ({ model: i.model.value, qty: i.qty.value })),
          deliveryHint: d.deliveryHint.value,
          customerHint: d.customerHint.value,
        },
        e,
        sample.text,
      );
      assert.match(d.id, /^DR\d{10}$/);
      assert.equal(d.state, 'OPEN');
      for (const span of [d.contactName.span, d.mobile.span, ...d.items.map((i: any) => i.model.span)]) {
        if (span) assert.equal(sample.text.slice(span.start, span.end), span.text);
      }
      // A name the message labels (联系人, 收货人) is read from the label; otherwise from beside the mobile.
      const labelled = /(联系人|收货人)[：:\s]*$/.test(sample.text.slice(0, sample.text.indexOf(e.contactName)));
      assert.deepEqual([d.contactName.source, d.contactName.confidence], labelled ? ['LABEL', 0.95] : ['NEAR_MOBILE', 0.85], sample.text);
    }
  });

  test('what cannot be resolved is listed, never guessed', async () => {
    const res = await draft('要火星牌刹车片5套，还有NTN N204轴承几个，送苏州吴中区金山路1号，老周 13912345678');
    assert.equal(res.errors, undefined, JSON.stringify(res.errors));
    const d = res.data.draftOrderFromText;
    // The known bearing is read; its quantity is vague, so it stays empty and is listed.
    assert.deepEqual(
      d.items.map((i: any) => [i.model.value, i.qty.value, i.sku?.code ?? null]),
      [['NTN-N204', null, 'BRG-N204']],
    );
    // The unknown brand's brake pads could be either pad the catalog sells; 几个 is no number.
    assert.deepEqual(
      d.unresolved.map((u: any) => [u.field, u.reason, u.text, [...u.candidates].sort()]),
      [
        ['items', 'PRODUCT_AMBIGUOUS', '刹车片5套', ['BREMBO-P85020', 'TRW-GDB1550']],
        ['items', 'QTY_UNCLEAR', '几个', ['NTN-N204']],
      ],
    );
    assert.equal(d.customer, null, 'no known customer is named');
    assert.equal(d.complete, false);
    // Each says what is wrong in Chinese and in English, naming what the customer wrote.
    assert.deepEqual(
      d.unresolved.map((u: any) => [u.messageZh, u.messageEn]),
      [
        ['“刹车片”对应多个型号，请选择', '“刹车片” fits several catalog models; please choose'],
        ['NTN-N204 数量不明确（几个）', 'The quantity for NTN-N204 is not a number'],
      ],
    );
  });

  test('a known customer is matched by phone and by name; the delivery hint becomes a date', async () => {
    const c = await customer('B');
    const byPhone = (await draft(`NTN N204轴承4个，明天下午送到苏州吴中区木渎镇金山路88号，联系人张伟 ${c.phone}`)).data.draftOrderFromText;
    assert.equal(byPhone.customer.customer.code, c.code);
    assert.equal(byPhone.customer.source, 'CUSTOMER_PHONE');
    // 明天下午 is tomorrow 18:00 Beijing, counted from now.
    const tomorrow = new Date(Date.now() + 8 * 3_600_000 + 86_400_000).toISOString().slice(0, 10);
    assert.equal(byPhone.requestedDeliveryAt, `${tomorrow}T18:00:00+08:00`);
    const byName = (await draft(`${c.name} 要6205-2RS轴承10个，送苏州吴中区金山路8号，李工 13700001111`)).data.draftOrderFromText;
    assert.equal(byName.customer?.customer.code, c.code, JSON.stringify(byName.customer));
  });

  test('a clerk lists their own drafts; everyone\'s is for ops', async () => {
    const sales = await stack.token('sales');
    const made = (await draft('NTN N204轴承4个，送苏州吴中区金山路1号，老周 13912345678', sales)).data.draftOrderFromText.id;
    const mine = await stack.query('{ orderDrafts(state: OPEN, first: 50) { id createdBy } }', {}, { token: sales });
    assert.ok(mine.data.orderDrafts.some((d: any) => d.id === made));
    assert.ok(mine.data.orderDrafts.every((d: any) => d.createdBy === 'test-sales'));
    assert.equal(code(await stack.query('{ orderDrafts(everyone: true) { id } }', {}, { token: sales })), 'FORBIDDEN');
    const all = await stack.query('{ orderDrafts(everyone: true, first: 200) { id createdBy } }', {}, { token: await stack.token('ops') });
    assert.ok(all.data.orderDrafts.some((d: any) => d.createdBy === 'test-admin'));
  });

  test('bad input is refused clearly, and only sales and ops may draft', async () => {
    assert.equal(code(await draft('   ')), 'BAD_USER_INPUT');
    assert.equal(code(await draft('x'.repeat(4001))), 'BAD_USER_INPUT');
    assert.equal(code(await stack.query('{ orderDraft(id: "12") { id } }')), 'BAD_USER_INPUT');
    assert.equal(code(await stack.query('{ orderDraft(id: "DR9999999999") { id } }')), 'NOT_FOUND');
    const warehouse = await stack.token('warehouse');
    assert.equal(code(await draft('NTN N204 4个', warehouse)), 'FORBIDDEN');
  });
});

describe('confirming a draft', () => {
  const CONFIRM = `mutation($id: ID!, $key: String!, $edits: OrderDraftEdits) { confirmOrderDraft(id: $id, clientKey: $key, edits: $edits) {
    erpOrderNo created draft { id state erpOrderNo }
    order { id erpOrderNo totalAmount contactName contactMobile shipAddress promisedAt remark
      customer { code } store { code }
      requirements { priority attachments purpose callBeforeDelivery }
      lines { sku { code } quantity unitPrice }
      decisions { ruleId fired } adjustments { amount } } } }`;

  test('creates one real ERP order, judged by the rules, and a retry with the same key creates nothing', async () => {
    const c = await customer('A');
    const text = `老板，NTN N204轴承要4个，6205-2RS也来10个，明天送到苏州吴中区木渎镇金山路88号，联系人张伟 ${c.phone}，急用，需附检测报告`;
    const d = (await draft(text)).data.draftOrderFromText;
    assert.equal(d.complete, true, JSON.stringify(d.unresolved));
    const before = await erpOrderCount();
    const key = `confirm-${Date.now()}`;
    const writesBefore = await stack.legacyCalls();
    const res = await stack.query(CONFIRM, { id: d.id, key });
    assert.equal(res.errors, undefined, JSON.stringify(res.errors));
    const p = res.data.confirmOrderDraft;
    assert.equal(p.created, true);
    assert.match(p.erpOrderNo, /^SO-\d{8}-\d{3,}$/);
    assert.equal(await erpOrderCount(), before + 1);
    // The write went through the erp subgraph (order-link's call to it is counted as an ERP call;
    // the erp subgraph's own as the insert it ran), and that mutation is not in the client API.
    const writes = callsBetween(writesBefore, await stack.legacyCalls());
    assert.equal(writes['erp:subgraph.createSalesOrder'], 1, JSON.stringify(writes));
    assert.equal(writes['erp:SO_SOMain.create'], 1, JSON.stringify(writes));
    const direct = await stack.query(`mutation { createSalesOrder(input: { clientKey: "x" }) { erpOrderNo } }`);
    assert.equal(direct.errors?.[0]?.extensions?.code, 'GRAPHQL_VALIDATION_FAILED', 'clients cannot reach the ERP write');

    // What ERP holds, read straight from its tables, is what the draft said.
    const [head] = await erp.query('SELECT * FROM SO_SOMain WHERE cSOCode = ?', [p.erpOrderNo]);
    assert.equal(head.cCusCode, c.code);
    assert.equal(head.cDepCode, c.store);
    assert.equal(head.cRegion, '苏州');
    assert.equal(head.cDefine10, key);
    assert.equal(Number(head.iStatus), 1);
    const lines = await erp.query('SELECT cInvCode, iQuantity, iTaxUnitPrice FROM SO_SODetails WHERE cSOCode = ? ORDER BY iRowNo', [p.erpOrderNo]);
    const list = new Map<string, number>((await erp.query("SELECT cInvCode, iInvSPrice FROM Inventory WHERE cInvCode IN ('BRG-N204', 'BRG-6205')")).map((r: any) => [r.cInvCode, Number(r.iInvSPrice)]));
    assert.deepEqual(
      lines.map((l: any) => [l.cInvCode, Number(l.iQuantity), Number(l.iTaxUnitPrice)]),
      [
        ['BRG-N204', 4, list.get('BRG-N204')],
        ['BRG-6205', 10, list.get('BRG-6205')],
      ],
    );
    assert.equal(Number(head.iTotalSum), 4 * list.get('BRG-N204')! + 10 * list.get('BRG-6205')!);

    // Through the gateway: linked, with the contact, address, requirements, and the rules' verdicts.
    const o = p.order;
    assert.ok(o, 'the hub linked the order before answering');
    assert.equal(o.erpOrderNo, p.erpOrderNo);
    assert.equal(o.contactMobile, c.phone);
    assert.equal(o.shipAddress, '江苏省苏州市吴中区木渎镇金山路88号');
    assert.deepEqual(o.requirements, { priority: 'URGENT', attachments: ['TEST_REPORT'], purpose: null, callBeforeDelivery: false });
    assert.equal(o.decisions.length, 12, 'every enabled rule judged it');
    // A grade-A customer at list price: the grade discount rule takes 10 % off, as for any order.
    assert.ok(o.decisions.find((x: any) => x.ruleId === 'R08-grade-discount').fired);
    assert.equal(Number(o.adjustments[0].amount), -Math.round((4 * list.get('BRG-N204')! + 10 * list.get('BRG-6205')!) * 10) / 100);

    // Retried with the same key, alone and twice at once: the same order, nothing created.
    const retries = await Promise.all([stack.query(CONFIRM, { id: d.id, key }), stack.query(CONFIRM, { id: d.id, key }), stack.query(CONFIRM, { id: d.id, key })]);
    for (const r of retries) {
      assert.equal(r.errors, undefined, JSON.stringify(r.errors));
      assert.equal(r.data.confirmOrderDraft.erpOrderNo, p.erpOrderNo);
      assert.equal(r.data.confirmOrderDraft.created, false);
    }
    assert.equal(await erpOrderCount(), before + 1);
    assert.equal(Number((await erp.query('SELECT COUNT(*) AS n FROM SO_SOMain WHERE cDefine10 = ?', [key]))[0].n), 1);

    // Another key on a confirmed draft is a conflict naming the order.
    const other = await stack.query(CONFIRM, { id: d.id, key: `${key}-other` });
    assert.equal(code(other), 'CONFLICT');
    assert.equal(ext(other).reason, 'ALREADY_CONFIRMED');
    assert.equal(ext(other).erpOrderNo, p.erpOrderNo);

    const audit = await stack.query(`{ auditLog(entity: DRAFT, entityId: "${d.id}") { action } }`);
    assert.deepEqual(audit.data.auditLog.map((a: any) => a.action), ['DRAFT_CONFIRMED']);
  });

  test('an incomplete draft is refused with every problem listed and nothing written; edits complete it', async () => {
    const d = (await draft('要火星牌刹车片5套，NTN N204轴承几个，送苏州吴中区金山路1号，老周 13912345678')).data.draftOrderFromText;
    const before = await erpOrderCount();
    const key = `incomplete-${Date.now()}`;
    const refused = await stack.query(CONFIRM, { id: d.id, key });
    assert.equal(code(refused), 'BAD_USER_INPUT');
    const problems = ext(refused).problems as { field: string; reason: string; messageZh: string; messageEn: string }[];
    assert.ok(problems.some((x) => x.field === 'customerCode' && x.reason === 'CUSTOMER_REQUIRED'), JSON.stringify(problems));
    assert.ok(problems.some((x) => x.field === 'items'), JSON.stringify(problems));
    assert.ok(problems.every((x) => x.messageZh && x.messageEn));
    assert.equal(await erpOrderCount(), before, 'nothing half-written');
    assert.equal((await stack.query(`{ orderDraft(id: "${d.id}") { state } }`)).data.orderDraft.state, 'OPEN');

    // Wrong edits are refused as well, all at once.
    const wrong = await stack.query(CONFIRM, { id: d.id, key, edits: { customerCode: 'C99999', mobile: '12345', items: [{ model: 'NO-SUCH-MODEL', qty: 1 }, { model: 'NTN-N204', qty: 0 }] } });
    const reasons = (ext(wrong).problems as { reason: string }[]).map((x) => x.reason).sort();
    assert.deepEqual(reasons, ['CUSTOMER_NOT_FOUND', 'MOBILE_INVALID', 'QTY_INVALID', 'SKU_NOT_FOUND']);
    assert.equal(await erpOrderCount(), before);

    const c = await customer('C');
    const done = await stack.query(CONFIRM, {
      id: d.id,
      key,
      edits: { customerCode: c.code, items: [{ model: 'NTN-N204', qty: 3 }, { model: 'BRK-P85020', qty: 2 }], requirements: { purpose: 'REPAIR' } },
    });
    assert.equal(done.errors, undefined, JSON.stringify(done.errors));
    const o = done.data.confirmOrderDraft.order;
    assert.equal(o.customer.code, c.code);
    assert.deepEqual(o.lines.map((l: any) => [l.sku.code, l.quantity]), [['BRG-N204', 3], ['BRK-P85020', 2]]);
    assert.equal(o.requirements.purpose, 'REPAIR');
    assert.equal(await erpOrderCount(), before + 1);
  });

  test('a malformed client key or unknown draft is refused', async () => {
    assert.equal(code(await stack.query(CONFIRM, { id: 'DR0000000001', key: 'short' })), 'BAD_USER_INPUT');
    assert.equal(code(await stack.query(CONFIRM, { id: 'DR0999999999', key: 'valid-key-0001' })), 'NOT_FOUND');
  });
});

// ---- the repair wizard ----------------------------------------------------------------------

const JOB = `id state format encoding error { code row messageZh messageEn }
  progress { rowsRead bytesRead bytesTotal fraction stepDone stepTotal }
  columns { column role field } ignoredColumns missing { field column rows }
  summary { proposed accepted review rejected applied changedSince undone undoConflicts issues }`;

async function startJob(body: Buffer | string, fileName: string, args = ''): Promise<any> {
  const up = await stack.upload(body, fileName);
  assert.equal(up.status, 201, JSON.stringify(up.body));
  return stack.query(`mutation($u: ID!) { startRepairJob(uploadId: $u${args}) { ${JOB} } }`, { u: up.body.uploadId });
}

/** Polls a job until it leaves `busy`: the wizard works in the background. */
async function settle(id: string, busy: string[] = ['READING', 'APPLYING', 'UNDOING']): Promise<any> {
  for (let i = 0; i < 600; i++) {
    const job = (await stack.query(`query($id: ID!) { repairJob(id: $id) { ${JOB} } }`, { id })).data.repairJob;
    if (!busy.includes(job.state)) return job;
    await new Promise((r) => setTimeout(r, 50));
  }
  throw new Error(`repair job ${id} still busy`);
}

async function allChanges(id: string, filter: Record<string, unknown> = {}): Promise<any[]> {
  const out: any[] = [];
  let after: string | null = null;
  for (;;) {
    const page: any = (
      await stack.query(
        `query($id: ID!, $f: RepairChangeFilter, $a: String) { repairJob(id: $id) { changes(filter: $f, first: 200, after: $a) {
          totalCount pageInfo { hasNextPage endCursor }
          edges { node { id rowNo erpOrderNo field kind source fileValue erpBefore proposed confidence decision state
            evidence { column text span { start end text } cue negated } } } } } }`,
        { id, f: filter, a: after },
      )
    ).data.repairJob.changes;
    out.push(...page.edges.map((e: any) => e.node));
    if (!page.pageInfo.hasNextPage) return out;
    after = page.pageInfo.endCursor;
  }
}

const requirementsOf = async (erpOrderNo: string) =>
  (await stack.query(`query($id: ID!) { order(id: $id) { requirements { ${FIELDS.join(' ')} } } }`, { id: erpOrderNo })).data.order.requirements;

describe('data repair', () => {
  // Real historical orders of the seeded ERP, none touched by the draft tests.
  const orders = () => stack.truth.orders.slice(100).map((o) => o.erpOrderNo);

  test('a CSV of historical orders: preview with evidence, ≥ 97 % of fields right, decisions, apply, undo', async () => {
    const nos = orders();
    const rows: string[][] = [['订单号', '客户名称', '备注', '紧急程度', '数据来源']];
    REMARK_SETS.forEach((r, i) => rows.push([nos[i], `客户${i}`, r.remark, '', 'ERP导出']));
    // The file's own column wins over silence: row with 紧急程度 = 加急 and no remark.
    const filled = nos[REMARK_SETS.length];
    rows.push([filled, '客户X', '', '加急', 'ERP导出']);
    // Rows the wizard must set aside, each with its reason.
    rows.push(['', '无单号', '急', '', '']);
    rows.push(['SO-20991231-001', '不存在', '急', '', '']);
    rows.push([nos[0], '重复行', '备货', '', '']);
    rows.push([nos[REMARK_SETS.length + 1], '公式', '=HYPERLINK("http://evil.example","点我")', '', '']);
    rows.push([nos[REMARK_SETS.length + 2], '无关列公式', '送货前电话', '', '@SUM(1+1)']);
    // As a spreadsheet would save it, formulas and all (no guard: the reader's is what is tested).
    const csv = stringify(rows, { record_delimiter: '\r\n', quote_record_delimiter: true });
    const started = await startJob(csv, '历史订单-2024.csv');
    assert.equal(started.errors, undefined, JSON.stringify(started.errors));
    const job = await settle(started.data.startRepairJob.id);
    assert.equal(job.state, 'READY', JSON.stringify(job.error));
    assert.equal(job.format, 'csv');
    assert.equal(job.progress.rowsRead, rows.length - 1);
    assert.equal(job.progress.fraction, 1);
    assert.deepEqual(job.columns, [
      { column: '订单号', role: 'ORDER_NO', field: null },
      { column: '备注', role: 'TEXT', field: null },
      { column: '紧急程度', role: 'FIELD', field: 'priority' },
    ]);
    assert.deepEqual(job.ignoredColumns, ['客户名称', '数据来源']);
    // The file has no column for five fields: missing in every usable row; priority blank in all but one.
    const usable = REMARK_SETS.length + 2;
    const missing = Object.fromEntries(job.missing.map((m: any) => [m.field, m]));
    assert.equal(missing.priority.rows, usable - 1);
    assert.equal(missing.attachments.rows, usable);
    assert.equal(missing.attachments.column, null);

    const issues = (await stack.query(`query($id: ID!) { repairJob(id: $id) { issues(first: 50) { edges { node { rowNo code column cell } } } } }`, { id: job.id })).data.repairJob.issues.edges.map(
      (e: any) => e.node,
    );
    const at = (n: number) => n + 2; // file row of rows[n + 1]
    assert.deepEqual(
      issues.map((i: any) => [i.rowNo, i.code, i.column]).sort((a: any, b: any) => a[0] - b[0] || a[1].localeCompare(b[1])),
      [
        [at(REMARK_SETS.length + 1), 'ORDER_NO_MISSING', '订单号'],
        [at(REMARK_SETS.length + 2), 'ORDER_NOT_FOUND', '订单号'],
        [at(REMARK_SETS.length + 3), 'DUPLICATE_ORDER_ROW', '订单号'],
        [at(REMARK_SETS.length + 4), 'FORMULA_INJECTION', '备注'],
        [at(REMARK_SETS.length + 5), 'FORMULA_INJECTION', '数据来源'],
      ],
    );

    const changes = await allChanges(job.id);
    assert.equal(changes.length, job.summary.proposed);
    // The formula row proposes nothing; the row with a formula in an unused column still counts.
    assert.ok(!changes.some((c) => c.erpOrderNo === nos[REMARK_SETS.length + 1]));
    assert.ok(changes.some((c) => c.erpOrderNo === nos[REMARK_SETS.length + 2] && c.field === 'callBeforeDelivery' && c.proposed === true));
    // The file's own value is taken as it stands.
    const own = changes.find((c) => c.erpOrderNo === filled && c.field === 'priority');
    assert.deepEqual([own.source, own.fileValue, own.proposed, own.decision], ['COLUMN', 'URGENT', 'URGENT', 'ACCEPTED']);
    for (const c of changes) {
      assert.equal(c.kind, 'FILL');
      assert.equal(c.erpBefore, null);
      for (const e of c.evidence) if (e.span) assert.equal(e.text.slice(e.span.start, e.span.end), e.span.text);
      assert.equal(c.decision, c.confidence >= 0.85 ? 'ACCEPTED' : 'REVIEW');
    }

    // Field accuracy against the labels: a field with no proposal reads as "nothing to record".
    let right = 0;
    let total = 0;
    const wrong: string[] = [];
    REMARK_SETS.forEach((r, i) => {
      for (const f of FIELDS) {
        const c = changes.find((x) => x.erpOrderNo === nos[i] && x.field === f);
        const got = c ? c.proposed : null;
        const want = r.expect[f];
        const same = JSON.stringify(Array.isArray(got) ? [...got].sort() : got) === JSON.stringify(Array.isArray(want) ? [...want].sort() : want);
        total++;
        if (same) right++;
        else wrong.push(`${r.remark} ${f}: ${JSON.stringify(got)} ≠ ${JSON.stringify(want)}`);
      }
    });
    assert.ok(right / total >= 0.97, `field accuracy ${right}/${total}: ${wrong.join('; ')}`);

    // Decisions: accept what silence means, reject one urgency reading.
    const defaults = await stack.query(`mutation($id: ID!) { decideRepairChanges(jobId: $id, decision: ACCEPTED, filter: { source: DEFAULT }) { updated } }`, { id: job.id });
    assert.equal(defaults.data.decideRepairChanges.updated, changes.filter((c) => c.source === 'DEFAULT').length);
    const rejectMe = changes.find((c) => c.source === 'TEXT' && c.field === 'priority')!;
    const rejected = await stack.query(`mutation($id: ID!, $c: [ID!]) { decideRepairChanges(jobId: $id, decision: REJECTED, ids: $c) { updated } }`, { id: job.id, c: [rejectMe.id] });
    assert.equal(rejected.data.decideRepairChanges.updated, 1);

    // Apply: what was accepted lands in ERP, what was rejected does not; asking again starts nothing.
    const applying = await stack.query(`mutation($id: ID!) { applyRepairJob(id: $id) { state progress { stepTotal } } }`, { id: job.id });
    assert.equal(applying.errors, undefined, JSON.stringify(applying.errors));
    const accepted = changes.filter((c) => c.id !== rejectMe.id && (c.decision === 'ACCEPTED' || c.source === 'DEFAULT'));
    assert.equal(applying.data.applyRepairJob.progress.stepTotal, accepted.length);
    const applied = await settle(job.id);
    assert.equal(applied.state, 'APPLIED');
    assert.equal(applied.summary.applied, accepted.length);
    assert.equal(applied.progress.stepDone, accepted.length);
    assert.equal((await stack.query(`mutation($id: ID!) { applyRepairJob(id: $id) { state } }`, { id: job.id })).data.applyRepairJob.state, 'APPLIED');
    for (const no of [nos[0], nos[5], filled, rejectMe.erpOrderNo]) {
      const want = Object.fromEntries(FIELDS.map((f) => [f, accepted.find((c) => c.erpOrderNo === no && c.field === f)?.proposed ?? null]));
      assert.deepEqual(await requirementsOf(no), want, no);
    }
    // Decisions are frozen once applied.
    assert.equal(code(await stack.query(`mutation($id: ID!) { decideRepairChanges(jobId: $id, decision: ACCEPTED, filter: {}) { updated } }`, { id: job.id })), 'CONFLICT');

    // Someone edits one field in ERP after the apply: undo leaves that one alone and says so.
    const touched = accepted.find((c) => c.field === 'priority' && c.proposed === 'URGENT' && c.erpOrderNo !== filled)!;
    await erp.query("UPDATE SO_SOMain_ExtraDefine SET cUrgency = '普通' WHERE ID = (SELECT ID FROM SO_SOMain WHERE cSOCode = ?)", [touched.erpOrderNo]);
    assert.equal((await stack.query(`mutation($id: ID!) { undoRepairJob(id: $id) { state } }`, { id: job.id })).errors, undefined);
    const undone = await settle(job.id);
    assert.equal(undone.state, 'UNDONE');
    assert.equal(undone.summary.undoConflicts, 1);
    assert.equal(undone.summary.undone, accepted.length - 1);
    const keep = await requirementsOf(touched.erpOrderNo);
    assert.equal(keep.priority, 'NORMAL', 'the later edit stands');
    for (const no of [nos[0], nos[5], filled]) if (no !== touched.erpOrderNo) assert.deepEqual(await requirementsOf(no), Object.fromEntries(FIELDS.map((f) => [f, null])));

    const audit = await stack.query(`{ auditLog(entity: REPAIR_JOB, entityId: "${job.id}") { action } }`);
    assert.deepEqual(audit.data.auditLog.map((a: any) => a.action).sort(), ['REPAIR_APPLY', 'REPAIR_STARTED', 'REPAIR_UNDO']);
  });

  test('a GBK CSV as Excel saves it is read; declared UTF-8 it is refused; UTF-16 is refused', async () => {
    const nos = orders().slice(100);
    const text = `订单号,备注\r\n${nos[0]},急！装车用\r\n${nos[1]},需附检测报告，送货前请电话联系\r\n`;
    const gbk = iconv.encode(text, 'gbk');
    const started = await startJob(gbk, 'gbk.csv');
    assert.equal(started.errors, undefined, JSON.stringify(started.errors));
    assert.equal(started.data.startRepairJob.encoding, 'gb18030');
    const job = await settle(started.data.startRepairJob.id);
    assert.equal(job.state, 'READY');
    const changes = await allChanges(job.id, { source: 'TEXT' });
    assert.deepEqual(
      changes.map((c) => [c.erpOrderNo, c.field, c.proposed]).sort(),
      [
        [nos[0], 'priority', 'URGENT'],
        [nos[0], 'purpose', 'VEHICLE_INSTALL'],
        [nos[1], 'attachments', ['TEST_REPORT']],
        [nos[1], 'callBeforeDelivery', true],
      ].sort(),
    );
    assert.equal(changes.find((c) => c.field === 'priority').evidence[0].span.text, '急');

    const declared = await startJob(gbk, 'gbk.csv', ', encoding: UTF8');
    assert.equal(code(declared), 'BAD_USER_INPUT');
    assert.equal(ext(declared).reason, 'ENCODING_INVALID');
    assert.ok(declared.errors![0].extensions!.messageZh && declared.errors![0].extensions!.messageEn);

    const utf16 = Buffer.concat([Buffer.from([0xff, 0xfe]), Buffer.from(text, 'utf16le')]);
    const refused = await startJob(utf16, 'unicode.csv');
    assert.equal(ext(refused).reason, 'ENCODING_UNSUPPORTED');
  });

  test('empty files, a missing order column and a huge cell get clear errors, and nothing is applied', async () => {
    const empty = await startJob('', 'empty.csv');
    assert.equal(code(empty), 'BAD_USER_INPUT');
    assert.equal(ext(empty).reason, 'EMPTY_FILE');
    assert.equal(ext(await startJob('订单号,备注\r\n', 'header-only.csv')).reason, 'EMPTY_FILE');
    const noOrder = await startJob('客户,备注\r\nA,急\r\n', 'no-order.csv');
    assert.equal(ext(noOrder).reason, 'REQUIRED_COLUMN_MISSING');
    assert.match(noOrder.errors![0].message, /订单号/);

    // A cell far beyond any remark, further down the file: the job fails there, naming the row.
    const nos = orders().slice(150);
    const huge = `订单号,备注\r\n${nos[0]},急\r\n${nos[1]},${'很长的备注'.repeat(1000)}\r\n${nos[2]},备货\r\n`;
    const started = await startJob(huge, 'huge.csv');
    assert.equal(started.errors, undefined);
    const job = await settle(started.data.startRepairJob.id);
    assert.equal(job.state, 'FAILED');
    assert.equal(job.error.code, 'CELL_TOO_LARGE');
    assert.equal(job.error.row, 3);
    const apply = await stack.query(`mutation($id: ID!) { applyRepairJob(id: $id) { state } }`, { id: job.id });
    assert.equal(code(apply), 'CONFLICT');
    assert.equal(ext(apply).reason, 'JOB_STATE');
    assert.deepEqual(await requirementsOf(nos[0]), Object.fromEntries(FIELDS.map((f) => [f, null])));
  });

  test('an XLSX workbook is read like a CSV', async () => {
    const nos = orders().slice(200);
    const book = new ExcelJS.Workbook();
    const sheet = book.addWorksheet('历史订单');
    sheet.addRow(['单号', '订单备注', '用途']);
    sheet.addRow([nos[0], '保质期要一年以上，上午送货', '']);
    sheet.addRow([nos[1], '转卖客户，无需发票', '维修']);
    const started = await startJob(Buffer.from(await book.xlsx.writeBuffer()), 'orders.xlsx', ', proposeDefaults: false');
    assert.equal(started.errors, undefined, JSON.stringify(started.errors));
    assert.equal(started.data.startRepairJob.format, 'xlsx');
    const job = await settle(started.data.startRepairJob.id);
    assert.equal(job.state, 'READY');
    const changes = await allChanges(job.id);
    const got = changes.map((c) => [c.erpOrderNo, c.field, c.source, c.proposed, c.decision]).sort();
    assert.deepEqual(
      got,
      [
        [nos[0], 'minShelfLifeMonths', 'TEXT', 12, 'ACCEPTED'],
        [nos[0], 'deliveryConstraint', 'TEXT', 'MORNING_ONLY', 'ACCEPTED'],
        [nos[1], 'attachments', 'TEXT', [], 'ACCEPTED'],
        // The file says 维修, the remark 转卖: the file's value is kept but waits for a person.
        [nos[1], 'purpose', 'COLUMN', 'REPAIR', 'REVIEW'],
      ].sort(),
    );
  });

  test('uploads are authenticated, limited in size and for ops only', async () => {
    const noToken = await fetch(new URL('/uploads', stack.gatewayUrl), { method: 'POST', body: 'a' });
    assert.equal(noToken.status, 401);
    const warehouse = await stack.upload('订单号\n', 'x.csv', { token: await stack.token('warehouse') });
    assert.equal(warehouse.status, 403);
    assert.equal(warehouse.body.errors[0].extensions.code, 'FORBIDDEN');
    const tooBig = await stack.upload(Buffer.alloc(3 * 1024 * 1024, 0x41), 'big.csv');
    assert.equal(tooBig.status, 413);
    assert.equal(tooBig.body.errors[0].extensions.code, 'PAYLOAD_TOO_LARGE');
    const ops = await stack.upload('订单号,备注\n', 'ok.csv', { token: await stack.token('ops') });
    assert.equal(ops.status, 201);
    assert.match(ops.body.uploadId, /^[0-9a-f-]{36}$/);
    // A subgraph never takes a file straight from a client.
    const direct = await fetch(new URL('/uploads', stack.subgraphUrls.intake), { method: 'POST', body: 'x' });
    assert.equal(direct.status, 401);
    assert.equal(code(await stack.query('mutation { startRepairJob(uploadId: "00000000-0000-0000-0000-000000000000") { id } }')), 'NOT_FOUND');
  });
});

describe('repaired requirements reach the warehouse', () => {
  test('a shelf life asked in a remark, repaired into ERP, steers the pick to a longer-dated lot', async () => {
    const wms = await openDataSource(stack.targets.wmsUrl, { poolSize: 2 });
    const erp = await openDataSource(stack.targets.erpUrl, { poolSize: 1 });
    try {
      const [asked, control] = await createOrdersAwaitingPick({ erpUrl: stack.targets.erpUrl, wmsUrl: stack.targets.wmsUrl, tmsApiUrl: stack.tmsApiUrl }, { count: 2, seed: 4242 });
      await stack.linker.runRound();
      const today = beijingDate(Date.now());
      // At the catalog's price (68.00) and in different quantities: a line far below list price or a
      // repeat of the same goods would rightly be held by the rules (R10, R11), and a held order has no pick list.
      const quantity = new Map([[asked.erpOrderNo, 5], [control.erpOrderNo, 4]]);
      for (const o of [asked, control]) {
        const qty = quantity.get(o.erpOrderNo)!;
        await wms.query("UPDATE t_out_order SET warehouse_code = 'WH-SH01' WHERE out_no = ?", [o.outboundNo]);
        await wms.query('DELETE FROM t_out_line WHERE out_no = ?', [o.outboundNo]);
        await wms.query("INSERT INTO t_out_line (out_no, line_no, sku, batch_no, loc_code, plan_qty, picked_qty) VALUES (?, 1, 'FLD-DOT4-1L', 'WMS-OWN', 'F1-A01-S01', ?, NULL)", [o.outboundNo, qty]);
        // The order asks for what its outbound carries: the hub links an outbound only to an order
        // it shares goods with.
        await erp.query('DELETE FROM SO_SODetails WHERE cSOCode = ?', [o.erpOrderNo]);
        await erp.query("INSERT INTO SO_SODetails (cSOCode, iRowNo, cInvCode, iQuantity, iTaxUnitPrice, iSum, cMemo) VALUES (?, 1, 'FLD-DOT4-1L', ?, 68, ?, NULL)", [o.erpOrderNo, qty, (68 * qty).toFixed(2)]);
        await erp.query('UPDATE SO_SOMain SET dModifyTime = ? WHERE cSOCode = ?', [formatBeijing(Date.now()), o.erpOrderNo]);
      }
      await wms.query("DELETE FROM t_stock WHERE warehouse_code = 'WH-SH01' AND sku = 'FLD-DOT4-1L'");
      for (const [batch, bin, months] of [['DOT4-12M', 'F1-A07-S01', 12], ['DOT4-30M', 'F1-A07-S02', 30]] as const) {
        await wms.query("INSERT INTO t_stock (warehouse_code, sku, batch_no, exp_date, loc_code, qty, locked_qty) VALUES ('WH-SH01', 'FLD-DOT4-1L', ?, ?, ?, 100, 0)", [batch, addMonths(today, months), bin]);
        await wms.query("UPDATE t_location SET status = 1 WHERE warehouse_code = 'WH-SH01' AND loc_code = ?", [bin]);
      }
      const started = await startJob(`订单号,备注\r\n${asked.erpOrderNo},生产日期要新的，保质期24个月以上\r\n`, 'shelf-life.csv');
      const job = await settle(started.data.startRepairJob.id);
      assert.equal(job.state, 'READY');
      await stack.query(`mutation($id: ID!) { applyRepairJob(id: $id) { state } }`, { id: job.id });
      assert.equal((await settle(job.id)).state, 'APPLIED');
      assert.equal((await requirementsOf(asked.erpOrderNo)).minShelfLifeMonths, 24);
      // The hub has read the changed orders and the rules have judged them again before anyone picks.
      await stack.linker.runRound();

      const batches = async (id: string) => {
        const res = await stack.query(`query($id: ID!) { pickList(orderId: $id) { lines { batchNo quantity } } }`, { id }, { token: await stack.token('warehouse') });
        assert.equal(res.errors, undefined, JSON.stringify(res.errors));
        return res.data.pickList.lines.map((l: any) => [l.batchNo, l.quantity]);
      };
      assert.deepEqual(await batches(control.erpOrderNo), [['DOT4-12M', 4]], 'first expiry first when nothing more is asked');
      assert.deepEqual(await batches(asked.erpOrderNo), [['DOT4-30M', 5]], 'the 12-month lot is too short for 24 months');
    } finally {
      await wms.destroy();
      await erp.destroy();
    }
  });
});
