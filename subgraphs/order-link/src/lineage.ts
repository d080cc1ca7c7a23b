// Where order-link's fields come from. Most are the hub's own state or worked out by the module named
// (HUB_STATE / DERIVED); the ones read straight from a hub table name it. Order's core fields are
// spelled out column by column; the adapters' fields are declared in their lineage.ts.
import { declareLineage, type FieldLineage, type Transform } from '../../../common/src/lineage.js';
import { erpLineage } from '#adapters/erp';
import { wmsLineage } from '#adapters/wms';
import { tmsLineage } from '#adapters/tms';
import { crmLineage } from '#adapters/crm';
import { fulfilmentLineage } from '#fulfilment';
import { intakeLineage } from '#intake';

export const orderLinkLineage: FieldLineage[] = [
  ...declareLineage({ subgraph: 'order-link', module: 'subgraphs/order-link/src/resolvers.ts', system: 'HUB' }, {
  Query: {
    fields: {
      order: { transform: 'OPERATION', note: "One order by any of its numbers: the unified ID (OH0000001234), the ERP order no." },
      orders: { transform: 'OPERATION', note: "Orders, newest first." },
      unlinkedDocuments: { transform: 'OPERATION', note: "Legacy documents the hub could not link to an order, with the reason, newest first." },
      rules: { transform: 'OPERATION', note: "The business rules, lowest priority number (evaluated first) first." },
      rule: { transform: 'OPERATION' },
      simulateRule: { transform: 'OPERATION', note: "A dry run of a new or changed rule (validated, not saved) over the orders placed in [from, to): how many it would affect, which, and how; for a changed rule, wh" },
      holds: { transform: 'OPERATION', note: "Holds, newest first." },
      outbox: { transform: 'OPERATION', note: "The outbox of side effects (SMS, requisitions, locks, free lines), newest first; of one order by any of its numbers." },
      auditLog: { transform: 'OPERATION', note: "Who did what: entity RULE, HOLD or ORDER; newest first." },
      orderHealth: { transform: 'OPERATION', note: "The five health dimensions of the orders in [from, to) — delivery against the promise, inventory match, document consistency, rule interceptions, predicted sati" },
      reconciliation: { transform: 'OPERATION', note: "Every difference between ERP, WMS and TMS for the orders placed (and the documents without order created) in [from, to): classified, with the documents involved" },
      healthReports: { transform: 'OPERATION', note: "The stored daily reports of days in [from, to], newest first; `first` at most 200." },
      orderFacts: { transform: 'OPERATION', note: "Orders, one row each: status and stage times, amounts, store, region, customer, promise, delivery, blockers and health facts." },
      orderLineFacts: { transform: 'OPERATION', note: "One row per ERP order line (SO_SODetails), read from the ERP for a page of orders at a time." },
      documentFacts: { transform: 'OPERATION', note: "Every WMS outbound and TMS waybill the hub has seen, with its link to an order (or why there is none)." },
      ruleDecisionFacts: { transform: 'OPERATION', note: "The latest decision of each enabled rule on each order." },
      holdFacts: { transform: 'OPERATION', note: "Holds the rules put on orders, with their approval." },
      scanFacts: { transform: 'OPERATION', note: "Every pick scan with its outcome." },
      reconciliationItemFacts: { transform: 'OPERATION', note: "Reconciliation items (as `reconciliation` lists them) of the days a `where` on `date` asks for — the last 31 days when it names none, at most 366 — computed as " },
      revokedTokens: { transform: 'OPERATION', note: "Tokens revoked and not yet expired, oldest first: every gateway polls this list and refuses what is on it (admin)." },
      callIntents: { transform: 'OPERATION', note: "One service call as the hub read it from the CRM: the caller's intents with the words they were read from, what was heard but set aside (negated, hedged, taken " },
      orderEventLog: { transform: 'OPERATION', note: "The event log across all orders after `after`, oldest first, filtered: what orderEvents subscribers get, to read back or catch up with (staff and BI)." },
      orderUpdate: { transform: 'OPERATION', note: "One event by its id, with its order: what a subscription delivers, as a query." },
      orderUpdates: { transform: 'OPERATION', note: "Several events by their ids, each with its order, in the order asked: what the gateway delivers a batch of subscription events with." },
      syncSweeps: { transform: 'OPERATION', note: "The completeness sweeps, newest first (`first` at most 50)." },
      purchaseSuggestions: { transform: 'OPERATION', note: "What to request for one warehouse for the week starting `weekStarting` (a Monday, YYYY-MM-DD): per goods SKU the forecast demand, usable stock (on hand less loc" },
    },
  },
  Mutation: {
    fields: {
      upsertRule: { transform: 'OPERATION', note: "Creates or changes a rule: validated whole (nothing saved if anything is wrong), versioned, audited." },
      setRuleEnabled: { transform: 'OPERATION' },
      evaluateOrder: { transform: 'OPERATION', note: "Runs the enabled rules on one order again, now." },
      approveHold: { transform: 'OPERATION', note: "Approves a hold; only the role the hold asks for (or admin) may." },
      rejectHold: { transform: 'OPERATION', note: "Rejects a hold; only the role the hold asks for (or admin) may." },
      confirmAttachments: { transform: 'OPERATION', note: "Records documents the order must travel with (a test report, a certificate …) as packed, which clears its AWAITING_ATTACHMENT blocker." },
      runDailyReport: { transform: 'OPERATION', note: "Makes the daily report of `date` now, as the 02:00 run would (as of 02:00 the next day), stores it and posts it to the webhook." },
      revokeToken: { transform: 'OPERATION', note: "Revokes a token by its jti (`npm run token` prints it; the identity provider's tokens carry one): every gateway refuses it within TOKEN_REVOCATION_POLL_MS." },
      runSyncSweep: { transform: 'OPERATION', note: "Sweeps the days [from, to] (Beijing order days, at most 31) now, as the periodic sweep does, and waits until what it found has been repaired." },
      createRequisitions: { transform: 'OPERATION', note: "Raises purchase requisitions (ERP PU_AppVouch, one row per line) for a warehouse and week through the erp subgraph, in one ERP transaction, once per clientKey: " },
    },
  },
  Subscription: {
    fields: {
      orderUpdated: { transform: 'OPERATION', note: "Each event of one order as it happens, with the order as selected: `id` is any of its numbers, as for `order(id:)`." },
      orderEvents: { transform: 'OPERATION', note: "Every order's events (staff and BI), filtered; with `after`, the log since then first." },
    },
  },
  }),
  ...declareLineage({ subgraph: 'order-link', module: 'subgraphs/order-link/src/datasource.ts', system: 'HUB' }, {
  Order: {
    fields: {
      id: { from: 'hub_order.id', transform: 'DERIVED', note: 'OH and the hub_order row id in ten digits (common/src/docno.ts)' },
      erpOrderNo: { from: ['hub_order.erp_order_no', 'ERP:SO_SOMain.cSOCode'], transform: 'AS_IS', note: 'copied by the linker from the ERP change feed' },
      wmsOutboundNo: { from: ['hub_order.wms_outbound_no', 'WMS:t_out_order.out_no', 'WMS:t_out_order.ref_no'], transform: 'DERIVED', note: 'the outbound the linker joined: ref_no equal to the SO no., equal once normalized, or matched by customer, date and goods (src/linking/linker.ts)' },
      tmsWaybillNo: { from: ['hub_order.tms_waybill_no', 'TMS:waybill.customerRef'], transform: 'DERIVED', note: 'the waybill whose customerRef is the linked CK no. (or the SO no.)' },
      status: { from: 'hub_order.status', transform: 'DERIVED', derivedFrom: ['Order.lifecycle'], note: 'the latest node reached; CANCELLED when ERP iStatus is 9' },
      links: { from: ['hub_document.method', 'hub_document.confidence', 'hub_document.reference'], transform: 'HUB_STATE', note: 'how the linker joined each document' },
      lifecycle: {
        from: ['hub_order.paid_at', 'hub_order.picking_at', 'hub_order.shipped_out_at', 'hub_order.in_transit_at', 'hub_order.out_for_delivery_at', 'hub_order.signed_at', 'hub_order.completed_at', 'ERP:SO_SOMain.dPayTime', 'WMS:t_out_order.pick_start_time', 'WMS:t_out_order.ship_time', 'TMS:tracks.opCode', 'TMS:tracks.opTime', 'ERP:SO_SOMain.dCloseTime'],
        transform: 'BEIJING_TIME_TO_INSTANT',
        note: 'PAID ← ERP dPayTime · PICKING ← WMS pick_start_time · SHIPPED_OUT ← WMS ship_time · IN_TRANSIT ← earliest TMS track 10/20 · OUT_FOR_DELIVERY ← track 30 · SIGNED ← track 40 · COMPLETED ← ERP dCloseTime; a node passed but unrecorded is missing (src/lifecycle.ts)',
      },
      missingNodes: { from: 'hub_order.missing_nodes', transform: 'DERIVED', derivedFrom: ['Order.lifecycle'], note: 'nodes before the furthest recorded one that no system recorded' },
      outbound: { from: 'hub_order.wms_outbound_no', transform: 'ENTITY_REFERENCE', derivedFrom: ['Order.wmsOutboundNo'], note: 'resolved by the wms subgraph' },
      shipment: { from: 'hub_order.tms_waybill_no', transform: 'ENTITY_REFERENCE', derivedFrom: ['Order.tmsWaybillNo'], note: 'resolved by the tms subgraph' },
      decisions: { transform: 'HUB_STATE', note: "What each enabled rule concluded about this order, and why (internal)" },
      holds: { transform: 'HUB_STATE', note: "Holds rules put on this order (internal)" },
      onHold: { from: ['hub_hold.state', 'hub_hold.order_id'], transform: 'DERIVED', derivedFrom: ['Order.holds'], note: 'True while a hold is open or was rejected (any hub_hold row of the order whose state is not APPROVED): the order must not progress (src/rules/resolvers.ts)' },
      adjustments: { transform: 'HUB_STATE', note: "Discounts and credits rules granted" },
      payableAmount: { transform: 'DECIMAL_TO_MONEY', derivedFrom: ['Order.totalAmount', 'Order.adjustments'], note: "The total less the rules' discounts and credits" },
      promise: {
        from: ['ERP:SO_SOMain.dPreDate', 'hub_decision.fired', 'hub_decision.effects', 'hub_decision.rule_id'],
        transform: 'DERIVED',
        derivedFrom: ['Order.decisions'],
        note: 'promisedAt ← ERP dPreDate (Beijing time → instant); correctedPromisedAt and the wording ← the PROMISE effects of the fired rules in hub_decision, the latest corrected time winning, a wording instead of a time overriding it; correctedBy ← their rule_id (src/blockers.ts effectivePromise)',
      },
      attachments: { transform: 'HUB_STATE', note: "Documents the order must travel with and which are confirmed packed (internal); null while the ERP is unreachable" },
      blockers: {
        from: [
          'HUB:hub_hold.state', 'HUB:hub_hold.reason_code', 'HUB:hub_hold.internal_reason', 'HUB:hub_decision.effects', 'HUB:hub_order.missing_nodes', 'HUB:hub_document.reason',
          'HUB:hub_seal.sealed_at', 'HUB:hub_seal.waybill_no', 'HUB:hub_attachment.attachment', 'HUB:hub_call_action.action',
          'ERP:SO_SOMain.dPreDate', 'ERP:SO_SOMain.cMemo', 'WMS:t_out_order.status', 'WMS:t_out_order.pick_end_time', 'TMS:data[].status', 'TMS:data[].exception.code', 'TMS:data[].tracks[].opTime',
        ],
        endpoint: 'POST /api/v1/waybill/batchQuery (or queryByRef)',
        transform: 'DERIVED',
        derivedFrom: ['Order.holds', 'Order.decisions', 'Order.promise', 'Order.missingNodes', 'Order.attachments', 'Order.outbound', 'Order.shipment', 'Order.calls'],
        note: 'rule holds and rejections (hub_hold), rejected lines and locked batches (the rules\' effects in hub_decision), a promise overdue or at risk (ERP dPreDate against now), carrier exceptions (TMS status 50 and exception), attachments nobody confirmed packed (ERP cMemo / requirements against hub_attachment), the pick flow (WMS status and pick_end_time, hub_seal), unlinked or contradicting documents (hub_document), lifecycle gaps (missing_nodes) and holds a service call placed (hub_call_action); most serious first (src/blockers.ts computeBlockers). Computed as read; the same function records them as they change (hub_order_blocker), so each raised or cleared is an order event',
      },
      currentBlocker: { transform: 'DERIVED', derivedFrom: ['Order.blockers'], note: 'the most serious blocker a customer may see, in its customer wording; null when nothing blocks (src/blockers.ts currentBlocker)' },
      predictedSatisfaction: { transform: 'HUB_STATE', note: "Predicted satisfaction of this paid order now, with what went into it (internal)" },
      calls: { from: ['HUB:hub_call_order.order_id', 'HUB:hub_call_order.source', 'HUB:hub_call.transcript', 'HUB:hub_call.intents', 'CRM:calls[].transcript'], endpoint: 'GET /crm/api/calls/changes', transform: 'DERIVED', note: "Service calls about this order (the number said, or the caller's only open order), oldest first (internal): read from the CRM's change feed into hub_call, the reader's intents and the orders each concerns (hub_call_order)" },
      pickPriority: { from: ['hub_call_action.action', 'hub_call_action.created_at', 'hub_call_action.call_id'], transform: 'DERIVED', derivedFrom: ['Order.calls'], note: 'RAISED once a call\'s CHASE intent wrote a PRIORITY_RAISED action for the order before it left the warehouse (internal; src/calls/resolvers.ts); the fulfilment subgraph\'s pickQueue lists such orders first' },
      events: { transform: 'HUB_STATE', note: "The order's events after `after` (an OrderEvent id), oldest first; at most `first` (≤ 500)" },
    },
  },
  DocumentLink: {
    fields: {
      system: { transform: 'HUB_STATE' },
      documentNo: { transform: 'HUB_STATE' },
      method: { transform: 'HUB_STATE' },
      confidence: { transform: 'HUB_STATE', note: "1 for references; below 1 for matches" },
      reference: { transform: 'HUB_STATE', note: "The reference as written in the legacy document, when it had one" },
      linkedAt: { transform: 'HUB_STATE' },
    },
  },
  UnlinkedDocument: {
    fields: {
      system: { transform: 'HUB_STATE' },
      documentNo: { transform: 'HUB_STATE' },
      reason: { transform: 'HUB_STATE' },
      messageZh: { transform: 'HUB_STATE', note: "What a person should know, in Chinese" },
      messageEn: { transform: 'HUB_STATE', note: "The same in English" },
      reference: { transform: 'HUB_STATE', note: "The reference as written, if any" },
      customerCode: { transform: 'HUB_STATE', note: "Customer named on the document" },
      candidateOrderNos: { transform: 'HUB_STATE', note: "Orders that fit equally well (AMBIGUOUS_MATCH), or that the reference names and the document contradicts (…_MISMATCH)" },
      firstSeenAt: { transform: 'HUB_STATE' },
    },
  },
  OrderConnection: {
    fields: {
      edges: { transform: 'HUB_STATE' },
      pageInfo: { transform: 'HUB_STATE' },
      totalCount: { transform: 'HUB_STATE' },
    },
  },
  OrderEdge: {
    fields: {
      cursor: { transform: 'HUB_STATE' },
      node: { transform: 'HUB_STATE' },
    },
  },
  UnlinkedDocumentConnection: {
    fields: {
      edges: { transform: 'HUB_STATE' },
      pageInfo: { transform: 'HUB_STATE' },
      totalCount: { transform: 'HUB_STATE' },
    },
  },
  UnlinkedDocumentEdge: {
    fields: {
      cursor: { transform: 'HUB_STATE' },
      node: { transform: 'HUB_STATE' },
    },
  },
  PageInfo: {
    fields: {
      hasNextPage: { transform: 'HUB_STATE' },
      endCursor: { transform: 'HUB_STATE' },
    },
  },
  PickPriority: {
    fields: {
      level: { transform: 'HUB_STATE' },
      raisedAt: { transform: 'HUB_STATE' },
      byCall: { transform: 'HUB_STATE', note: "The call that raised it" },
    },
  },
  }),
  ...declareLineage({ subgraph: 'order-link', module: 'subgraphs/order-link/src/rules/', system: 'HUB' }, {
  Rule: {
    fields: {
      id: { transform: 'HUB_STATE' },
      kind: { transform: 'HUB_STATE' },
      name: { transform: 'HUB_STATE' },
      description: { transform: 'HUB_STATE' },
      parameters: { transform: 'HUB_STATE', note: "As written; money as decimal strings" },
      priority: { transform: 'HUB_STATE', note: "Lower is evaluated first; wins a stacking group" },
      enabled: { transform: 'HUB_STATE' },
      version: { transform: 'HUB_STATE', note: "Starts at 1; every change adds one" },
      updatedBy: { transform: 'HUB_STATE' },
      updatedAt: { transform: 'HUB_STATE' },
      audit: { transform: 'HUB_STATE', note: "The rule's history, newest first" },
    },
  },
  RulePayload: {
    fields: {
      rule: { transform: 'HUB_STATE' },
      userErrors: { transform: 'HUB_STATE' },
    },
  },
  RuleDecision: {
    fields: {
      ruleId: { transform: 'HUB_STATE' },
      ruleVersion: { transform: 'HUB_STATE' },
      kind: { transform: 'HUB_STATE' },
      fired: { transform: 'HUB_STATE' },
      explanationZh: { transform: 'HUB_STATE' },
      explanationEn: { transform: 'HUB_STATE' },
      facts: { transform: 'HUB_STATE', note: "The facts that decided it" },
      effects: { transform: 'HUB_STATE' },
      supersededBy: { transform: 'HUB_STATE', note: "Set when another rule's discount won the stacking group" },
      evaluatedAt: { transform: 'HUB_STATE' },
      firstFiredAt: { transform: 'HUB_STATE' },
    },
  },
  RuleEffect: {
    fields: {
      type: { transform: 'HUB_STATE' },
      detail: { transform: 'HUB_STATE' },
    },
  },
  Hold: {
    fields: {
      id: { transform: 'HUB_STATE' },
      order: { transform: 'HUB_STATE' },
      ruleId: { transform: 'HUB_STATE' },
      ruleVersion: { transform: 'HUB_STATE' },
      reasonCode: { transform: 'HUB_STATE' },
      internalReason: { transform: 'HUB_STATE' },
      approverRole: { transform: 'HUB_STATE', note: "The role that must decide" },
      state: { transform: 'HUB_STATE' },
      createdAt: { transform: 'HUB_STATE' },
      decidedBy: { transform: 'HUB_STATE' },
      decidedRole: { transform: 'HUB_STATE' },
      decidedAt: { transform: 'HUB_STATE' },
      decisionReason: { transform: 'HUB_STATE' },
    },
  },
  HoldPayload: {
    fields: {
      hold: { transform: 'HUB_STATE' },
      userErrors: { transform: 'HUB_STATE' },
    },
  },
  EvaluateOrderPayload: {
    fields: {
      order: { transform: 'HUB_STATE' },
      fired: { transform: 'HUB_STATE', note: "The rules that fired now" },
    },
  },
  PriceAdjustment: {
    fields: {
      ruleId: { transform: 'HUB_STATE' },
      kind: { transform: 'HUB_STATE' },
      amount: { transform: 'HUB_STATE', note: "Negative: it lowers what the customer pays" },
      description: { transform: 'HUB_STATE' },
    },
  },
  RuleSimulation: {
    fields: {
      rule: { transform: 'HUB_STATE', note: "The candidate as validated; null when it was refused" },
      userErrors: { transform: 'HUB_STATE' },
      evaluated: { transform: 'HUB_STATE' },
      truncated: { transform: 'HUB_STATE', note: "True when the window held more orders than `maxOrders`: only the oldest were evaluated, and the counts cover those only" },
      affected: { transform: 'HUB_STATE' },
      affectedNow: { transform: 'HUB_STATE', note: "For a changed rule: orders the saved version affects, for comparison" },
      newlyAffected: { transform: 'HUB_STATE' },
      noLongerAffected: { transform: 'HUB_STATE' },
      effectCounts: { transform: 'HUB_STATE' },
      orders: { transform: 'HUB_STATE', note: "The affected orders, oldest first, up to `first`" },
    },
  },
  EffectCount: {
    fields: {
      type: { transform: 'HUB_STATE' },
      count: { transform: 'HUB_STATE' },
    },
  },
  SimulatedDecision: {
    fields: {
      erpOrderNo: { transform: 'HUB_STATE' },
      order: { transform: 'HUB_STATE' },
      explanationZh: { transform: 'HUB_STATE' },
      explanationEn: { transform: 'HUB_STATE' },
      facts: { transform: 'HUB_STATE' },
      effects: { transform: 'HUB_STATE' },
    },
  },
  OutboxMessage: {
    fields: {
      id: { transform: 'HUB_STATE' },
      kind: { transform: 'HUB_STATE' },
      key: { transform: 'HUB_STATE' },
      state: { transform: 'HUB_STATE' },
      attempts: { transform: 'HUB_STATE' },
      lastError: { transform: 'HUB_STATE' },
      createdAt: { transform: 'HUB_STATE' },
      deliveredAt: { transform: 'HUB_STATE' },
      nextAttemptAt: { transform: 'HUB_STATE' },
      order: { transform: 'HUB_STATE' },
      ruleId: { transform: 'HUB_STATE' },
      payload: { transform: 'HUB_STATE' },
    },
  },
  AuditEntry: {
    fields: {
      at: { transform: 'HUB_STATE' },
      actor: { transform: 'HUB_STATE' },
      actorRole: { transform: 'HUB_STATE' },
      action: { transform: 'HUB_STATE' },
      entity: { transform: 'HUB_STATE' },
      entityId: { transform: 'HUB_STATE' },
      before: { transform: 'HUB_STATE' },
      after: { transform: 'HUB_STATE' },
      reason: { transform: 'HUB_STATE' },
    },
  },
  }),
  ...declareLineage({ subgraph: 'order-link', module: 'subgraphs/order-link/src/drafts/', system: 'HUB' }, {
  UserError: {
    fields: {
      code: { transform: 'HUB_STATE' },
      field: { transform: 'HUB_STATE', note: "The input path, e.g." },
      messageZh: { transform: 'HUB_STATE' },
      messageEn: { transform: 'HUB_STATE' },
    },
  },
  SetAsideCue: {
    fields: {
      intent: { transform: 'HUB_STATE' },
      span: { transform: 'HUB_STATE' },
      cue: { transform: 'HUB_STATE' },
      reason: { transform: 'HUB_STATE' },
    },
  },
  }),
  ...declareLineage({ subgraph: 'order-link', module: 'subgraphs/order-link/src/attachments.ts', system: 'HUB' }, {
  OrderAttachments: {
    fields: {
      required: { transform: 'HUB_STATE' },
      source: { transform: 'HUB_STATE', note: "Where `required` was read; null when nothing is required" },
      confirmed: { transform: 'HUB_STATE' },
      outstanding: { transform: 'HUB_STATE', note: "Required and not confirmed yet" },
    },
  },
  AttachmentConfirmation: {
    fields: {
      attachment: { transform: 'HUB_STATE' },
      confirmedBy: { transform: 'HUB_STATE' },
      confirmedRole: { transform: 'HUB_STATE' },
      confirmedAt: { transform: 'HUB_STATE' },
    },
  },
  ConfirmAttachmentsPayload: {
    fields: {
      order: { transform: 'HUB_STATE' },
      attachments: { transform: 'HUB_STATE' },
      userErrors: { transform: 'HUB_STATE' },
    },
  },
  }),
  ...declareLineage({ subgraph: 'order-link', module: 'subgraphs/order-link/src/health/', system: 'HUB' }, {
  DeliveryPromise: {
    fields: {
      promisedAt: { transform: 'HUB_STATE', note: "As the ERP promised it (SO_SOMain.dPreDate)" },
      correctedPromisedAt: { transform: 'HUB_STATE', note: "A corrected time, when a rule moved it" },
      textZh: { transform: 'HUB_STATE', note: "A wording instead of a time (e.g." },
      textEn: { transform: 'HUB_STATE' },
      correctedByRules: { transform: 'HUB_STATE' },
    },
  },
  OrderHealth: {
    fields: {
      from: { transform: 'HUB_STATE' },
      to: { transform: 'HUB_STATE' },
      region: { transform: 'HUB_STATE' },
      storeCode: { transform: 'HUB_STATE' },
      asOf: { transform: 'HUB_STATE' },
      orders: { transform: 'HUB_STATE', note: "Orders placed in the window, not voided" },
      delivery: { transform: 'HUB_STATE' },
      inventoryMatch: { transform: 'HUB_STATE' },
      documentConsistency: { transform: 'HUB_STATE' },
      interceptions: { transform: 'HUB_STATE' },
      satisfaction: { transform: 'HUB_STATE' },
      trend: { transform: 'HUB_STATE', note: "The same figures for each Beijing day of the window, oldest first" },
    },
  },
  DeliveryHealth: {
    fields: {
      definitionZh: { transform: 'HUB_STATE' },
      definitionEn: { transform: 'HUB_STATE' },
      value: { transform: 'HUB_STATE', note: "On-time rate, 0–1; null when no order counts" },
      count: { transform: 'HUB_STATE', note: "Paid orders due (ERP dPreDate) in the window whose delivery can be judged: delivered, or past the promise" },
      onTime: { transform: 'HUB_STATE' },
      late: { transform: 'HUB_STATE' },
      latenessP50Hours: { transform: 'HUB_STATE', note: "Hours late, median over the late orders (nearest rank)" },
      latenessP90Hours: { transform: 'HUB_STATE', note: "Hours late, 90th percentile over the late orders (nearest rank)" },
      orders: { transform: 'HUB_STATE' },
    },
  },
  InventoryMatchHealth: {
    fields: {
      definitionZh: { transform: 'HUB_STATE' },
      definitionEn: { transform: 'HUB_STATE' },
      value: { transform: 'HUB_STATE', note: "Share of goods lines allocatable, 0–1" },
      count: { transform: 'HUB_STATE', note: "Goods lines of the orders placed in the window" },
      matchedLines: { transform: 'HUB_STATE' },
      ordersShort: { transform: 'HUB_STATE', note: "Orders with at least one line short" },
      orders: { transform: 'HUB_STATE' },
    },
  },
  ConsistencyReasonCount: {
    fields: {
      reason: { transform: 'HUB_STATE' },
      count: { transform: 'HUB_STATE' },
    },
  },
  DocumentConsistencyHealth: {
    fields: {
      definitionZh: { transform: 'HUB_STATE' },
      definitionEn: { transform: 'HUB_STATE' },
      value: { transform: 'HUB_STATE', note: "Share of orders consistent, 0–1" },
      count: { transform: 'HUB_STATE', note: "Orders placed in the window with documents to compare (or paid past the outbound SLA)" },
      consistent: { transform: 'HUB_STATE' },
      byReason: { transform: 'HUB_STATE' },
      orders: { transform: 'HUB_STATE' },
    },
  },
  InterceptionCount: {
    fields: {
      kind: { transform: 'HUB_STATE' },
      orders: { transform: 'HUB_STATE', note: "Orders this kind of rule intercepted" },
    },
  },
  InterceptionHealth: {
    fields: {
      definitionZh: { transform: 'HUB_STATE' },
      definitionEn: { transform: 'HUB_STATE' },
      value: { transform: 'HUB_STATE', note: "Orders intercepted by at least one rule" },
      count: { transform: 'HUB_STATE', note: "Orders placed in the window" },
      rate: { transform: 'HUB_STATE', note: "value / count" },
      byKind: { transform: 'HUB_STATE' },
      orders: { transform: 'HUB_STATE', note: "FAILING: intercepted (by `kind` when given); PASSING: not intercepted" },
    },
  },
  SatisfactionModelInfo: {
    fields: {
      formulaZh: { transform: 'HUB_STATE' },
      formulaEn: { transform: 'HUB_STATE' },
      base: { transform: 'HUB_STATE' },
      late: { transform: 'HUB_STATE' },
      returnExchange: { transform: 'HUB_STATE' },
      responsePerHour: { transform: 'HUB_STATE' },
      responseCapHours: { transform: 'HUB_STATE' },
      alertBelow: { transform: 'HUB_STATE' },
    },
  },
  SatisfactionHealth: {
    fields: {
      definitionZh: { transform: 'HUB_STATE' },
      definitionEn: { transform: 'HUB_STATE' },
      value: { transform: 'HUB_STATE', note: "Mean predicted satisfaction, 1–5" },
      count: { transform: 'HUB_STATE', note: "Paid orders placed in the window" },
      atRisk: { transform: 'HUB_STATE', note: "Orders predicted below the model's alertBelow" },
      model: { transform: 'HUB_STATE' },
      customers: { transform: 'HUB_STATE', note: "Per customer, lowest first" },
      orders: { transform: 'HUB_STATE', note: "FAILING: at risk; lowest first" },
    },
  },
  CustomerSatisfaction: {
    fields: {
      customerCode: { transform: 'HUB_STATE', note: "ERP cCusCode" },
      orders: { transform: 'HUB_STATE' },
      score: { transform: 'HUB_STATE', note: "Mean predicted satisfaction of the customer's paid orders in the window" },
      lateOrders: { transform: 'HUB_STATE' },
      returnsExchanges: { transform: 'HUB_STATE' },
    },
  },
  CustomerSatisfactionConnection: {
    fields: {
      edges: { transform: 'HUB_STATE' },
      pageInfo: { transform: 'HUB_STATE' },
      totalCount: { transform: 'HUB_STATE' },
    },
  },
  CustomerSatisfactionEdge: {
    fields: {
      cursor: { transform: 'HUB_STATE' },
      node: { transform: 'HUB_STATE' },
    },
  },
  PredictedSatisfaction: {
    fields: {
      score: { transform: 'HUB_STATE' },
      late: { transform: 'HUB_STATE', note: "Delivered late, or not delivered and past the promise" },
      lateHours: { transform: 'HUB_STATE' },
      returnsExchanges: { transform: 'HUB_STATE' },
      tickets: { transform: 'HUB_STATE' },
      responseHours: { transform: 'HUB_STATE', note: "Mean hours to the service desk's first reply over the order's tickets" },
      asOf: { transform: 'HUB_STATE' },
    },
  },
  HealthOrderConnection: {
    fields: {
      edges: { transform: 'HUB_STATE' },
      pageInfo: { transform: 'HUB_STATE' },
      totalCount: { transform: 'HUB_STATE' },
    },
  },
  HealthOrderEdge: {
    fields: {
      cursor: { transform: 'HUB_STATE' },
      node: { transform: 'HUB_STATE' },
      outcome: { transform: 'HUB_STATE' },
      reasonCode: { transform: 'HUB_STATE', note: "Why (DELIVERED_LATE, NOT_DELIVERED, a shortfall reason, a ConsistencyReason, a rule kind)" },
      detailZh: { transform: 'HUB_STATE' },
      detailEn: { transform: 'HUB_STATE' },
      value: { transform: 'HUB_STATE', note: "Hours late (delivery), share of lines matched (inventory), rules fired (interceptions), score (satisfaction)" },
    },
  },
  HealthTrendPoint: {
    fields: {
      date: { transform: 'HUB_STATE', note: "A Beijing day: orders placed on it, and for delivery the orders due on it" },
      orders: { transform: 'HUB_STATE' },
      deliveryCount: { transform: 'HUB_STATE' },
      onTimeRate: { transform: 'HUB_STATE' },
      latenessP50Hours: { transform: 'HUB_STATE' },
      latenessP90Hours: { transform: 'HUB_STATE' },
      inventoryMatchRate: { transform: 'HUB_STATE' },
      consistencyRate: { transform: 'HUB_STATE' },
      intercepted: { transform: 'HUB_STATE' },
      satisfaction: { transform: 'HUB_STATE' },
    },
  },
  Reconciliation: {
    fields: {
      from: { transform: 'HUB_STATE' },
      to: { transform: 'HUB_STATE' },
      asOf: { transform: 'HUB_STATE' },
      count: { transform: 'HUB_STATE', note: "Differences found" },
      amount: { transform: 'HUB_STATE', note: "Sum of the amounts at stake" },
      totals: { transform: 'HUB_STATE', note: "Every class, with none found as 0" },
      items: { transform: 'HUB_STATE' },
      csv: { transform: 'HUB_STATE', note: "Every item as CSV (RFC 4180, UTF-8 with BOM for Excel): class, class_zh, date, erp_order_no, outbound_no, waybill_no, invoice_no, other_documents, amount, detai" },
    },
  },
  ReconciliationTotal: {
    fields: {
      class: { transform: 'HUB_STATE' },
      labelZh: { transform: 'HUB_STATE' },
      labelEn: { transform: 'HUB_STATE' },
      count: { transform: 'HUB_STATE' },
      amount: { transform: 'HUB_STATE' },
    },
  },
  ReconciliationDocument: {
    fields: {
      system: { transform: 'HUB_STATE' },
      documentNo: { transform: 'HUB_STATE' },
      role: { transform: 'HUB_STATE' },
    },
  },
  ReconciliationItem: {
    fields: {
      class: { transform: 'HUB_STATE' },
      date: { transform: 'HUB_STATE', note: "The order's Beijing date, or the document's for a document without order" },
      documents: { transform: 'HUB_STATE' },
      order: { transform: 'HUB_STATE' },
      amount: { transform: 'HUB_STATE', note: "At stake: the differing quantities at the order's price, the invoice difference, the order total, or the goods at list price; null when no document says what go" },
      detailZh: { transform: 'HUB_STATE' },
      detailEn: { transform: 'HUB_STATE' },
    },
  },
  ReconciliationItemConnection: {
    fields: {
      edges: { transform: 'HUB_STATE' },
      pageInfo: { transform: 'HUB_STATE' },
      totalCount: { transform: 'HUB_STATE' },
    },
  },
  ReconciliationItemEdge: {
    fields: {
      cursor: { transform: 'HUB_STATE' },
      node: { transform: 'HUB_STATE' },
    },
  },
  DailyReport: {
    fields: {
      date: { transform: 'HUB_STATE' },
      state: { transform: 'HUB_STATE' },
      trigger: { transform: 'HUB_STATE' },
      startedAt: { transform: 'HUB_STATE' },
      finishedAt: { transform: 'HUB_STATE' },
      asOf: { transform: 'HUB_STATE' },
      health: { transform: 'HUB_STATE', note: "The day's health as stored; drill-downs read today's data" },
      reconciliationTotals: { transform: 'HUB_STATE' },
      markdown: { transform: 'HUB_STATE', note: "The Markdown posted (WeCom group-robot markdown)" },
      deliveryState: { transform: 'HUB_STATE' },
      deliveries: { transform: 'HUB_STATE', note: "Every delivery attempt, oldest first" },
      error: { transform: 'HUB_STATE' },
    },
  },
  ReportDelivery: {
    fields: {
      attempt: { transform: 'HUB_STATE' },
      at: { transform: 'HUB_STATE' },
      ok: { transform: 'HUB_STATE' },
      httpStatus: { transform: 'HUB_STATE' },
      response: { transform: 'HUB_STATE', note: "The receiver's answer, cut to 500 characters" },
      error: { transform: 'HUB_STATE' },
      millis: { transform: 'HUB_STATE' },
    },
  },
  DailyReportPayload: {
    fields: {
      report: { transform: 'HUB_STATE' },
      created: { transform: 'HUB_STATE', note: "True when this call made the report" },
      userErrors: { transform: 'HUB_STATE' },
    },
  },
  }),
  ...declareLineage({ subgraph: 'order-link', module: 'subgraphs/order-link/src/blockers.ts', system: 'HUB' }, {
  Blocker: {
    fields: {
      code: { transform: 'HUB_STATE', note: "CANCELLED_OUTBOUND_LIVE (cancelled in the ERP, outbound still live in the WMS), RULE_HOLD, ORDER_REJECTED, LINE_REJECTED, BATCH_LOCKED, PROMISE_CHANGED, CARRIER" },
      severity: { transform: 'HUB_STATE' },
      since: { transform: 'HUB_STATE' },
      expectedBy: { transform: 'HUB_STATE', note: "When it should be resolved, where known" },
      expectedResolutionZh: { transform: 'HUB_STATE' },
      expectedResolutionEn: { transform: 'HUB_STATE' },
      sourceSystem: { transform: 'HUB_STATE', note: "HUB, ERP, WMS, TMS or CRM" },
      messageZh: { transform: 'HUB_STATE' },
      messageEn: { transform: 'HUB_STATE' },
      customerVisible: { transform: 'HUB_STATE' },
    },
  },
  CustomerBlocker: {
    fields: {
      code: { transform: 'HUB_STATE' },
      severity: { transform: 'HUB_STATE' },
      since: { transform: 'HUB_STATE' },
      expectedBy: { transform: 'HUB_STATE' },
      messageZh: { transform: 'HUB_STATE' },
      messageEn: { transform: 'HUB_STATE' },
    },
  },
  }),
  ...declareLineage({ subgraph: 'order-link', module: 'subgraphs/order-link/src/lifecycle.ts', system: 'HUB' }, {
  LifecycleNode: {
    fields: {
      stage: { transform: 'HUB_STATE' },
      reached: { transform: 'HUB_STATE', note: "Passed: recorded, or proven by a later recorded node" },
      recorded: { transform: 'HUB_STATE', note: "A system holds a record (and a time) for it" },
      missing: { transform: 'HUB_STATE', note: "Passed but never recorded: a status black hole" },
      at: { transform: 'HUB_STATE', note: "When, from the record; null when not recorded" },
      sourceSystem: { transform: 'HUB_STATE', note: "The system that records this node" },
      sourceDocumentNo: { transform: 'HUB_STATE', note: "The document that holds (or should hold) the record; null when no such document is linked" },
    },
  },
  }),
  ...declareLineage({ subgraph: 'order-link', module: 'subgraphs/order-link/src/calls/', system: 'HUB' }, {
  TextSpan: {
    fields: {
      start: { transform: 'HUB_STATE' },
      end: { transform: 'HUB_STATE' },
      text: { transform: 'HUB_STATE' },
    },
  },
  ServiceCall: {
    fields: {
      callId: { transform: 'HUB_STATE', note: "CRM call id, e.g." },
      startedAt: { transform: 'HUB_STATE' },
      customerCode: { transform: 'HUB_STATE', note: "The caller as the CRM matched them; null when it could not" },
      transcript: { transform: 'HUB_STATE', note: "The transcript as the call platform wrote it; spans index into it" },
      intents: { transform: 'HUB_STATE', note: "The caller's intents, alphabetical; OTHER when none of the six" },
      setAside: { transform: 'HUB_STATE', note: "Cues heard in the caller's words that did not count, and why" },
      orderRef: { transform: 'HUB_STATE', note: "The order, outbound or waybill number the caller gave (a correction wins), canonical; null when none was said" },
      orderSource: { transform: 'HUB_STATE', note: "How the orders were found: the number said, or the caller's open orders" },
      orders: { transform: 'HUB_STATE', note: "The orders the call concerns; intents act only when this is one order, the caller's own" },
      newAddress: { transform: 'HUB_STATE', note: "For a change of address: the new address as said, read as chat drafts read addresses" },
      actions: { transform: 'HUB_STATE', note: "What each intent did" },
      readAt: { transform: 'HUB_STATE' },
    },
  },
  CallIntent: {
    fields: {
      intent: { transform: 'HUB_STATE' },
      confidence: { transform: 'HUB_STATE' },
      evidence: { transform: 'HUB_STATE' },
    },
  },
  CallEvidence: {
    fields: {
      span: { transform: 'HUB_STATE' },
      cue: { transform: 'HUB_STATE', note: "The lexicon cue that matched (lexicon/call-cues.json), or ADDRESS for a new address after 送到/改成" },
    },
  },
  CallAddress: {
    fields: {
      value: { transform: 'HUB_STATE' },
      span: { transform: 'HUB_STATE' },
      province: { transform: 'HUB_STATE' },
      city: { transform: 'HUB_STATE' },
      district: { transform: 'HUB_STATE' },
      detail: { transform: 'HUB_STATE' },
    },
  },
  CallAction: {
    fields: {
      intent: { transform: 'HUB_STATE' },
      action: { transform: 'HUB_STATE' },
      order: { transform: 'HUB_STATE' },
      messageZh: { transform: 'HUB_STATE' },
      messageEn: { transform: 'HUB_STATE' },
      hold: { transform: 'HUB_STATE', note: "The hold the action placed, decided with approveHold / rejectHold like any other" },
      at: { transform: 'HUB_STATE' },
    },
  },
  }),
  ...declareLineage({ subgraph: 'order-link', module: 'subgraphs/order-link/src/facts/', system: 'HUB' }, {
  OrderFact: {
    fields: {
      orderId: { transform: 'HUB_STATE', note: "Unified order ID (OH…)" },
      erpOrderNo: { transform: 'HUB_STATE', note: "ERP SO_SOMain.cSOCode" },
      wmsOutboundNo: { transform: 'HUB_STATE', note: "WMS t_out_order.out_no linked to the order" },
      tmsWaybillNo: { transform: 'HUB_STATE', note: "TMS waybill no." },
      status: { transform: 'HUB_STATE', note: "OrderStatus code: the latest lifecycle node reached" },
      statusZh: { transform: 'HUB_STATE' },
      cancelled: { transform: 'HUB_STATE', note: "Voided in ERP (SO_SOMain.iStatus 9)" },
      customerCode: { transform: 'HUB_STATE', note: "ERP cCusCode" },
      storeCode: { transform: 'HUB_STATE', note: "ERP cDepCode, the selling store" },
      region: { transform: 'HUB_STATE', note: "ERP cRegion, the delivery city" },
      orderDate: { transform: 'HUB_STATE', note: "The Beijing date the order was placed" },
      orderedAt: { transform: 'HUB_STATE', note: "ERP SO_SOMain.dDate" },
      paidAt: { transform: 'HUB_STATE', note: "ERP dPayTime" },
      pickingAt: { transform: 'HUB_STATE', note: "WMS pick_start_time" },
      shippedOutAt: { transform: 'HUB_STATE', note: "WMS ship_time" },
      inTransitAt: { transform: 'HUB_STATE', note: "TMS first track 10/20" },
      outForDeliveryAt: { transform: 'HUB_STATE', note: "TMS first track 30" },
      signedAt: { transform: 'HUB_STATE', note: "TMS track 40" },
      completedAt: { transform: 'HUB_STATE', note: "ERP dCloseTime" },
      deliveredAt: { transform: 'HUB_STATE', note: "Signed for (TMS), or completed in ERP where no signature was recorded" },
      promisedAt: { transform: 'HUB_STATE', note: "ERP dPreDate: the delivery promised" },
      missingNodes: { transform: 'HUB_STATE', note: "Lifecycle nodes passed but never recorded, comma-separated (PICKING,IN_TRANSIT); empty when none" },
      erpStatus: { transform: 'HUB_STATE', note: "ERP SO_SOMain.iStatus as a code (OPEN, APPROVED, PAID, CLOSED, CANCELLED)" },
      erpStatusZh: { transform: 'HUB_STATE' },
      totalAmount: { transform: 'HUB_STATE', note: "ERP SO_SOMain.iTotalSum" },
      outboundMethod: { transform: 'HUB_STATE', note: "How the outbound was linked (REFERENCE, NORMALIZED_REFERENCE, MATCHED)" },
      outboundMethodZh: { transform: 'HUB_STATE' },
      goodsLines: { transform: 'HUB_STATE', note: "Goods lines (no services, no gifts the hub added)" },
      linesMatched: { transform: 'HUB_STATE', note: "Goods lines the serving warehouse could allocate in full when the order arrived" },
      quantityState: { transform: 'HUB_STATE', note: "Outbound quantities against the order's: AGREE or MISMATCH; null before an outbound" },
      quantityStateZh: { transform: 'HUB_STATE' },
      quantityDifferenceAmount: { transform: 'HUB_STATE', note: "The differing quantities at the order's prices" },
      tickets: { transform: 'HUB_STATE', note: "CRM tickets on the order" },
      returnsExchanges: { transform: 'HUB_STATE', note: "CRM RETURN and EXCHANGE tickets" },
      firstResponseHours: { transform: 'HUB_STATE', note: "Mean hours to the service desk's first reply" },
      deliveryJudgedFrom: { transform: 'HUB_STATE', note: "From when the delivery can be judged (delivered, or the promise passed)" },
      lateFrom: { transform: 'HUB_STATE', note: "From when the order counts as late; null when delivered by its promise" },
      rulesFired: { transform: 'HUB_STATE', note: "Kinds of rule that fired for the order" },
      blockersCount: { transform: 'HUB_STATE', note: "Reasons the order is not progressing now (computed as the page is read, from every system: not tracked by updatedSince)" },
      receiverName: { transform: 'HUB_STATE', note: "ERP SO_SOMain.cCusPerson (personal; read from the ERP as the page is read)" },
      receiverMobile: { transform: 'HUB_STATE', note: "ERP SO_SOMain.cPersonPhone (personal)" },
      shipAddress: { transform: 'HUB_STATE', note: "ERP SO_SOMain.cShipAddress (personal)" },
      changedAt: { transform: 'HUB_STATE', note: "When the hub last changed the order or its health facts, to the microsecond" },
    },
  },
  OrderFactConnection: {
    fields: {
      nodes: { transform: 'HUB_STATE' },
      edges: { transform: 'HUB_STATE' },
      pageInfo: { transform: 'HUB_STATE' },
      totalCount: { transform: 'HUB_STATE', note: "All rows the arguments select (not only this page); counted only when asked" },
      highWaterMark: { transform: 'HUB_STATE', note: "Pass as updatedSince next time, once this extraction is read to its end" },
    },
  },
  OrderFactEdge: {
    fields: {
      cursor: { transform: 'HUB_STATE' },
      node: { transform: 'HUB_STATE' },
    },
  },
  OrderLineFact: {
    fields: {
      orderId: { transform: 'HUB_STATE', note: "Unified order ID (OH…)" },
      lineNo: { transform: 'HUB_STATE', note: "SO_SODetails.iRowNo" },
      erpOrderNo: { transform: 'HUB_STATE', note: "ERP cSOCode" },
      orderDate: { transform: 'HUB_STATE' },
      orderedAt: { transform: 'HUB_STATE' },
      customerCode: { transform: 'HUB_STATE' },
      storeCode: { transform: 'HUB_STATE' },
      region: { transform: 'HUB_STATE' },
      skuCode: { transform: 'HUB_STATE', note: "SO_SODetails.cInvCode" },
      skuName: { transform: 'HUB_STATE', note: "ERP Inventory.cInvName" },
      skuSpec: { transform: 'HUB_STATE', note: "ERP Inventory.cInvStd" },
      isService: { transform: 'HUB_STATE', note: "ERP Inventory.bService: a service, not goods" },
      isGift: { transform: 'HUB_STATE', note: "A free line the hub's rules added (gift)" },
      quantity: { transform: 'HUB_STATE', note: "SO_SODetails.iQuantity" },
      unitPrice: { transform: 'HUB_STATE', note: "SO_SODetails.iTaxUnitPrice, tax included" },
      amount: { transform: 'HUB_STATE', note: "SO_SODetails.iSum" },
      changedAt: { transform: 'HUB_STATE', note: "When the hub last changed the order or its health facts (a change of lines in the ERP shows here once the hub has read it)" },
    },
  },
  OrderLineFactConnection: {
    fields: {
      nodes: { transform: 'HUB_STATE' },
      edges: { transform: 'HUB_STATE' },
      pageInfo: { transform: 'HUB_STATE' },
      highWaterMark: { transform: 'HUB_STATE' },
    },
  },
  OrderLineFactEdge: {
    fields: {
      cursor: { transform: 'HUB_STATE' },
      node: { transform: 'HUB_STATE' },
    },
  },
  DocumentFact: {
    fields: {
      system: { transform: 'HUB_STATE', note: "WMS or TMS" },
      documentNo: { transform: 'HUB_STATE', note: "t_out_order.out_no or the waybill no." },
      state: { transform: 'HUB_STATE', note: "LINKED or UNLINKED" },
      stateZh: { transform: 'HUB_STATE' },
      orderId: { transform: 'HUB_STATE', note: "The order it is linked to" },
      erpOrderNo: { transform: 'HUB_STATE' },
      linkMethod: { transform: 'HUB_STATE', note: "REFERENCE, NORMALIZED_REFERENCE or MATCHED" },
      linkMethodZh: { transform: 'HUB_STATE' },
      confidence: { transform: 'HUB_STATE', note: "1 for references, below 1 for matches" },
      unlinkedReason: { transform: 'HUB_STATE', note: "Why it is not linked: REFERENCE_NOT_FOUND, AMBIGUOUS_MATCH, NO_MATCH, OUTBOUND_UNLINKED" },
      unlinkedReasonZh: { transform: 'HUB_STATE' },
      reference: { transform: 'HUB_STATE', note: "The reference as written in the document" },
      customerCode: { transform: 'HUB_STATE' },
      documentDate: { transform: 'HUB_STATE' },
      firstSeenAt: { transform: 'HUB_STATE' },
      linkedAt: { transform: 'HUB_STATE' },
      changedAt: { transform: 'HUB_STATE' },
    },
  },
  DocumentFactConnection: {
    fields: {
      nodes: { transform: 'HUB_STATE' },
      edges: { transform: 'HUB_STATE' },
      pageInfo: { transform: 'HUB_STATE' },
      totalCount: { transform: 'HUB_STATE' },
      highWaterMark: { transform: 'HUB_STATE' },
    },
  },
  DocumentFactEdge: {
    fields: {
      cursor: { transform: 'HUB_STATE' },
      node: { transform: 'HUB_STATE' },
    },
  },
  RuleDecisionFact: {
    fields: {
      orderId: { transform: 'HUB_STATE' },
      ruleId: { transform: 'HUB_STATE' },
      erpOrderNo: { transform: 'HUB_STATE' },
      ruleVersion: { transform: 'HUB_STATE' },
      kind: { transform: 'HUB_STATE', note: "RuleKind code" },
      kindZh: { transform: 'HUB_STATE' },
      fired: { transform: 'HUB_STATE' },
      explanationZh: { transform: 'HUB_STATE' },
      explanationEn: { transform: 'HUB_STATE' },
      supersededBy: { transform: 'HUB_STATE', note: "Another rule whose discount won the stacking group" },
      evaluatedAt: { transform: 'HUB_STATE' },
      firstFiredAt: { transform: 'HUB_STATE' },
      changedAt: { transform: 'HUB_STATE' },
    },
  },
  RuleDecisionFactConnection: {
    fields: {
      nodes: { transform: 'HUB_STATE' },
      edges: { transform: 'HUB_STATE' },
      pageInfo: { transform: 'HUB_STATE' },
      totalCount: { transform: 'HUB_STATE' },
      highWaterMark: { transform: 'HUB_STATE' },
    },
  },
  RuleDecisionFactEdge: {
    fields: {
      cursor: { transform: 'HUB_STATE' },
      node: { transform: 'HUB_STATE' },
    },
  },
  HoldFact: {
    fields: {
      holdId: { transform: 'HUB_STATE' },
      orderId: { transform: 'HUB_STATE' },
      erpOrderNo: { transform: 'HUB_STATE' },
      ruleId: { transform: 'HUB_STATE' },
      ruleVersion: { transform: 'HUB_STATE' },
      approverRole: { transform: 'HUB_STATE', note: "The role that must decide" },
      reasonCode: { transform: 'HUB_STATE' },
      internalReason: { transform: 'HUB_STATE', note: "The rule's reason, as the rule engine wrote it" },
      state: { transform: 'HUB_STATE', note: "OPEN, APPROVED or REJECTED" },
      stateZh: { transform: 'HUB_STATE' },
      createdAt: { transform: 'HUB_STATE' },
      decidedBy: { transform: 'HUB_STATE' },
      decidedRole: { transform: 'HUB_STATE' },
      decidedAt: { transform: 'HUB_STATE' },
      decisionReason: { transform: 'HUB_STATE', note: "What the approver typed (personal: free text)" },
      changedAt: { transform: 'HUB_STATE' },
    },
  },
  HoldFactConnection: {
    fields: {
      nodes: { transform: 'HUB_STATE' },
      edges: { transform: 'HUB_STATE' },
      pageInfo: { transform: 'HUB_STATE' },
      totalCount: { transform: 'HUB_STATE' },
      highWaterMark: { transform: 'HUB_STATE' },
    },
  },
  HoldFactEdge: {
    fields: {
      cursor: { transform: 'HUB_STATE' },
      node: { transform: 'HUB_STATE' },
    },
  },
  ScanFact: {
    fields: {
      scanId: { transform: 'HUB_STATE' },
      outboundNo: { transform: 'HUB_STATE', note: "WMS t_out_order.out_no" },
      orderId: { transform: 'HUB_STATE' },
      erpOrderNo: { transform: 'HUB_STATE' },
      picker: { transform: 'HUB_STATE' },
      outcome: { transform: 'HUB_STATE', note: "ScanOutcome code" },
      outcomeZh: { transform: 'HUB_STATE' },
      skuCode: { transform: 'HUB_STATE' },
      batchNo: { transform: 'HUB_STATE' },
      quantity: { transform: 'HUB_STATE' },
      completed: { transform: 'HUB_STATE', note: "This scan finished the outbound's picking" },
      scannedAt: { transform: 'HUB_STATE' },
      changedAt: { transform: 'HUB_STATE' },
    },
  },
  ScanFactConnection: {
    fields: {
      nodes: { transform: 'HUB_STATE' },
      edges: { transform: 'HUB_STATE' },
      pageInfo: { transform: 'HUB_STATE' },
      totalCount: { transform: 'HUB_STATE' },
      highWaterMark: { transform: 'HUB_STATE' },
    },
  },
  ScanFactEdge: {
    fields: {
      cursor: { transform: 'HUB_STATE' },
      node: { transform: 'HUB_STATE' },
    },
  },
  ReconciliationItemFact: {
    fields: {
      itemId: { transform: 'HUB_STATE', note: "The class and the documents involved: stable while the difference stands" },
      class: { transform: 'HUB_STATE', note: "ReconciliationClass code" },
      classZh: { transform: 'HUB_STATE' },
      date: { transform: 'HUB_STATE', note: "The order's Beijing date, or the document's for a document without order" },
      erpOrderNo: { transform: 'HUB_STATE' },
      outboundNo: { transform: 'HUB_STATE' },
      waybillNo: { transform: 'HUB_STATE' },
      invoiceNo: { transform: 'HUB_STATE' },
      otherDocuments: { transform: 'HUB_STATE', note: "Candidate or original orders, as ROLE:number, space-separated" },
      amount: { transform: 'HUB_STATE' },
      detailZh: { transform: 'HUB_STATE' },
      detailEn: { transform: 'HUB_STATE' },
    },
  },
  ReconciliationItemFactConnection: {
    fields: {
      nodes: { transform: 'HUB_STATE' },
      edges: { transform: 'HUB_STATE' },
      pageInfo: { transform: 'HUB_STATE' },
      totalCount: { transform: 'HUB_STATE' },
    },
  },
  ReconciliationItemFactEdge: {
    fields: {
      cursor: { transform: 'HUB_STATE' },
      node: { transform: 'HUB_STATE' },
    },
  },
  }),
  ...declareLineage({ subgraph: 'order-link', module: 'subgraphs/order-link/src/tokens.ts', system: 'HUB' }, {
  TokenRevocation: {
    fields: {
      jti: { transform: 'HUB_STATE' },
      reason: { transform: 'HUB_STATE' },
      revokedBy: { transform: 'HUB_STATE' },
      revokedAt: { transform: 'HUB_STATE' },
      expiresAt: { transform: 'HUB_STATE' },
    },
  },
  RevokeTokenPayload: {
    fields: {
      revocation: { transform: 'HUB_STATE' },
      created: { transform: 'HUB_STATE', note: "False when the token was revoked already (the first revocation stands)" },
    },
  },
  }),
  ...declareLineage({ subgraph: 'order-link', module: 'subgraphs/order-link/src/events/', system: 'HUB' }, {
  OrderEvent: {
    fields: {
      id: { transform: 'HUB_STATE', note: "The event's place in the log across all orders: pass it as `after` to resume after it" },
      orderId: { transform: 'HUB_STATE', note: "The order's unified ID" },
      sequence: { transform: 'HUB_STATE', note: "The event's number within its order, from 1, without gaps" },
      customerCode: { transform: 'HUB_STATE', note: "The order's customer, store and region (what staff feeds filter on)" },
      storeCode: { transform: 'HUB_STATE' },
      region: { transform: 'HUB_STATE' },
      type: { transform: 'HUB_STATE' },
      source: { transform: 'HUB_STATE' },
      at: { transform: 'HUB_STATE', note: "When it happened in its system; null when that is unknown" },
      recordedAt: { transform: 'HUB_STATE', note: "When the hub recorded it" },
      stage: { transform: 'HUB_STATE', note: "STAGE_REACHED: the stage (an OrderStatus: PAID … COMPLETED, or CANCELLED)" },
      documentNo: { transform: 'HUB_STATE', note: "The legacy document it concerns (links, carrier exceptions, a blocker about a document); a customer is not told the document of a blocker only staff see" },
      code: {
        from: ['HUB:hub_order_blocker.code', 'HUB:hub_order_blocker.blocker_key'],
        transform: 'HUB_STATE',
        note: "BLOCKER_RAISED, BLOCKER_CLEARED: which blocker (a Blocker code). LIFECYCLE_GAP and LINE_REJECTED are announced by triggers on hub_order.missing_nodes and hub_decision; every other kind by the recorded blockers (hub_order_blocker, src/blocker-record.ts: each order's blockers recomputed with computeBlockers when the hub learns something that can change them, and when a promise comes near or passes). HOLD_*: the rule",
      },
      messageZh: { transform: 'HUB_STATE', note: "What changed, in Chinese" },
      messageEn: { transform: 'HUB_STATE', note: "What changed, in English" },
    },
  },
  OrderUpdate: {
    fields: {
      event: { transform: 'HUB_STATE' },
      order: { transform: 'HUB_STATE', note: "The order now; null if the caller may no longer see it" },
    },
  },
  OrderEventPage: {
    fields: {
      events: { transform: 'HUB_STATE' },
      endCursor: { transform: 'HUB_STATE', note: "Pass as `after` for the next page: the last event's id, or the log's end when nothing matched" },
      hasMore: { transform: 'HUB_STATE', note: "More events after this page (within the filter or not)" },
      logEnd: { transform: 'HUB_STATE', note: "The id of the log's last event, across all orders and unfiltered (\"0\" while the log is empty)" },
    },
  },
  }),
  ...declareLineage({ subgraph: 'order-link', module: 'subgraphs/order-link/src/linking/', system: 'HUB' }, {
  SyncSweep: {
    fields: {
      id: { transform: 'HUB_STATE' },
      trigger: { transform: 'HUB_STATE' },
      from: { transform: 'HUB_STATE' },
      to: { transform: 'HUB_STATE' },
      startedAt: { transform: 'HUB_STATE' },
      finishedAt: { transform: 'HUB_STATE', note: "Null while it runs." },
      daysCompared: { transform: 'HUB_STATE', note: "Days compared, summed over the systems (ERP by order day, WMS by creation day; TMS by the hub's waybills of those days)." },
      daysDiffering: { transform: 'HUB_STATE', note: "Days whose counts or version digests differed, and were therefore compared key by key." },
      keysCompared: { transform: 'HUB_STATE' },
      repaired: { transform: 'HUB_STATE' },
      failedSystems: { transform: 'HUB_STATE', note: "Systems that could not be compared this time (unreachable): the next sweep tries again." },
      repairs: { transform: 'HUB_STATE', note: "What it repaired, at most 200." },
    },
  },
  SyncRepair: {
    fields: {
      system: { transform: 'HUB_STATE', note: "ERP, WMS or TMS." },
      documentNo: { transform: 'HUB_STATE', note: "The order, outbound or waybill number." },
      kind: { transform: 'HUB_STATE' },
      legacyVersion: { transform: 'HUB_STATE', note: "The legacy system's modify time of the version found (Beijing, as the system keeps it); null when deleted." },
      hubVersion: { transform: 'HUB_STATE', note: "The version the hub had read; null when it had none." },
      foundAt: { transform: 'HUB_STATE' },
      appliedAt: { transform: 'HUB_STATE', note: 'when the lease holder’s linker handled it; null until then' },
      messageZh: { transform: 'HUB_STATE' },
      messageEn: { transform: 'HUB_STATE' },
    },
  },
  }),
  ...declareLineage({ subgraph: 'order-link', module: 'subgraphs/order-link/src/planning/service.ts', system: 'HUB' }, {
  CreateRequisitionsPayload: {
    fields: {
      created: { transform: 'HUB_STATE', note: "False when this clientKey had already raised them" },
      requisitions: { transform: 'HUB_STATE' },
    },
  },
  PurchaseRequisition: {
    fields: {
      code: { transform: 'HUB_STATE', note: "cCode, QG-PS-…" },
      sku: { transform: 'HUB_STATE' },
      quantity: { transform: 'HUB_STATE', note: "iQuantity" },
      warehouseCode: { transform: 'HUB_STATE', note: "cWhCode" },
    },
  },
  PurchasePlan: {
    fields: {
      warehouseCode: { transform: 'HUB_STATE' },
      weekStarting: { transform: 'HUB_STATE' },
      regions: { transform: 'HUB_STATE', note: "The cities of the stores the warehouse serves (ERP Department.cRegion where cWhCode is the warehouse)" },
      historyFrom: { transform: 'HUB_STATE', note: "First day of the history read" },
      minShelfLifeMonths: { transform: 'HUB_STATE', note: "Shelf life a lot must keep from the week's Monday to count as usable (the enabled expiry-control rule; 0 when off)" },
      lines: { transform: 'HUB_STATE' },
      warnings: { transform: 'HUB_STATE', note: "What the plan had to do without (the TMS down: no weather; a history too short for a forecast or a season), in Chinese and English" },
    },
  },
  PlanWarning: {
    fields: {
      messageZh: { transform: 'HUB_STATE' },
      messageEn: { transform: 'HUB_STATE' },
    },
  },
  PurchaseSuggestion: {
    fields: {
      sku: { from: 'ERP:Inventory.cInvCode', transform: 'ENTITY_REFERENCE' },
      forecastQuantity: { from: ['ERP:SO_SODetails.iQuantity', 'ERP:SO_SOMain.dDate', 'ERP:SO_SOMain.cCusCode', 'ERP:SO_SOMain.cRegion', 'ERP:Inventory.cInvCCode'], transform: 'DERIVED', derivedFrom: ['PurchaseSuggestion.factors', 'PurchaseSuggestion.regularCustomers', 'PurchaseSuggestion.weather'], note: 'level × seasonal ratio × weather + regular customers due (src/planning/forecast.ts)' },
      onHand: { from: 'WMS:t_stock.qty', transform: 'DERIVED', note: 'summed over the warehouse’s lots' },
      locked: { from: 'WMS:t_stock.locked_qty', transform: 'DERIVED', note: 'summed' },
      expiryBlocked: { from: ['WMS:t_stock.exp_date', 'WMS:t_stock.qty', 'WMS:t_stock.locked_qty', 'ERP:Inventory.iShelfLifeMonths', 'hub_rule.params'], transform: 'DERIVED', note: 'unlocked units of lots expiring before the Monday plus the expiry-control rule’s months' },
      usable: { transform: 'DERIVED', derivedFrom: ['PurchaseSuggestion.onHand', 'PurchaseSuggestion.locked', 'PurchaseSuggestion.expiryBlocked'] },
      openRequisitions: { from: ['ERP:PU_AppVouch.iQuantity', 'ERP:PU_AppVouch.cWhCode', 'ERP:PU_AppVouch.cCloser'], transform: 'DERIVED', note: 'Σ iQuantity of the warehouse’s rows with no cCloser' },
      leadTimeDays: { from: 'ERP:Inventory.iInvAdvance', transform: 'AS_IS', note: 'PLAN_DEFAULT_LEAD_TIME_DAYS when empty' },
      leadTimeRecorded: { from: 'ERP:Inventory.iInvAdvance', transform: 'DERIVED', note: 'iInvAdvance is not NULL' },
      safetyStock: { transform: 'DERIVED', derivedFrom: ['PurchaseSuggestion.leadTimeDays'], note: '1.65 σ √((lead time + 7) / 7), σ the weekly base’s spread' },
      suggestedQuantity: { transform: 'DERIVED', derivedFrom: ['PurchaseSuggestion.forecastQuantity', 'PurchaseSuggestion.leadTimeDays', 'PurchaseSuggestion.safetyStock', 'PurchaseSuggestion.usable', 'PurchaseSuggestion.openRequisitions'] },
      factors: { transform: 'DERIVED', derivedFrom: ['PurchaseSuggestion.forecastQuantity'], note: 'each factor in Chinese and English' },
      regularCustomers: { from: ['ERP:SO_SOMain.cCusCode', 'ERP:SO_SOMain.dDate', 'ERP:SO_SODetails.iQuantity'], transform: 'DERIVED', note: 'chains of a customer’s orders of the SKU at a steady rhythm' },
      weather: { from: ['TMS:weather.alertId', 'TMS:weather.city', 'TMS:weather.type', 'TMS:weather.startTime', 'TMS:weather.endTime'], transform: 'DERIVED', note: 'GET /api/v1/weather/alerts for the warehouse’s cities' },
    },
  },
  ForecastFactor: {
    fields: {
      kind: { transform: 'HUB_STATE' },
      value: { transform: 'HUB_STATE', note: "A multiplier for SEASONAL and WEATHER; units otherwise" },
      messageZh: { transform: 'HUB_STATE' },
      messageEn: { transform: 'HUB_STATE' },
    },
  },
  DueCustomer: {
    fields: {
      customer: { transform: 'HUB_STATE' },
      cycleDays: { transform: 'HUB_STATE', note: "Days between this customer's orders of the SKU, from its own orders" },
      lastOrderedOn: { transform: 'HUB_STATE' },
      dueOn: { transform: 'HUB_STATE', note: "Days of the week the cycle points at" },
      expectedOrders: { transform: 'HUB_STATE', note: "Orders expected in the week (the cycle's spread considered, and that none came since)" },
      quantity: { transform: 'HUB_STATE', note: "Units per order: the mean of the orders of about the median size" },
    },
  },
  WeatherFactor: {
    fields: {
      alertId: { transform: 'HUB_STATE', note: "TMS alertId" },
      city: { transform: 'HUB_STATE' },
      type: { transform: 'HUB_STATE', note: "台风, 暴雨, 寒潮, 大雾 …" },
      level: { transform: 'HUB_STATE', note: "蓝, 黄, 橙, 红" },
      days: { transform: 'HUB_STATE', note: "Days of the week it covers" },
      lift: { transform: 'HUB_STATE', note: "Multiplier on the category's demand, measured from past alerts of this type in every city of the history" },
      pastAlerts: { transform: 'HUB_STATE' },
    },
  },
  }),
  // The lineage fields themselves: read from these declarations, nothing legacy.
  ...declareLineage({ subgraph: 'order-link', module: 'subgraphs/order-link/src/lineage-resolvers.ts', system: 'GRAPH' }, {
    Query: { transform: 'OPERATION', fields: { fieldLineage: { note: 'one coordinate’s declaration' }, lineageGraph: { note: 'a type’s declarations as nodes and edges' } } },
    FieldLineage: {
      transform: 'DERIVED',
      fields: Object.fromEntries(['coordinate', 'subgraph', 'module', 'system', 'sources', 'transform', 'derivedFrom', 'note'].map((f) => [f, { note: 'as declared in the lineage.ts beside the code' }]).concat([
        ['transformZh', { note: 'TRANSFORM_TEXT' }],
        ['transformEn', { note: 'TRANSFORM_TEXT' }],
      ])),
    },
    LineageSource: { transform: 'DERIVED', fields: { system: {}, table: {}, column: {}, endpoint: {}, jsonPath: {} } },
    LineageGraph: { transform: 'DERIVED', fields: { type: {}, fields: {}, nodes: { note: 'common/src/lineage.ts lineageGraph' }, edges: { note: 'common/src/lineage.ts lineageGraph' } } },
    LineageNode: { transform: 'DERIVED', fields: { id: {}, kind: {}, label: {} } },
    LineageEdge: { transform: 'DERIVED', fields: { from: {}, to: {}, transform: {} } },
  }),
];

/** Every field of the supergraph, as each subgraph declares it beside its own code. */
export function supergraphLineage(): FieldLineage[] {
  return [...erpLineage, ...wmsLineage, ...tmsLineage, ...crmLineage, ...fulfilmentLineage, ...intakeLineage, ...orderLinkLineage];
}

/** What each transform does, in Chinese and English. */
export const TRANSFORM_TEXT: Record<Transform, { zh: string; en: string }> = {
  AS_IS: { zh: '原样（去空格）', en: 'as it is (trimmed)' },
  CODE_MAP: { zh: '代码映射为枚举', en: 'a legacy code mapped to an enum' },
  BEIJING_TIME_TO_INSTANT: { zh: '北京时间文本转为带时区的 ISO 时刻', en: 'Beijing wall-clock text to an ISO 8601 instant' },
  EPOCH_MS_TO_INSTANT: { zh: '毫秒时间戳转为 ISO 时刻', en: 'epoch milliseconds to an ISO 8601 instant' },
  DECIMAL_TO_MONEY: { zh: 'DECIMAL 转为精确金额（两位小数字符串）', en: 'DECIMAL to Money, an exact two-place decimal string' },
  PARSED: { zh: '从文本中拆分或解析', en: 'split or parsed out of a text' },
  ENTITY_REFERENCE: { zh: '按键引用另一实体，由其所属子图解析', en: 'a reference by key, resolved by the subgraph that owns the entity' },
  DERIVED: { zh: '由其他字段或记录推算', en: 'worked out from other fields or rows' },
  HUB_STATE: { zh: '枢纽自身数据（由枢纽的处理写入）', en: "the hub's own state, written by its own work" },
  OPERATION: { zh: '查询或操作入口', en: 'an entry point of the graph' },
};
