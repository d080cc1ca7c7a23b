// What an order asks of the warehouse and the driver beyond its lines: the six fields sales used to
// type into the remark and the hub now keeps structured (ERP SO_SOMain_ExtraDefine). One list
// for the ERP adapter, the remark reader, drafts and the repair wizard.

export type Priority = 'URGENT' | 'NORMAL';
export type Attachment = 'TEST_REPORT' | 'CONFORMITY_CERT' | 'INVOICE' | 'WARRANTY_CARD';
export type Purpose = 'VEHICLE_INSTALL' | 'STOCKING' | 'REPAIR' | 'RESALE';
export type DeliveryConstraint = 'WORKDAY_ONLY' | 'MORNING_ONLY' | 'AFTERNOON_ONLY';

/** Null = not recorded. */
export interface OrderRequirements {
  priority: Priority | null;
  attachments: Attachment[] | null;
  purpose: Purpose | null;
  minShelfLifeMonths: number | null;
  callBeforeDelivery: boolean | null;
  deliveryConstraint: DeliveryConstraint | null;
}

export type RequirementField = keyof OrderRequirements;
export const REQUIREMENT_FIELDS: readonly RequirementField[] = ['priority', 'attachments', 'purpose', 'minShelfLifeMonths', 'callBeforeDelivery', 'deliveryConstraint'];

export const NO_REQUIREMENTS: OrderRequirements = { priority: null, attachments: null, purpose: null, minShelfLifeMonths: null, callBeforeDelivery: null, deliveryConstraint: null };

export const ATTACHMENTS: readonly Attachment[] = ['TEST_REPORT', 'CONFORMITY_CERT', 'INVOICE', 'WARRANTY_CARD'];
export const PURPOSES: readonly Purpose[] = ['VEHICLE_INSTALL', 'STOCKING', 'REPAIR', 'RESALE'];
export const DELIVERY_CONSTRAINTS: readonly DeliveryConstraint[] = ['WORKDAY_ONLY', 'MORNING_ONLY', 'AFTERNOON_ONLY'];

/** Documents by name, for people. */
export const ATTACHMENT_LABELS: Record<Attachment, { zh: string; en: string }> = {
  TEST_REPORT: { zh: '检测报告', en: 'test report' },
  CONFORMITY_CERT: { zh: '合格证', en: 'certificate of conformity' },
  INVOICE: { zh: '发票', en: 'invoice' },
  WARRANTY_CARD: { zh: '质保卡', en: 'warranty card' },
};

/** Field names for people. */
export const REQUIREMENT_LABELS: Record<RequirementField, { zh: string; en: string }> = {
  priority: { zh: '紧急程度', en: 'priority' },
  attachments: { zh: '随货资料', en: 'attachments' },
  purpose: { zh: '用途', en: 'purpose' },
  minShelfLifeMonths: { zh: '最短剩余保质期（月）', en: 'minimum remaining shelf life (months)' },
  callBeforeDelivery: { zh: '送货前电话', en: 'call before delivery' },
  deliveryConstraint: { zh: '收货时间限制', en: 'delivery constraint' },
};

/** A requirement value as stored and compared: canonical JSON (attachments sorted), null for none. */
export function encodeRequirement(field: RequirementField, value: OrderRequirements[RequirementField]): string | null {
  if (value == null) return null;
  if (field === 'attachments') return JSON.stringify([...(value as Attachment[])].sort());
  return JSON.stringify(value);
}

export function decodeRequirement<F extends RequirementField>(field: F, text: string | null): OrderRequirements[F] {
  if (text == null) return null as OrderRequirements[F];
  return JSON.parse(text) as OrderRequirements[F];
}
