// The contract between the simulator and everything that checks the hub against it.
import type { HistoryOptions, HistoryTruth } from './history.js';
import type { TruthCall } from './calls.js';

export const LIFECYCLE_NODES = [
  'PAID',
  'PICKING',
  'SHIPPED_OUT',
  'IN_TRANSIT',
  'OUT_FOR_DELIVERY',
  'SIGNED',
  'COMPLETED',
] as const;
export type LifecycleNode = (typeof LIFECYCLE_NODES)[number];

/**
 * Where each node's record lives (the hub reads it the same way):
 * PAID ← ERP SO_SOMain.dPayTime · PICKING ← WMS t_out_order.pick_start_time ·
 * SHIPPED_OUT ← WMS ship_time · IN_TRANSIT ← earliest TMS track opCode 10 or 20 ·
 * OUT_FOR_DELIVERY ← earliest track 30 · SIGNED ← earliest track 40 · COMPLETED ← ERP dCloseTime.
 */
export type LinkMethod = 'REFERENCE' | 'NORMALIZED_REFERENCE' | 'MATCHED';
export type UnlinkedReason = 'REFERENCE_NOT_FOUND' | 'AMBIGUOUS_MATCH' | 'NO_MATCH' | 'OUTBOUND_UNLINKED' | 'CUSTOMER_MISMATCH' | 'GOODS_MISMATCH' | 'CONSIGNEE_MISMATCH';
export type OrderStatus = 'CREATED' | LifecycleNode | 'CANCELLED';

export type AnomalyKind =
  | 'refVariant'
  // References typed as people type them (input-method forms, separators, labels, annotations).
  | 'refKeyboard'
  // An outbound whose reference names another customer's order: must not be linked.
  | 'refContradicts'
  // Changes after the hub's first sync (legacy-sim/src/later-changes.ts applies them; the truth is
  // the state after): an order committed late with old modify times, an outbound re-pointed at
  // another customer's order, an outbound deleted from the WMS.
  | 'lateCommit'
  | 'editedAfterLink'
  | 'deletedRow'
  // An order cancelled in the ERP while its outbound is live in the WMS: the hub must flag it.
  | 'cancelledOutboundLive'
  | 'refMissing'
  | 'refAmbiguous'
  | 'waybillWithoutOutbound'
  | 'outboundWithoutWaybill'
  | 'orphanWaybill'
  | 'orphanOutbound'
  | 'missingNode'
  | 'quantityMismatch'
  // Reconciliation: documents missing or disagreeing across systems.
  | 'outboundMissing'
  | 'invoiceMismatch'
  // Rule violations the hub's rule engine must intercept (rules/default-rules.yaml):
  | 'gradeCLargeOrder'
  | 'creditBreach'
  | 'missedGradeDiscount'
  | 'overQuantity'
  | 'belowPriceFloor'
  | 'duplicateOrder';

export type AnomalyRates = Record<AnomalyKind, number>;

export interface TruthOrder {
  erpOrderNo: string;
  customerCode: string;
  storeCode: string;
  /** ERP cRegion */
  region: string;
  /** ISO 8601 with +08:00 */
  orderedAt: string;
  /** ERP dPreDate, ISO 8601 with +08:00 */
  promisedAt: string;
  /** Canonical total, 'yuan.fen' */
  totalAmount: string;
  /** The hub's expected status: last reached node, CREATED if none, CANCELLED if ERP iStatus 9. */
  expectedStatus: OrderStatus;
  /** The true outbound; method null = the hub cannot and must not link it (see `unlinked`). */
  outbound: { outboundNo: string; method: LinkMethod | null; /** MATCHED only: 0.9 − 0.1 per day between order and outbound */ confidence?: number } | null;
  waybill: { waybillNo: string; method: LinkMethod | null } | null;
  /** Nodes the hub can see a record of, from documents it is expected to link: node → ISO time. */
  recorded: Partial<Record<LifecycleNode, string>>;
  /** Nodes with no record although a later node is recorded (the status black holes). */
  missing: LifecycleNode[];
}

export interface TruthUnlinked {
  system: 'WMS' | 'TMS';
  documentNo: string;
  reason: UnlinkedReason;
}

export interface TruthAnomaly {
  kind: AnomalyKind;
  erpOrderNo?: string;
  system?: 'ERP' | 'WMS' | 'TMS';
  documentNo?: string;
  detail?: Record<string, unknown>;
}

/** The classes of cross-system difference the hub's reconciliation reports. */
export type DiscrepancyClass =
  | 'QUANTITY_MISMATCH'
  | 'INVOICE_AMOUNT_MISMATCH'
  | 'OUTBOUND_WITHOUT_ORDER'
  | 'ORDER_WITHOUT_OUTBOUND'
  | 'WAYBILL_WITHOUT_OUTBOUND'
  | 'OUTBOUND_WITHOUT_WAYBILL'
  | 'AMBIGUOUS_OUTBOUND'
  | 'DUPLICATE_ORDER'
  | 'CONTRADICTING_REFERENCE'
  | 'CANCELLED_ORDER_OUTBOUND_LIVE';

/** One difference reconciliation must report, as the data set stands at `asOf`. */
export interface TruthDiscrepancy {
  class: DiscrepancyClass;
  /** The Beijing date it belongs to: the order's date, or the document's for a document without order. */
  date: string;
  /** Every document involved (SO, CK, waybill, invoice numbers), sorted. */
  documents: string[];
  /** Amount at stake, 'yuan.fen'; null when no document says what goods were involved. */
  amount: string | null;
}

export interface GroundTruth {
  generator: {
    seed: number;
    orders: number;
    days: number;
    start: string;
    /** ISO: the instant the data set is a snapshot of */
    asOf: string;
    rates: AnomalyRates;
    /** The match window (days) the anomalies were made unambiguous for: the hub's LINK_MATCH_WINDOW_DAYS. */
    matchWindowDays: number;
    /** Hours after payment within which an outbound is due: the hub's OUTBOUND_SLA_HOURS. */
    outboundSlaHours: number;
  };
  orders: TruthOrder[];
  unlinked: TruthUnlinked[];
  anomalies: TruthAnomaly[];
  /** Per rule of rules/default-rules.yaml: the orders it must fire for, sorted. */
  rules: Record<string, string[]>;
  /** Every difference between ERP, WMS and TMS reconciliation must report, and nothing else. */
  discrepancies: TruthDiscrepancy[];
  /** Every CRM service call the generator made: what the caller wanted, the order, the new address. */
  calls?: TruthCall[];
  /** With --history-weeks: the demand process of the order history (season, weather, regular customers). */
  history?: HistoryTruth;
}

/** Where the simulator writes: database URLs (mysql://… or sqlite:…) for all four stores. */
export interface SeedTargets {
  erpUrl: string;
  wmsUrl: string;
  tmsStoreUrl: string;
  crmStoreUrl: string;
}

export interface SeedOptions {
  orders: number;
  days: number;
  seed: number;
  /** First day, 'YYYY-MM-DD' (Beijing) */
  start: string;
  customers: number;
  rates: Partial<AnomalyRates>;
  /** Where to write the ground truth JSON; none when omitted. */
  truthPath?: string;
  /** Order history before `start` (ERP orders, TMS weather alerts); none when omitted. */
  history?: HistoryOptions;
}
