// What the hub keeps per user, and who may reach it, role by role through the gateway:
//   drafts (hub_order_draft.created_by)   their maker, ops and admin; to anyone else they do not exist
//   uploads (hub_upload.uploaded_by)      ops and admin only, to send and to start a job from
//   repair jobs (hub_repair_job.created_by) ops and admin only, every verb
// Everything else the hub records with a person's name (audit entries, hold decisions, scans,
// seals, confirmed attachments, rules) belongs to an order or to the business, not to the person,
// and is guarded by role (auth.test's matrix) and, for customers, by order ownership.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { startStack, type Stack } from './helpers/stack.js';
import { mintToken } from '../common/src/tokens.js';
import { ROLES, type Role } from '../common/src/caller.js';

let stack: Stack;
let tokens: Record<Role, string>;
let otherSales: string;

before(async () => {
  stack = await startStack({ name: 'owner', orders: 120, days: 1, seed: 16 });
  const customer = stack.truth.orders[0].customerCode;
  tokens = Object.fromEntries(await Promise.all(ROLES.map(async (r) => [r, await stack.token(r, r === 'customer' ? customer : undefined)]))) as Record<Role, string>;
  const { AUTH_JWT_SECRET: secret, AUTH_ISSUER: issuer, AUTH_AUDIENCE: audience } = stack.config;
  otherSales = await mintToken({ secret, issuer, audience }, 'test-sales-2', 'sales');
});

after(async () => {
  await stack?.close();
});

const first = (res: { errors?: { message: string; extensions?: Record<string, any> }[] }) => res.errors?.[0];

describe('drafts', () => {
  test("a draft is read by its maker, ops and admin; another clerk reading or confirming it gets exactly the NOT_FOUND of a draft that does not exist", async () => {
    const made = await stack.query('mutation { draftOrderFromText(text: "NTN N204轴承4个，送苏州吴中区金山路1号，老周 13912345678") { id mobile { value } } }', {}, { token: tokens.sales });
    const id: string = made.data.draftOrderFromText.id;
    const read = (token: string, draftId = id) => stack.query('query($id: ID!) { orderDraft(id: $id) { id mobile { value } detail { value } } }', { id: draftId }, { token });
    for (const role of ['sales', 'ops', 'admin'] as const) {
      const res = await read(tokens[role]);
      assert.equal(res.errors, undefined, `${role}: ${JSON.stringify(res.errors)}`);
      assert.equal(res.data.orderDraft.mobile.value, '13912345678', role);
    }
    // The next ID, which nobody has made yet: what another clerk must see, word for word.
    const nextId = `DR${String(Number(id.slice(2)) + 1000).padStart(10, '0')}`;
    const missing = first(await read(otherSales, nextId))!;
    const theirs = first(await read(otherSales))!;
    assert.equal(theirs.extensions!.code, 'NOT_FOUND');
    assert.equal(theirs.message.replaceAll(id, '<id>'), missing.message.replaceAll(nextId, '<id>'));
    assert.deepEqual(theirs.extensions, { ...missing.extensions, messageZh: missing.extensions!.messageZh.replaceAll(nextId, id), messageEn: missing.extensions!.messageEn.replaceAll(nextId, id) });
    // Not in their list either, and confirming it is the same NOT_FOUND, with nothing written to ERP.
    const list = await stack.query('{ orderDrafts(first: 200) { id } }', {}, { token: otherSales });
    assert.ok(!list.data.orderDrafts.some((d: any) => d.id === id));
    const confirm = (token: string, draftId: string) =>
      stack.query('mutation($id: ID!) { confirmOrderDraft(id: $id, clientKey: $id) { erpOrderNo } }'.replace('clientKey: $id', `clientKey: "own-${Date.now()}"`), { id: draftId }, { token });
    const refusedConfirm = first(await confirm(otherSales, id))!;
    const missingConfirm = first(await confirm(otherSales, nextId))!;
    assert.equal(refusedConfirm.extensions!.code, 'NOT_FOUND');
    assert.equal(refusedConfirm.message.replaceAll(id, '<id>'), missingConfirm.message.replaceAll(nextId, '<id>'));
    const still = await read(tokens.sales);
    assert.equal(still.data.orderDraft.id, id, 'the draft is still there, unconfirmed');
    // Roles that draft nothing are refused the field itself (the role matrix in auth.test covers every root).
    for (const role of ['customer', 'director', 'warehouse', 'finance'] as const) {
      const res = await read(tokens[role]);
      assert.equal(first(res)!.extensions!.code, 'FORBIDDEN', role);
    }
  });
});

describe('uploads and repair jobs', () => {
  test('only ops and admin may upload a file, start a job from it, read, list, decide, apply or undo a job', async () => {
    const upload = async (role: Role) => (await stack.upload('订单号,备注\n', 'owner.csv', { token: tokens[role] })).status;
    for (const role of ROLES) assert.equal(await upload(role), role === 'ops' || role === 'admin' ? 201 : 403, `upload as ${role}`);
    const up = await stack.upload(`订单号,备注\n${stack.truth.orders[0].erpOrderNo},急\n`, 'owner.csv', { token: tokens.ops });
    const job = await stack.query('mutation($u: ID!) { startRepairJob(uploadId: $u) { id } }', { u: up.body.uploadId }, { token: tokens.ops });
    const jobId: string = job.data.startRepairJob.id;
    const verbs: Record<string, string> = {
      repairJob: `{ repairJob(id: "${jobId}") { id } }`,
      repairJobs: '{ repairJobs(first: 5) { id } }',
      startRepairJob: `mutation { startRepairJob(uploadId: "${up.body.uploadId}") { id } }`,
      decideRepairChanges: `mutation { decideRepairChanges(jobId: "${jobId}", decision: REJECTED, ids: ["1"]) { updated } }`,
      applyRepairJob: 'mutation { applyRepairJob(id: "999999999") { id } }',
      undoRepairJob: 'mutation { undoRepairJob(id: "999999999") { id } }',
    };
    for (const role of ROLES) {
      for (const [verb, query] of Object.entries(verbs)) {
        const res = await stack.query(query, {}, { token: tokens[role] });
        const refused = first(res)?.extensions?.code === 'FORBIDDEN';
        assert.equal(refused, !(role === 'ops' || role === 'admin'), `${verb} as ${role}: ${JSON.stringify(res.errors)}`);
      }
    }
    // Ops and admin are one team: a job started by one ops user is read by another and by admin.
    for (const role of ['ops', 'admin'] as const) assert.equal((await stack.query(verbs.repairJob, {}, { token: tokens[role] })).data.repairJob.id, jobId);
  });
});

describe('uploads kept no longer than needed', () => {
  test('a file name longer than the limit is refused before the file is read; at the limit it is kept whole', async () => {
    const limit = stack.config.UPLOAD_MAX_NAME_LENGTH;
    const long = await stack.upload('订单号,备注\n', `${'n'.repeat(5000)}.csv`, { token: tokens.ops });
    assert.equal(long.status, 400);
    assert.equal(long.body.errors[0].extensions.code, 'FILE_NAME_TOO_LONG');
    assert.equal(long.body.errors[0].extensions.limit, limit);
    const exact = `${'名'.repeat(limit - 4)}.csv`;
    const ok = await stack.upload('订单号,备注\n', exact, { token: tokens.ops });
    assert.equal(ok.status, 201);
    assert.equal(ok.body.fileName, exact);
  });

  test('uploads no job was started from are removed after the retention, row and file, by exactly one of two sweeping instances', async () => {
    const { UploadRetention } = await import('../subgraphs/intake/src/repair/retention.js');
    const { existsSync } = await import('node:fs');
    const { join } = await import('node:path');
    const hubDb = stack.orderLink.hubDb;
    const unused = (await stack.upload('订单号,备注\n', 'unused.csv', { token: tokens.ops })).body.uploadId;
    const used = (await stack.upload(`订单号,备注\n${stack.truth.orders[1].erpOrderNo},急\n`, 'used.csv', { token: tokens.ops })).body.uploadId;
    assert.equal(first(await stack.query('mutation($u: ID!) { startRepairJob(uploadId: $u) { id } }', { u: used }, { token: tokens.ops })), undefined);
    const file = (id: string) => join(stack.config.UPLOAD_DIR, id);
    assert.ok(existsSync(file(unused)) && existsSync(file(used)));
    const hours = stack.config.UPLOAD_RETENTION_HOURS;
    const silent = { info() {}, warn() {} } as any;
    const a = new UploadRetention(hubDb, stack.config.UPLOAD_DIR, hours * 3_600_000, silent);
    const b = new UploadRetention(hubDb, stack.config.UPLOAD_DIR, hours * 3_600_000, silent);
    // Within the retention nothing goes.
    assert.ok(!(await a.sweepOnce(Date.now() + (hours / 2) * 3_600_000)).removed.includes(unused));
    const later = Date.now() + (hours + 1) * 3_600_000;
    const [ra, rb] = await Promise.all([a.sweepOnce(later), b.sweepOnce(later)]);
    assert.equal([...ra.removed, ...rb.removed].filter((id) => id === unused).length, 1, 'removed once');
    assert.ok(![...ra.removed, ...rb.removed].includes(used), 'a used upload stays');
    assert.ok(!existsSync(file(unused)), 'file gone');
    assert.ok(existsSync(file(used)), 'used file kept');
    assert.equal((await hubDb.query('SELECT COUNT(*) AS n FROM hub_upload WHERE id = ?', [unused]))[0].n * 1, 0, 'row gone');
    const gone = first(await stack.query('mutation($u: ID!) { startRepairJob(uploadId: $u) { id } }', { u: unused }, { token: tokens.ops }));
    assert.equal(gone!.extensions!.code, 'NOT_FOUND');
  });
});
