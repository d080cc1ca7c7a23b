// Quick drafts: a pasted chat message read into an order draft (kept in hub_order_draft), and its
// confirmation into a real ERP sales order — once per client key, whoever retries — which the
// linker then links and the rule engine evaluates like any other order.
import type { DataSource } from 'typeorm';
import type { Caller } from '../../../../common/src/caller.js';
import { appError, badInput, ErrorCode } from '../../../../common/src/errors.js';
import { forUpdate, insertReturningId } from '../../../../common/src/db.js';
import type { LegacySystem } from '../../../../common/src/legacy.js';
import { parseIsoInstant } from '../../../../common/src/time.js';
import { formatDraftId } from '../../../../common/src/docno.js';
import { REQUIREMENT_FIELDS, type OrderRequirements } from '../../../../common/src/requirements.js';
import type { ErpDatasource, ErpOrders, NewSalesOrder } from '#adapters/erp';
import { interpretRemark, parseChatDraft, remarkValues, type ChatDraft, resolveDeliveryHint, type DeliveryDate } from '#text';
import { audit } from '#hub';
import { modelKey, type TextDirectory } from './directory.js';

export const MAX_DRAFT_TEXT = 4000;
const CLIENT_KEY = /^[A-Za-z0-9._:-]{8,80}$/;
const MOBILE = /^1[3-9]\d{9}$/;

export type DraftState = 'OPEN' | 'CONFIRMED';

/** The order a confirmation wrote to ERP, as kept with the draft. */
export interface ConfirmedOrder extends Omit<NewSalesOrder, 'clientKey'> {
  erpOrderNo: string;
}

export interface DraftRecord {
  id: number;
  text: string;
  reading: ChatDraft;
  storeCode: string | null;
  state: DraftState;
  createdBy: string;
  createdAt: number;
  clientKey: string | null;
  erpOrderNo: string | null;
  confirmed: ConfirmedOrder | null;
  confirmedBy: string | null;
  confirmedAt: number | null;
}

export interface DraftEdits {
  customerCode?: string | null;
  storeCode?: string | null;
  contactName?: string | null;
  mobile?: string | null;
  province?: string | null;
  city?: string | null;
  district?: string | null;
  detail?: string | null;
  requestedDeliveryAt?: string | null;
  remark?: string | null;
  items?: { model: string; qty: number }[] | null;
  requirements?: Partial<OrderRequirements> | null;
}

export interface Confirmation {
  draft: DraftRecord;
  erpOrderNo: string;
  created: boolean;
}

/** One thing that stops a draft from becoming an order, for the person to fix with `edits`. */
export interface DraftProblem {
  field: string;
  reason: string;
  messageZh: string;
  messageEn: string;
}

export { formatDraftId, parseDraftId } from '../../../../common/src/docno.js';

/**
 * A draft holds a customer's name, mobile and address: its maker reads it, and ops and admin; to
 * anyone else it does not exist (the same NOT_FOUND, so that sequential IDs tell nothing).
 */
export const mayReadDraft = (d: DraftRecord, caller: Caller): boolean =>
  caller.role === 'ops' || caller.role === 'admin' || d.createdBy === caller.subject.slice(0, 80);

export const draftNotFound = (id: number) => appError(ErrorCode.NOT_FOUND, { zh: `没有草稿 ${formatDraftId(id)}`, en: `No draft ${formatDraftId(id)}` }, { argument: 'id' });

/** When the reading's delivery hint says the goods are wanted, relative to when it was read. */
export const requestedDelivery = (d: DraftRecord): DeliveryDate | null => resolveDeliveryHint(d.reading.deliveryHint.value, d.createdAt);

/** The remark a confirmed order would carry: what the message asked beyond items and address. */
export const draftRemark = (reading: ChatDraft): string | null => (reading.remarks.length ? reading.remarks.map((r) => r.value).join('；') : null);

/** Draft readings as zh / en halves: the text engine writes its messages "中文 / English". */
export function splitMessage(message: string): { zh: string; en: string } {
  const at = message.indexOf(' / ');
  return at < 0 ? { zh: message, en: message } : { zh: message.slice(0, at), en: message.slice(at + 3) };
}

/** Can the draft be confirmed as read, with no edits? */
export function isComplete(d: DraftRecord): boolean {
  const r = d.reading;
  return r.customer.value != null && r.items.length > 0 && r.items.every((i) => i.qty.value != null) && !r.unresolved.some((u) => u.field === 'items' || u.field === 'customer');
}

const toRecord = (r: any): DraftRecord => ({
  id: Number(r.id),
  text: r.source_text,
  reading: JSON.parse(r.parsed),
  storeCode: r.store_code,
  state: r.state,
  createdBy: r.created_by,
  createdAt: Number(r.created_at),
  clientKey: r.client_key,
  erpOrderNo: r.erp_order_no,
  confirmed: r.confirmed_order ? JSON.parse(r.confirmed_order) : null,
  confirmedBy: r.confirmed_by,
  confirmedAt: r.confirmed_at == null ? null : Number(r.confirmed_at),
});

export class DraftService {
  constructor(
    private readonly db: DataSource,
    private readonly hub: LegacySystem,
    private readonly erp: ErpDatasource,
    /** The one write: through the erp subgraph. */
    private readonly erpOrders: ErpOrders,
    private readonly directory: TextDirectory,
    /** Links and evaluates what ERP holds now: order-link's runLinkRound, asked as the confirming caller. */
    private readonly linkNow: (caller: Caller) => Promise<unknown>,
  ) {}

  async create(text: string, storeCode: string | null, caller: Caller, now = Date.now()): Promise<DraftRecord> {
    if (!text.trim()) throw badInput({ zh: '请粘贴客户的消息内容', en: 'Paste the customer\'s message: the text is empty' }, { argument: 'text' });
    if (text.length > MAX_DRAFT_TEXT) {
      throw badInput({ zh: `消息过长（${text.length} 字，上限 ${MAX_DRAFT_TEXT}）`, en: `The message is too long (${text.length} characters, at most ${MAX_DRAFT_TEXT})` }, { argument: 'text', max: MAX_DRAFT_TEXT });
    }
    const directory = await this.directory.get();
    if (storeCode != null && !(await this.erp.storesByCode([storeCode]))[0]) {
      throw badInput({ zh: `没有门店「${storeCode.slice(0, 20)}」`, en: `No store has the code "${storeCode.slice(0, 20)}"` }, { argument: 'storeCode' });
    }
    const reading = parseChatDraft(text, { catalog: directory.catalog, customers: directory.customers });
    const row = {
      source_text: text,
      parsed: JSON.stringify(reading),
      store_code: storeCode,
      state: 'OPEN',
      created_by: caller.subject.slice(0, 80),
      created_at: now,
    };
    const id = await this.hub.call('draft.insert', () => this.db.transaction((em) => insertReturningId(em, 'hub_order_draft', row)), { idempotent: false });
    return { ...toRecord({ ...row, id }), reading };
  }

  async byIds(ids: readonly number[]): Promise<(DraftRecord | null)[]> {
    if (!ids.length) return [];
    const rows = await this.hub.call('draft.byId', () => this.db.query(`SELECT * FROM hub_order_draft WHERE id IN (${ids.map(() => '?').join(', ')})`, [...ids]));
    const found = new Map<number, DraftRecord>(rows.map((r: any) => [Number(r.id), toRecord(r)]));
    return ids.map((id) => found.get(id) ?? null);
  }

  async list(filter: { state: DraftState | null; createdBy: string | null }, first: number): Promise<DraftRecord[]> {
    const where: string[] = [];
    const params: unknown[] = [];
    if (filter.state) where.push('state = ?'), params.push(filter.state);
    if (filter.createdBy) where.push('created_by = ?'), params.push(filter.createdBy);
    const rows = await this.hub.call('draft.list', () =>
      this.db.query(`SELECT * FROM hub_order_draft${where.length ? ` WHERE ${where.join(' AND ')}` : ''} ORDER BY id DESC LIMIT ?`, [...params, first]),
    );
    return rows.map(toRecord);
  }

  /**
   * Creates the ERP order for a draft, once. The draft's row is locked for the whole confirmation;
   * ERP keeps the client key on the order (cDefine10), so a confirmation whose ERP write landed
   * but whose hub write did not finds its order again instead of making a second one.
   */
  async confirm(id: number, edits: DraftEdits, clientKey: string, caller: Caller, now = Date.now()): Promise<Confirmation> {
    if (!CLIENT_KEY.test(clientKey)) {
      throw badInput(
        { zh: 'clientKey 须为 8–80 位字母、数字或 . _ : -（每次确认生成一个，重试时沿用）', en: 'clientKey must be 8–80 letters, digits or . _ : - (one per confirmation, reused on retry)' },
        { argument: 'clientKey' },
      );
    }
    const outcome = await this.hub.call(
      'draft.confirm',
      () =>
        this.db.transaction(async (em) => {
          const [row] = await em.query(`SELECT * FROM hub_order_draft WHERE id = ?${forUpdate(em)}`, [id]);
          const draft = row ? toRecord(row) : null;
          if (!draft || !mayReadDraft(draft, caller)) throw draftNotFound(id);
          if (draft.state === 'CONFIRMED') {
            if (draft.clientKey === clientKey) return { draft, erpOrderNo: draft.erpOrderNo!, created: false };
            throw appError(
              ErrorCode.CONFLICT,
              { zh: `草稿已确认为订单 ${draft.erpOrderNo}（另一个 clientKey）`, en: `The draft was already confirmed as ${draft.erpOrderNo} (under another clientKey)` },
              { reason: 'ALREADY_CONFIRMED', erpOrderNo: draft.erpOrderNo },
            );
          }
          const [reused] = await em.query('SELECT id FROM hub_order_draft WHERE client_key = ?', [clientKey]);
          if (reused) {
            throw appError(
              ErrorCode.CONFLICT,
              { zh: `clientKey 已用于草稿 ${formatDraftId(Number(reused.id))}`, en: `This clientKey already confirmed draft ${formatDraftId(Number(reused.id))}` },
              { reason: 'CLIENT_KEY_REUSED', argument: 'clientKey' },
            );
          }
          const order = await this.orderFor(draft, edits, caller, now);
          const { erpOrderNo, created } = await this.erpOrders.create({ ...order, clientKey }, caller);
          const confirmed: ConfirmedOrder = { ...order, erpOrderNo };
          await em.query(
            'UPDATE hub_order_draft SET state = ?, client_key = ?, erp_order_no = ?, confirmed_order = ?, confirmed_by = ?, confirmed_at = ? WHERE id = ?',
            ['CONFIRMED', clientKey, erpOrderNo, JSON.stringify(confirmed), caller.subject.slice(0, 80), now, id],
          );
          await audit(em, caller, 'DRAFT_CONFIRMED', 'DRAFT', formatDraftId(id), null, { erpOrderNo, created, edits }, null, now);
          return {
            draft: { ...draft, state: 'CONFIRMED' as const, clientKey, erpOrderNo, confirmed, confirmedBy: caller.subject.slice(0, 80), confirmedAt: now },
            erpOrderNo,
            created,
          };
        }),
      { idempotent: false },
    );
    // The order is answered linked and judged; if the round fails, the poller links it shortly.
    await this.linkNow(caller).catch(() => undefined);
    return outcome;
  }

  /** The order the draft and the edits describe, or BAD_USER_INPUT listing everything still missing. */
  private async orderFor(draft: DraftRecord, edits: DraftEdits, caller: Caller, now: number): Promise<Omit<NewSalesOrder, 'clientKey'>> {
    const r = draft.reading;
    const directory = await this.directory.get();
    const problems: DraftProblem[] = [];
    const problem = (field: string, reason: string, zh: string, en: string) => problems.push({ field, reason, messageZh: zh, messageEn: en });
    const pick = <T>(edited: T | null | undefined, read: T | null): T | null => (edited !== undefined && edited !== null ? edited : read);
    const trimmed = (s: string | null) => (s == null ? null : s.trim() || null);

    const customerCode = trimmed(pick(edits.customerCode, r.customer.value?.code ?? null));
    const customer = customerCode ? directory.customerByCode.get(customerCode) ?? (await this.erp.customersByCode([customerCode]))[0] : null;
    if (!customerCode) {
      const hint = r.unresolved.find((u) => u.field === 'customer');
      problem('customerCode', 'CUSTOMER_REQUIRED', `未能确定客户${hint ? `（${splitMessage(hint.message).zh}）` : ''}，请在 edits.customerCode 中指定`, `No customer could be told from the text${hint ? ` (${splitMessage(hint.message).en})` : ''}: give edits.customerCode`);
    } else if (!customer) problem('customerCode', 'CUSTOMER_NOT_FOUND', `ERP 中没有客户「${customerCode}」`, `ERP has no customer "${customerCode}"`);

    const storeCode = trimmed(edits.storeCode ?? draft.storeCode ?? (customer && 'homeStoreCode' in customer ? customer.homeStoreCode : null));
    const store = storeCode ? (await this.erp.storesByCode([storeCode]))[0] : null;
    if (!storeCode) {
      if (customer) problem('storeCode', 'STORE_REQUIRED', '客户没有归属门店，请在 edits.storeCode 中指定', 'The customer has no home store: give edits.storeCode');
    } else if (!store) problem('storeCode', 'STORE_NOT_FOUND', `没有门店「${storeCode}」`, `No store has the code "${storeCode}"`);

    // Items: the edited list replaces the read one whole; read items must all be resolved.
    const lines = new Map<string, { skuCode: string; quantity: number; unitPrice: string }>();
    const wanted: { model: string; qty: number | null }[] =
      edits.items != null ? edits.items.map((i) => ({ model: i.model, qty: i.qty })) : r.items.map((i) => ({ model: i.model.value, qty: i.qty.value }));
    if (edits.items == null) {
      for (const u of r.unresolved.filter((u) => u.field === 'items')) {
        const text = splitMessage(u.message);
        problem('items', u.reason, `${text.zh}；请在 edits.items 中给出完整商品清单`, `${text.en}; give the whole list in edits.items`);
      }
    }
    if (!wanted.length && !problems.some((p) => p.field === 'items')) problem('items', 'ITEMS_REQUIRED', '没有识别到任何商品，请在 edits.items 中给出', 'No product was found in the text: give edits.items');
    for (const item of wanted) {
      const sku = directory.skuByModel.get(modelKey(item.model));
      if (!sku) {
        problem('items', 'SKU_NOT_FOUND', `目录中没有型号或编码「${item.model.slice(0, 40)}」`, `The catalog has no model or SKU code "${item.model.slice(0, 40)}"`);
        continue;
      }
      if (item.qty == null) {
        if (edits.items == null) continue; // already listed among the unresolved
        problem('items', 'QTY_REQUIRED', `${sku.spec} 缺少数量`, `${sku.spec} has no quantity`);
        continue;
      }
      if (!Number.isInteger(item.qty) || item.qty < 1 || item.qty > 99_999) {
        problem('items', 'QTY_INVALID', `${sku.spec} 的数量须为 1–99999 的整数（收到 ${item.qty}）`, `The quantity of ${sku.spec} must be a whole number 1–99999 (got ${item.qty})`);
        continue;
      }
      // The same SKU asked twice is one line; prices are list prices, the grade discount rule adjusts them.
      const line = lines.get(sku.code);
      if (line) line.quantity += item.qty;
      else lines.set(sku.code, { skuCode: sku.code, quantity: item.qty, unitPrice: sku.listPrice });
    }

    const mobile = trimmed(pick(edits.mobile, r.mobile.value));
    if (mobile && !MOBILE.test(mobile)) problem('mobile', 'MOBILE_INVALID', `手机号「${mobile.slice(0, 20)}」应为 11 位、以 13–19 开头`, `The mobile "${mobile.slice(0, 20)}" must have 11 digits starting 13–19`);
    if (!mobile && r.unresolved.some((u) => u.field === 'mobile' && u.reason === 'MOBILE_INVALID')) {
      problem('mobile', 'MOBILE_INVALID', '消息里的手机号位数不对，请在 edits.mobile 中更正', 'The mobile number in the text is malformed: correct it in edits.mobile');
    }
    const addressEdited = ['province', 'city', 'district', 'detail'].some((f) => edits[f as keyof DraftEdits] != null);
    if (!addressEdited) {
      for (const u of r.unresolved.filter((u) => ['district', 'province', 'city'].includes(u.field) || u.reason === 'REGION_INCONSISTENT')) {
        const text = splitMessage(u.message);
        problem(u.field, u.reason, `${text.zh}；请在 edits 中给出省市区`, `${text.en}; give province, city and district in edits`);
      }
    }
    const province = trimmed(pick(edits.province, r.province.value));
    const city = trimmed(pick(edits.city, r.city.value));
    const district = trimmed(pick(edits.district, r.district.value));
    const detail = trimmed(pick(edits.detail, r.detail.value));

    let promisedAt: number | null = null;
    if (edits.requestedDeliveryAt != null) {
      promisedAt = parseIsoInstant(edits.requestedDeliveryAt);
      if (promisedAt == null) problem('requestedDeliveryAt', 'DATE_INVALID', '送货时间格式不对', 'requestedDeliveryAt is not an ISO 8601 instant');
    } else {
      const hinted = requestedDelivery(draft);
      if (hinted && hinted.confidence >= 0.5) promisedAt = hinted.at;
    }

    const remark = edits.remark !== undefined && edits.remark !== null ? trimmed(edits.remark) : draftRemark(r);
    if (remark && remark.length > 255) problem('remark', 'REMARK_TOO_LONG', `备注超过 255 字（${remark.length}）`, `The remark is longer than 255 characters (${remark.length})`);
    if (edits.requirements?.minShelfLifeMonths != null && (edits.requirements.minShelfLifeMonths < 0 || edits.requirements.minShelfLifeMonths > 120)) {
      problem('requirements.minShelfLifeMonths', 'VALUE_INVALID', '最短保质期须在 0–120 个月之间', 'minShelfLifeMonths must be 0–120');
    }

    if (problems.length) {
      throw badInput(
        { zh: `草稿还不能确认：${problems.map((p) => p.messageZh).join('；')}`, en: `The draft cannot be confirmed yet: ${problems.map((p) => p.messageEn).join('; ')}` },
        { argument: 'edits', problems },
      );
    }
    // What the remark asks is recorded structured at entry; an edit of a field wins.
    const read = remarkValues(interpretRemark(remark));
    const requirements = Object.fromEntries(REQUIREMENT_FIELDS.map((f) => [f, edits.requirements?.[f] ?? read[f]])) as unknown as OrderRequirements;
    const region = (city ?? '').replace(/(市|地区)$/, '') || store!.region;
    const place = [province, city !== province ? city : null, district].filter(Boolean).join('');
    return {
      customerCode: customerCode!,
      storeCode: storeCode!,
      region,
      orderedAt: now,
      promisedAt,
      remark,
      maker: caller.subject,
      contactName: trimmed(pick(edits.contactName, r.contactName.value)),
      contactMobile: mobile,
      shipAddress: place || detail ? `${place}${detail ?? ''}` : null,
      lines: [...lines.values()],
      requirements,
    };
  }
}
