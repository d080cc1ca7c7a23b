// Where intake's fields come from: drafts, remark readings and repair jobs are the hub's own state,
// written by intake's own work (HUB_STATE) or read from text (DERIVED); order-link gathers every
// subgraph's declarations into one list (src/lineage.ts there), this one through #intake.
import { declareLineage, type FieldLineage } from '../../../common/src/lineage.js';

export const intakeLineage: FieldLineage[] = [
  ...declareLineage({ subgraph: 'intake', module: 'subgraphs/intake/src/resolvers.ts', system: 'HUB' }, {
  Query: {
    fields: {
      interpretRemark: { transform: 'OPERATION', note: "What the hub reads in one free-text order remark (ERP SO_SOMain.cMemo): priority, attachments, purpose, minimum shelf life, call before delivery and delivery co" },
      orderDraft: { transform: 'OPERATION', note: "A draft by its ID (DR0000000012)." },
      orderDrafts: { transform: 'OPERATION', note: "Drafts, newest first: the caller's own unless `everyone` (ops and admin only see all by default)." },
      repairJob: { transform: 'OPERATION', note: "A repair job: its progress while the file is read, then the preview of every proposed change." },
      repairJobs: { transform: 'OPERATION', note: "Repair jobs, newest first." },
    },
  },
  Mutation: {
    fields: {
      draftOrderFromText: { transform: 'OPERATION', note: "Reads a pasted customer message (WeChat, SMS) into an order draft: customer, contact, mobile, address split into province / city / district / detail, items matc" },
      confirmOrderDraft: { transform: 'OPERATION', note: "Creates the ERP sales order a draft describes, with `edits` applied (each given field replaces what was read; `items` replaces the list whole), in one ERP trans" },
      startRepairJob: { transform: 'OPERATION', note: "Starts reading an uploaded file of historical orders (POST the file to the gateway's /uploads first; CSV in UTF-8 or GBK/GB18030, or XLSX)." },
      decideRepairChanges: { transform: 'OPERATION', note: "Accepts or rejects proposed changes of a READY job, by id or by filter (all matching)." },
      applyRepairJob: { transform: 'OPERATION', note: "Writes a READY job's accepted changes to ERP (SO_SOMain_ExtraDefine) in batches, each only where ERP still holds what the preview saw; audited." },
      undoRepairJob: { transform: 'OPERATION', note: "Puts back what an APPLIED job wrote, where ERP still holds what the job wrote (a field edited since is left alone and reported as UNDO_CONFLICT)." },
    },
  },
  }),
  ...declareLineage({ subgraph: 'intake', module: 'subgraphs/intake/src/drafts/', system: 'HUB' }, {
  ReadText: {
    fields: {
      value: { transform: 'HUB_STATE' },
      confidence: { transform: 'HUB_STATE' },
      span: { transform: 'HUB_STATE' },
      source: { transform: 'HUB_STATE', note: "The rule that produced it, e.g." },
    },
  },
  ReadInt: {
    fields: {
      value: { transform: 'HUB_STATE' },
      confidence: { transform: 'HUB_STATE' },
      span: { transform: 'HUB_STATE' },
      source: { transform: 'HUB_STATE' },
    },
  },
  RemarkEvidence: {
    fields: {
      span: { transform: 'HUB_STATE' },
      cue: { transform: 'HUB_STATE', note: "The lexicon cue that matched (text/lexicon/remark-cues.json)" },
      negated: { transform: 'HUB_STATE', note: "True when a negation cancels the cue (不急, 无需发票): evidence for the opposite" },
    },
  },
  RemarkPriority: {
    fields: {
      value: { transform: 'HUB_STATE' },
      confidence: { transform: 'HUB_STATE' },
      evidence: { transform: 'HUB_STATE' },
    },
  },
  RemarkAttachments: {
    fields: {
      value: { transform: 'HUB_STATE' },
      confidence: { transform: 'HUB_STATE' },
      evidence: { transform: 'HUB_STATE' },
    },
  },
  RemarkPurpose: {
    fields: {
      value: { transform: 'HUB_STATE' },
      confidence: { transform: 'HUB_STATE' },
      evidence: { transform: 'HUB_STATE' },
    },
  },
  RemarkShelfLife: {
    fields: {
      value: { transform: 'HUB_STATE', note: "Months" },
      confidence: { transform: 'HUB_STATE' },
      evidence: { transform: 'HUB_STATE' },
    },
  },
  RemarkCallBefore: {
    fields: {
      value: { transform: 'HUB_STATE' },
      confidence: { transform: 'HUB_STATE' },
      evidence: { transform: 'HUB_STATE' },
    },
  },
  RemarkDeliveryConstraint: {
    fields: {
      value: { transform: 'HUB_STATE' },
      confidence: { transform: 'HUB_STATE' },
      evidence: { transform: 'HUB_STATE' },
    },
  },
  RemarkReading: {
    fields: {
      text: { transform: 'HUB_STATE' },
      priority: { transform: 'HUB_STATE' },
      attachments: { transform: 'HUB_STATE' },
      purpose: { transform: 'HUB_STATE' },
      minShelfLifeMonths: { transform: 'HUB_STATE' },
      callBeforeDelivery: { transform: 'HUB_STATE' },
      deliveryConstraint: { transform: 'HUB_STATE' },
    },
  },
  OrderDraft: {
    fields: {
      id: { transform: 'HUB_STATE', note: "DR0000000012" },
      text: { transform: 'HUB_STATE', note: "The message as pasted" },
      state: { transform: 'HUB_STATE' },
      contactName: { transform: 'HUB_STATE' },
      mobile: { transform: 'HUB_STATE', note: "11 digits" },
      province: { transform: 'HUB_STATE', note: "Full official form: 江苏省; municipalities 上海市" },
      city: { transform: 'HUB_STATE' },
      district: { transform: 'HUB_STATE', note: "昆山市 for a county-level city" },
      detail: { transform: 'HUB_STATE', note: "Street and number as written, without province, city and district" },
      items: { transform: 'HUB_STATE' },
      deliveryHint: { transform: 'HUB_STATE', note: "When the goods are wanted, as written (明天下午, 周五前)" },
      requestedDeliveryAt: { transform: 'HUB_STATE', note: "The hint as an instant, relative to when the draft was made (明天下午 → tomorrow 18:00 Beijing); null when it names no date (尽快)" },
      customerHint: { transform: 'HUB_STATE', note: "A shop or company name as written" },
      customer: { transform: 'HUB_STATE', note: "The known ERP customer the text names (by customer code, mobile or shop name); null when none could be told" },
      remarks: { transform: 'HUB_STATE', note: "What the message asks beyond items and address (发票, 到了打电话 …), clause by clause" },
      remarkReading: { transform: 'HUB_STATE', note: "The remarks read like any order remark: what the confirmed order will record as its requirements" },
      unresolved: { transform: 'HUB_STATE', note: "Everything mentioned but not resolved: unknown products, unclear quantities, an ambiguous district …" },
      complete: { transform: 'HUB_STATE', note: "True when it can be confirmed as read: a customer, items with quantities, nothing unresolved about them" },
      storeCode: { transform: 'HUB_STATE', note: "The store the order will be placed for, when given" },
      createdAt: { transform: 'HUB_STATE' },
      createdBy: { transform: 'HUB_STATE' },
      erpOrderNo: { transform: 'HUB_STATE' },
      confirmedAt: { transform: 'HUB_STATE' },
      confirmedBy: { transform: 'HUB_STATE' },
      order: { transform: 'HUB_STATE', note: "The hub's order, once confirmed and linked" },
    },
  },
  DraftItem: {
    fields: {
      model: { transform: 'HUB_STATE', note: "The catalog model (ERP cInvStd); the span covers the product as written" },
      qty: { transform: 'HUB_STATE', note: "In the catalog unit; null when the text gives none, or a pack without its size" },
      sku: { transform: 'HUB_STATE' },
      unit: { transform: 'HUB_STATE', note: "The catalog unit, e.g." },
    },
  },
  DraftCustomer: {
    fields: {
      customer: { transform: 'HUB_STATE' },
      name: { transform: 'HUB_STATE' },
      confidence: { transform: 'HUB_STATE' },
      span: { transform: 'HUB_STATE' },
      source: { transform: 'HUB_STATE', note: "CUSTOMER_CODE, CUSTOMER_PHONE or CUSTOMER_NAME: what matched" },
    },
  },
  DraftIssue: {
    fields: {
      field: { transform: 'HUB_STATE', note: "The draft field it concerns: items, district, mobile, customer …" },
      reason: { transform: 'HUB_STATE' },
      text: { transform: 'HUB_STATE', note: "The text as written" },
      span: { transform: 'HUB_STATE' },
      candidates: { transform: 'HUB_STATE', note: "Possible values, when there are a few (catalog models, districts, customer codes)" },
      messageZh: { transform: 'HUB_STATE' },
      messageEn: { transform: 'HUB_STATE' },
    },
  },
  ConfirmOrderDraftPayload: {
    fields: {
      draft: { transform: 'HUB_STATE' },
      erpOrderNo: { transform: 'HUB_STATE' },
      created: { transform: 'HUB_STATE', note: "False when this clientKey had already confirmed the draft: the same order, nothing created again" },
      order: { transform: 'HUB_STATE', note: "The hub's order, linked and judged by the rules; null if the hub could not link it yet (it will shortly)" },
    },
  },
  }),
  ...declareLineage({ subgraph: 'intake', module: 'subgraphs/intake/src/repair/', system: 'HUB' }, {
  RepairProgress: {
    fields: {
      rowsRead: { transform: 'HUB_STATE' },
      bytesRead: { transform: 'HUB_STATE' },
      bytesTotal: { transform: 'HUB_STATE' },
      fraction: { transform: 'HUB_STATE', note: "Of the file read, 0–1" },
      stepDone: { transform: 'HUB_STATE', note: "While applying or undoing: changes done and to do" },
      stepTotal: { transform: 'HUB_STATE' },
    },
  },
  RepairColumn: {
    fields: {
      column: { transform: 'HUB_STATE', note: "The column as the file names it" },
      role: { transform: 'HUB_STATE', note: "ORDER_NO, TEXT (read for evidence) or FIELD" },
      field: { transform: 'HUB_STATE' },
    },
  },
  RepairMissingField: {
    fields: {
      field: { transform: 'HUB_STATE' },
      column: { transform: 'HUB_STATE', note: "The file's column for it; null when the file has none" },
      rows: { transform: 'HUB_STATE', note: "Rows read where the file gives no value for it" },
    },
  },
  RepairFieldSummary: {
    fields: {
      field: { transform: 'HUB_STATE' },
      source: { transform: 'HUB_STATE' },
      decision: { transform: 'HUB_STATE' },
      count: { transform: 'HUB_STATE' },
      meanConfidence: { transform: 'HUB_STATE' },
    },
  },
  RepairSummary: {
    fields: {
      proposed: { transform: 'HUB_STATE' },
      accepted: { transform: 'HUB_STATE' },
      review: { transform: 'HUB_STATE' },
      rejected: { transform: 'HUB_STATE' },
      applied: { transform: 'HUB_STATE' },
      changedSince: { transform: 'HUB_STATE' },
      notFound: { transform: 'HUB_STATE' },
      undone: { transform: 'HUB_STATE' },
      undoConflicts: { transform: 'HUB_STATE' },
      issues: { transform: 'HUB_STATE' },
      byField: { transform: 'HUB_STATE' },
    },
  },
  RepairError: {
    fields: {
      code: { transform: 'HUB_STATE', note: "EMPTY_FILE, ENCODING_INVALID, CELL_TOO_LARGE, MALFORMED_CSV …" },
      messageZh: { transform: 'HUB_STATE' },
      messageEn: { transform: 'HUB_STATE' },
      row: { transform: 'HUB_STATE' },
    },
  },
  RepairJob: {
    fields: {
      id: { transform: 'HUB_STATE' },
      fileName: { transform: 'HUB_STATE' },
      state: { transform: 'HUB_STATE' },
      format: { transform: 'HUB_STATE', note: "csv or xlsx" },
      encoding: { transform: 'HUB_STATE', note: "utf-8 or gb18030 (CSV)" },
      progress: { transform: 'HUB_STATE' },
      columns: { transform: 'HUB_STATE' },
      ignoredColumns: { transform: 'HUB_STATE', note: "Columns the wizard does not use" },
      missing: { transform: 'HUB_STATE', note: "The requirement fields the file lacks, wholly or in some rows" },
      summary: { transform: 'HUB_STATE' },
      changes: { transform: 'HUB_STATE' },
      issues: { transform: 'HUB_STATE' },
      error: { transform: 'HUB_STATE' },
      autoAcceptConfidence: { transform: 'HUB_STATE' },
      createdAt: { transform: 'HUB_STATE' },
      createdBy: { transform: 'HUB_STATE' },
      readAt: { transform: 'HUB_STATE' },
      appliedAt: { transform: 'HUB_STATE' },
      appliedBy: { transform: 'HUB_STATE' },
      undoneAt: { transform: 'HUB_STATE' },
      undoneBy: { transform: 'HUB_STATE' },
    },
  },
  RepairEvidence: {
    fields: {
      column: { transform: 'HUB_STATE', note: "The column the evidence is in" },
      text: { transform: 'HUB_STATE', note: "The cell as written (cut at 300 characters)" },
      span: { transform: 'HUB_STATE', note: "Where in the cell; null when the whole cell is the evidence (a value in the field's own column)" },
      cue: { transform: 'HUB_STATE' },
      negated: { transform: 'HUB_STATE' },
    },
  },
  RepairChange: {
    fields: {
      id: { transform: 'HUB_STATE' },
      rowNo: { transform: 'HUB_STATE', note: "The file's row, as a spreadsheet numbers it (the header is row 1)" },
      erpOrderNo: { transform: 'HUB_STATE' },
      field: { transform: 'HUB_STATE' },
      kind: { transform: 'HUB_STATE' },
      source: { transform: 'HUB_STATE' },
      fileValue: { transform: 'HUB_STATE', note: "The file's own value for the field, when it has one (JSON: \"URGENT\", [\"INVOICE\"], 12, true)" },
      erpBefore: { transform: 'HUB_STATE', note: "What ERP recorded when the file was read; null: nothing" },
      proposed: { transform: 'HUB_STATE' },
      confidence: { transform: 'HUB_STATE' },
      evidence: { transform: 'HUB_STATE' },
      decision: { transform: 'HUB_STATE' },
      state: { transform: 'HUB_STATE' },
      appliedAt: { transform: 'HUB_STATE' },
      undoneAt: { transform: 'HUB_STATE' },
    },
  },
  RepairChangeConnection: {
    fields: {
      edges: { transform: 'HUB_STATE' },
      totalCount: { transform: 'HUB_STATE' },
      pageInfo: { transform: 'HUB_STATE' },
    },
  },
  RepairChangeEdge: {
    fields: {
      node: { transform: 'HUB_STATE' },
      cursor: { transform: 'HUB_STATE' },
    },
  },
  RepairIssue: {
    fields: {
      rowNo: { transform: 'HUB_STATE' },
      code: { transform: 'HUB_STATE', note: "ORDER_NO_MISSING, ORDER_NO_INVALID, ORDER_NOT_FOUND, DUPLICATE_ORDER_ROW, FORMULA_INJECTION (the cell would run as a spreadsheet formula; never evaluated), VALU" },
      column: { transform: 'HUB_STATE' },
      cell: { transform: 'HUB_STATE', note: "The cell as written (cut at 200 characters)" },
    },
  },
  RepairIssueConnection: {
    fields: {
      edges: { transform: 'HUB_STATE' },
      totalCount: { transform: 'HUB_STATE' },
      pageInfo: { transform: 'HUB_STATE' },
    },
  },
  RepairIssueEdge: {
    fields: {
      node: { transform: 'HUB_STATE' },
      cursor: { transform: 'HUB_STATE' },
    },
  },
  DecideRepairChangesPayload: {
    fields: {
      updated: { transform: 'HUB_STATE', note: "Changes whose decision was set" },
      job: { transform: 'HUB_STATE' },
    },
  },
  }),
];
