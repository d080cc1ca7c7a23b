import type DataLoader from 'dataloader';
import { oneEach, type LoaderOptions } from '../../../common/src/loader.js';
import type { HubLink, HubOrder, HubStore } from './datasource.js';
import type { Adjustment, DecisionRecord, HoldRecord, Ledger } from './rules/ledger.js';
import type { ErpDatasource, SalesOrder } from '#adapters/erp';
import type { TmsDatasource, Waybill } from '#adapters/tms';
import type { OutboundOrder, WmsDatasource } from '#adapters/wms';
import type { OrderRequirements } from '../../../common/src/requirements.js';
import type { PickingStore, SealRecord } from '#fulfilment';
import type { AttachmentConfirmation, AttachmentStore } from './attachments.js';
import type { ContradictingDocument } from './blockers.js';
import type { CallActionRecord, CallRecord, CallStore } from './calls/store.js';

export interface OrderLinkLoaders {
  orderByRowId: DataLoader<number, HubOrder | null>;
  orderByErpNo: DataLoader<string, HubOrder | null>;
  /** Keys `WMS:CK…` or `TMS:SF…` → order row id */
  orderIdByDocument: DataLoader<string, number | null>;
  links: DataLoader<number, HubLink[] | null>;
  decisions: DataLoader<number, DecisionRecord[] | null>;
  holds: DataLoader<number, HoldRecord[] | null>;
  holdById: DataLoader<number, HoldRecord | null>;
  adjustments: DataLoader<number, Adjustment[] | null>;
  ambiguousOutbounds: DataLoader<string, string[] | null>;
  contradictingDocuments: DataLoader<string, ContradictingDocument[] | null>;
  /** The ERP header and the TMS waybill, for promises and blockers. */
  erpOrder: DataLoader<string, SalesOrder | null>;
  waybill: DataLoader<string, Waybill | null>;
  /** What the pick flow has reached, for blockers: the WMS outbound and the hub's seal of it. */
  outbound: DataLoader<string, OutboundOrder | null>;
  seal: DataLoader<string, SealRecord | null>;
  /** ERP SO_SOMain_ExtraDefine, and the documents the warehouse confirmed packed. */
  requirements: DataLoader<string, OrderRequirements | null>;
  attachmentConfirmations: DataLoader<number, AttachmentConfirmation[] | null>;
  /** Service calls the hub read, and what their intents did. */
  call: DataLoader<string, CallRecord | null>;
  callsByOrder: DataLoader<number, CallRecord[] | null>;
  callOrderIds: DataLoader<string, number[] | null>;
  callActionsByCall: DataLoader<string, CallActionRecord[] | null>;
  callActionsByOrder: DataLoader<number, CallActionRecord[] | null>;
}

export interface LoaderSources {
  hub: HubStore;
  ledger: Ledger;
  erp: ErpDatasource;
  tms: TmsDatasource;
  wms: WmsDatasource;
  picks: PickingStore;
  attachments: AttachmentStore;
  calls: CallStore;
}

/** Fresh per request: a loader caches, and a cache shared across callers would leak data. */
export function createLoaders(s: LoaderSources, options: LoaderOptions): OrderLinkLoaders {
  const byNumber = <V>(load: (keys: readonly number[]) => Promise<(V | null)[]>) => oneEach<any, V>(options, (keys) => load(keys as number[])) as unknown as DataLoader<number, V | null>;
  return {
    orderByRowId: byNumber((keys) => s.hub.ordersByRowId(keys)),
    orderByErpNo: oneEach(options, (keys) => s.hub.ordersByErpNo(keys)),
    orderIdByDocument: oneEach(options, (keys) => s.hub.orderIdsByDocument(keys)),
    links: byNumber((keys) => s.hub.linksByOrderRowId(keys)),
    decisions: byNumber((keys) => s.ledger.decisionsByOrder(keys)),
    holds: byNumber((keys) => s.ledger.holdsByOrder(keys)),
    holdById: byNumber((keys) => s.ledger.holdsByIds(keys)),
    adjustments: byNumber((keys) => s.ledger.adjustmentsByOrder(keys)),
    ambiguousOutbounds: oneEach(options, (keys) => s.ledger.ambiguousOutboundsByOrderNo(keys)),
    contradictingDocuments: oneEach(options, (keys) => s.ledger.contradictingDocumentsByOrderNo(keys)),
    erpOrder: oneEach(options, (keys) => s.erp.ordersByNo(keys)),
    waybill: oneEach(options, (keys) => s.tms.waybillsByNo(keys)),
    outbound: oneEach(options, (keys) => s.wms.outboundsByNo(keys)),
    seal: oneEach(options, (keys) => s.picks.sealsByOutNo(keys)),
    requirements: oneEach(options, (keys) => s.erp.requirementsByOrderNo(keys)),
    attachmentConfirmations: byNumber((keys) => s.attachments.confirmationsByOrder(keys)),
    call: oneEach(options, (keys) => s.calls.callsById(keys)),
    callsByOrder: byNumber((keys) => s.calls.callsByOrder(keys)),
    callOrderIds: oneEach(options, (keys) => s.calls.orderIdsByCall(keys)),
    callActionsByCall: oneEach(options, (keys) => s.calls.actionsByCall(keys)),
    callActionsByOrder: byNumber((keys) => s.calls.actionsByOrder(keys)),
  };
}
