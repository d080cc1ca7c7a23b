// Where fulfilment's fields come from: the pick flow's own records in the hub database (allocations,
// scans, seals) and what it reads of the WMS through the WMS adapter, worked out by the module named.
import { declareLineage, type FieldLineage } from '../../../common/src/lineage.js';

export const fulfilmentLineage: FieldLineage[] = [
  ...declareLineage({ subgraph: 'fulfilment', module: 'subgraphs/fulfilment/src/resolvers.ts', system: 'HUB' }, {
  Query: {
    fields: {
      pickList: { transform: 'OPERATION', note: "What to pick for an order, in walking order." },
      pickingStats: { transform: 'OPERATION', note: "Scans and pick accuracy in [from, to): every scan with its outcome, the errors caught by kind, orders picked and sealed, and the same per picker." },
      pickQueue: { transform: 'OPERATION', note: 'Orders waiting to be picked, chased orders first (src/picking/queue.ts)' },
    },
  },
  Mutation: {
    fields: {
      scanItem: { transform: 'OPERATION', note: "One scan by a picker's phone: the warehouse label (WMS|sku|batch|qty), a GS1-128 / GS1 DataMatrix string (AI 01 GTIN, 10 batch, 17 expiry, 30/37 quantity) or a " },
      sealPackage: { transform: 'OPERATION', note: "Seals the package once every line is fully and correctly picked: writes the electronic seal (WMS t_seal_log, with a SHA-256 over the sealed content), moves the " },
    },
  },
  }),
  ...declareLineage({ subgraph: 'fulfilment', module: 'subgraphs/fulfilment/src/picking/', system: 'HUB' }, {
  Order: {
    fields: {
      id: { transform: 'HUB_STATE' },
    },
  },
  PickQueueEntry: {
    fields: {
      order: { from: ['hub_order.wms_outbound_no', 'hub_order.cancelled', 'hub_order.shipped_out_at'], transform: 'ENTITY_REFERENCE', note: 'orders with a live outbound, not cancelled nor shipped, without an open or rejected hold (HubStore.pickQueueCandidates, then src/picking/queue.ts)' },
      outboundNo: { from: 'WMS:t_out_order.out_no', transform: 'AS_IS' },
      warehouseCode: { from: 'WMS:t_out_order.warehouse_code', transform: 'AS_IS' },
      outboundStatus: { from: ['WMS:t_out_order.status', 'hub_document.doc_status'], transform: 'CODE_MAP', note: 'the WMS status read live (10 CREATED · 20 ALLOCATED · 30 PICKING); the hub\'s last-read status only narrows the candidates' },
      chased: { from: 'hub_call_action.action', transform: 'DERIVED', derivedFrom: ['Order.pickPriority'], note: 'a PRIORITY_RAISED action of a CHASE intent; chased orders are listed first' },
      chasedAt: { from: 'hub_call_action.created_at', transform: 'EPOCH_MS_TO_INSTANT' },
      byCall: { from: 'hub_call_action.call_id', transform: 'AS_IS' },
      paidAt: { from: 'hub_order.paid_at', transform: 'EPOCH_MS_TO_INSTANT', note: 'ERP dPayTime as the linker recorded it; the longest paid come first after the chased' },
    },
  },
  PickList: {
    fields: {
      order: { transform: 'HUB_STATE' },
      outboundNo: { transform: 'HUB_STATE', note: "WMS t_out_order.out_no" },
      outbound: { transform: 'HUB_STATE' },
      warehouseCode: { transform: 'HUB_STATE', note: "WMS t_out_order.warehouse_code" },
      outboundStatus: { transform: 'HUB_STATE' },
      allocation: { transform: 'HUB_STATE' },
      lines: { transform: 'HUB_STATE', note: "Every line to pick, in walking order (`sequence`); a line needing two batches is two lines" },
      route: { transform: 'HUB_STATE' },
      progress: { transform: 'HUB_STATE' },
      seal: { transform: 'HUB_STATE', note: "The electronic seal, once packed through sealPackage" },
    },
  },
  PickAllocation: {
    fields: {
      source: { transform: 'HUB_STATE' },
      allocatedAt: { transform: 'HUB_STATE', note: "When the hub allocated (source FEFO)" },
      shortfalls: { transform: 'HUB_STATE', note: "What FEFO could not serve, and why; while any is listed the outbound keeps WMS's allocation" },
    },
  },
  AllocationShortfall: {
    fields: {
      sku: { transform: 'HUB_STATE' },
      quantity: { transform: 'HUB_STATE' },
      reason: { transform: 'HUB_STATE' },
      messageZh: { transform: 'HUB_STATE' },
      messageEn: { transform: 'HUB_STATE' },
    },
  },
  PickLine: {
    fields: {
      sequence: { transform: 'HUB_STATE', note: "Position in the walk, from 1; null outside a pick list" },
      lineNo: { transform: 'HUB_STATE', note: "t_out_line.line_no" },
      sku: { transform: 'HUB_STATE' },
      batchNo: { transform: 'HUB_STATE', note: "t_out_line.batch_no" },
      expiresOn: { transform: 'HUB_STATE', note: "t_stock.exp_date of the batch; null when it does not expire" },
      bin: { transform: 'HUB_STATE' },
      quantity: { transform: 'HUB_STATE', note: "t_out_line.plan_qty" },
      pickedQuantity: { transform: 'HUB_STATE', note: "t_out_line.picked_qty (0 when NULL)" },
      remainingQuantity: { transform: 'HUB_STATE' },
      done: { transform: 'HUB_STATE' },
    },
  },
  PickBin: {
    fields: {
      code: { transform: 'HUB_STATE', note: "t_location.loc_code, e.g." },
      floor: { transform: 'HUB_STATE' },
      aisle: { transform: 'HUB_STATE' },
      shelf: { transform: 'HUB_STATE' },
      usable: { transform: 'HUB_STATE', note: "t_location.status 1" },
    },
  },
  PickRoute: {
    fields: {
      lengthMeters: { transform: 'HUB_STATE', note: "Metres from the packing station (front of aisle 1, floor 1) through every bin and back, lift rides included" },
      sShapeLengthMeters: { transform: 'HUB_STATE', note: "The same walk by the S-shape rule, for comparison" },
      method: { transform: 'HUB_STATE', note: "OPTIMAL (Ratliff–Rosenthal) or S_SHAPE, per floor joined by + when they differ" },
      floors: { transform: 'HUB_STATE' },
    },
  },
  PickFloorRoute: {
    fields: {
      floor: { transform: 'HUB_STATE' },
      lengthMeters: { transform: 'HUB_STATE' },
      method: { transform: 'HUB_STATE' },
    },
  },
  PickProgress: {
    fields: {
      lines: { transform: 'HUB_STATE' },
      linesDone: { transform: 'HUB_STATE' },
      quantity: { transform: 'HUB_STATE' },
      pickedQuantity: { transform: 'HUB_STATE' },
      complete: { transform: 'HUB_STATE', note: "Every line fully picked" },
    },
  },
  ScannedBarcode: {
    fields: {
      format: { transform: 'HUB_STATE', note: "Null when unreadable" },
      sku: { transform: 'HUB_STATE', note: "The catalog item it names; null when none" },
      gtin: { transform: 'HUB_STATE' },
      batchNo: { transform: 'HUB_STATE' },
      expiresOn: { transform: 'HUB_STATE' },
      quantity: { transform: 'HUB_STATE', note: "AI 30/37 or the label's quantity, else 1" },
    },
  },
  ScanItemPayload: {
    fields: {
      outcome: { transform: 'HUB_STATE' },
      accepted: { transform: 'HUB_STATE', note: "The scan was counted (outcome OK)" },
      messageZh: { transform: 'HUB_STATE', note: "What the picker should read, in Chinese" },
      messageEn: { transform: 'HUB_STATE', note: "The same in English" },
      orderId: { transform: 'HUB_STATE', note: "The unified order ID" },
      outboundNo: { transform: 'HUB_STATE' },
      outbound: { transform: 'HUB_STATE' },
      outboundStatus: { transform: 'HUB_STATE' },
      scanned: { transform: 'HUB_STATE' },
      line: { transform: 'HUB_STATE', note: "The line counted on; for a wrong scan, the line to pick instead (if any)" },
      progress: { transform: 'HUB_STATE' },
    },
  },
  SealPackagePayload: {
    fields: {
      outcome: { transform: 'HUB_STATE' },
      messageZh: { transform: 'HUB_STATE' },
      messageEn: { transform: 'HUB_STATE' },
      orderId: { transform: 'HUB_STATE' },
      outboundNo: { transform: 'HUB_STATE' },
      outbound: { transform: 'HUB_STATE' },
      seal: { transform: 'HUB_STATE' },
      progress: { transform: 'HUB_STATE' },
      waybillPending: { transform: 'HUB_STATE', note: "The seal stands but TMS could not be reached: call sealPackage again to create the waybill" },
    },
  },
  PackageSeal: {
    fields: {
      sealNo: { transform: 'HUB_STATE', note: "WMS t_seal_log.seal_no" },
      hash: { transform: 'HUB_STATE', note: "SHA-256 (hex) of content" },
      content: { transform: 'HUB_STATE', note: "The exact text that was hashed" },
      outboundNo: { transform: 'HUB_STATE' },
      erpOrderNo: { transform: 'HUB_STATE' },
      packer: { transform: 'HUB_STATE', note: "t_seal_log.operator" },
      sealedAt: { transform: 'HUB_STATE', note: "t_seal_log.seal_time" },
      lines: { transform: 'HUB_STATE', note: "SKUs with batches and quantities, as sealed" },
      waybillNo: { transform: 'HUB_STATE', note: "The TMS waybill the package was handed over with; null until TMS has made it" },
      shipment: { transform: 'HUB_STATE' },
      verification: { transform: 'HUB_STATE', note: "The seal recomputed from what WMS shows now" },
    },
  },
  SealLine: {
    fields: {
      sku: { transform: 'HUB_STATE' },
      batchNo: { transform: 'HUB_STATE' },
      quantity: { transform: 'HUB_STATE' },
    },
  },
  SealVerification: {
    fields: {
      valid: { transform: 'HUB_STATE', note: "No problem found: WMS still shows what was sealed, and the hash and seal no." },
      recomputedHash: { transform: 'HUB_STATE', note: "SHA-256 of the content as WMS shows it now" },
      problems: { transform: 'HUB_STATE' },
    },
  },
  SealProblem: {
    fields: {
      code: { transform: 'HUB_STATE' },
      messageZh: { transform: 'HUB_STATE' },
      messageEn: { transform: 'HUB_STATE' },
    },
  },
  PickingStats: {
    fields: {
      from: { transform: 'HUB_STATE' },
      to: { transform: 'HUB_STATE' },
      scans: { transform: 'HUB_STATE' },
      okScans: { transform: 'HUB_STATE' },
      errorsCaught: { transform: 'HUB_STATE', note: "Wrong scans: each one an error caught before it became a wrong pick" },
      errorsByOutcome: { transform: 'HUB_STATE', note: "Every kind of wrong scan, zeros included" },
      accuracy: { transform: 'HUB_STATE', note: "okScans / scans (4 decimals); null without scans" },
      ordersPicked: { transform: 'HUB_STATE', note: "Outbounds whose last line was picked in the window" },
      ordersSealed: { transform: 'HUB_STATE', note: "Packages sealed in the window" },
      pickers: { transform: 'HUB_STATE' },
    },
  },
  ScanOutcomeCount: {
    fields: {
      outcome: { transform: 'HUB_STATE' },
      count: { transform: 'HUB_STATE' },
    },
  },
  PickerStats: {
    fields: {
      picker: { transform: 'HUB_STATE' },
      scans: { transform: 'HUB_STATE' },
      okScans: { transform: 'HUB_STATE' },
      errorsCaught: { transform: 'HUB_STATE' },
      accuracy: { transform: 'HUB_STATE' },
      ordersPicked: { transform: 'HUB_STATE' },
    },
  },
  }),
];
