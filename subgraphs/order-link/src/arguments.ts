// Validation of the graph's arguments: every refusal is a BAD_USER_INPUT naming the argument, in
// Chinese and English.
import { Kind, type GraphQLResolveInfo, type SelectionSetNode } from 'graphql';
import { badInput } from '../../../common/src/errors.js';
import { requireInstant } from '../../../common/src/arguments.js';
import { classifyDocumentNo, parseHubOrderId, readDocumentNumbers, type DocumentKind } from '../../../common/src/docno.js';
import type { OrderQuery } from './datasource.js';
import type { OrderStatus } from './lifecycle.js';

export { MAX_PAGE_SIZE, parsePageSize, encodeCursor, decodeCursor } from '../../../common/src/arguments.js';

/** Does the query select `field` on this field's result (directly or in a fragment)? Counting a million rows is for who asks. */
export function selects(info: GraphQLResolveInfo, field: string): boolean {
  const within = (set: SelectionSetNode | undefined): boolean =>
    !!set?.selections.some((s) =>
      s.kind === Kind.FIELD ? s.name.value === field : within(s.kind === Kind.INLINE_FRAGMENT ? s.selectionSet : info.fragments[s.name.value]?.selectionSet),
    );
  return info.fieldNodes.some((node) => within(node.selectionSet));
}

export function parseOrderId(id: string, argument = 'id'): { kind: DocumentKind; canonical: string; rowId: number | null } {
  const parsed = id.length <= 64 ? classifyDocumentNo(id) : null;
  const several = !parsed && id.length <= 64 ? readDocumentNumbers(id) : [];
  if (several.length > 1) {
    // SO-…-001/002 names two orders: which one is meant is the caller's to say, not ours to guess.
    const nos = several.map((n) => n.canonical);
    throw badInput(
      {
        zh: `「${id.slice(0, 64)}」中有 ${nos.length} 个单号（${nos.join('、')}）：请只给一个`,
        en: `"${id.slice(0, 64)}" names ${nos.length} numbers (${nos.join(', ')}): give one`,
      },
      { argument, reason: 'SEVERAL_NUMBERS', numbers: nos },
    );
  }
  if (!parsed) {
    throw badInput(
      {
        zh: `无法识别的单号「${id.slice(0, 64)}」：请使用统一订单号（OH…）、ERP 销售订单号（SO-…）、WMS 出库单号（CK…）或承运商运单号`,
        en: `"${id.slice(0, 64)}" is not an order number: use the unified ID (OH…), the ERP order no. (SO-…), the WMS outbound no. (CK…) or a carrier waybill no.`,
      },
      { argument },
    );
  }
  return { ...parsed, rowId: parsed.kind === 'ORDER' ? parseHubOrderId(parsed.canonical) : null };
}

function parseInstant(value: string | null | undefined, field: string): number | null {
  return value == null ? null : requireInstant(value, `filter.${field}`);
}

/** Legacy codes are letters, digits, - and _ (C00042, MD007); a city is letters (苏州). */
const CODE = /^[A-Za-z0-9_-]{1,20}$/;
const PLACE = /^[\p{L}]{1,20}$/u;
const RULE_ID = /^[A-Za-z0-9][A-Za-z0-9_-]{1,63}$/;

function parseCode(value: string | null | undefined, field: string, pattern = CODE): string | null {
  if (value == null) return null;
  const v = value.normalize('NFKC').trim();
  if (!pattern.test(v)) {
    throw badInput(
      pattern === RULE_ID
        ? { zh: `filter.${field} 应为规则编号（如 R01-grade-c-large-order）`, en: `filter.${field} must be a rule id (e.g. R01-grade-c-large-order)` }
        : pattern === CODE
        ? { zh: `filter.${field} 应为 1–20 位字母、数字、- 或 _（如 C00042、MD007）`, en: `filter.${field} must be 1–20 letters, digits, - or _ (e.g. C00042, MD007)` }
        : { zh: `filter.${field} 应为 1–20 个字的城市名（如 苏州）`, en: `filter.${field} must be a city name of 1–20 letters (e.g. 苏州)` },
      { argument: `filter.${field}` },
    );
  }
  return v;
}

function parseStatuses(statuses: OrderStatus[] | null | undefined): OrderStatus[] | null {
  if (statuses == null) return null;
  if (statuses.length > 20) throw badInput({ zh: 'filter.status 最多 20 项', en: 'filter.status takes at most 20 entries' }, { argument: 'filter.status' });
  return [...new Set(statuses)];
}

export interface OrderFilterInput {
  customerCode?: string | null;
  storeCode?: string | null;
  region?: string | null;
  orderedFrom?: string | null;
  orderedTo?: string | null;
  status?: OrderStatus[] | null;
  hasMissingNodes?: boolean | null;
  firedRule?: string | null;
  onHold?: boolean | null;
}

export function parseOrderFilter(filter: OrderFilterInput | null | undefined): OrderQuery {
  const f = filter ?? {};
  const query: OrderQuery = {
    customerCode: parseCode(f.customerCode, 'customerCode'),
    storeCode: parseCode(f.storeCode, 'storeCode'),
    region: parseCode(f.region, 'region', PLACE),
    orderedFrom: parseInstant(f.orderedFrom, 'orderedFrom'),
    orderedTo: parseInstant(f.orderedTo, 'orderedTo'),
    status: parseStatuses(f.status),
    hasMissingNodes: f.hasMissingNodes ?? null,
    firedRule: parseCode(f.firedRule, 'firedRule', RULE_ID),
    onHold: f.onHold ?? null,
  };
  if (query.orderedFrom != null && query.orderedTo != null && query.orderedFrom >= query.orderedTo) {
    throw badInput(
      { zh: 'filter.orderedFrom 必须早于 filter.orderedTo', en: 'filter.orderedFrom must be before filter.orderedTo' },
      { argument: 'filter.orderedFrom' },
    );
  }
  return query;
}

export { parseWindow } from '../../../common/src/arguments.js';
