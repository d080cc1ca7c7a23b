// Where intake's fields come from: drafts read from pasted text (the text package, #text) against the
// ERP catalog and customers, and repair jobs read from uploaded files; each worked out by the module
// named and kept in the hub database.
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
    PageInfo: {
      fields: {
        hasNextPage: { transform: 'DERIVED' },
        endCursor: { transform: 'DERIVED' },
      },
    },
    TextSpan: {
      fields: {
        start: { transform: 'DERIVED' },
        end: { transform: 'DERIVED' },
        text: { transform: 'DERIVED' },
      },
    },
    ReadText: {
      fields: {
        value: { transform: 'DERIVED' },
        confidence: { transform: 'DERIVED' },
        span: { transform: 'DERIVED' },
        source: { transform: 'DERIVED', note: "The rule that produced it, e.g." },
      },
    },
    ReadInt: {
      fields: {
        value: { transform: 'DERIVED' },
        confidence: { transform: 'DERIVED' },
        span: { transform: 'DERIVED' },
        source: { transform: 'DERIVED' },
      },
    },
    RemarkEvidence: {
      fields: {
        span: { transform: 'DERIVED' },
        cue: { transform: 'DERIVED', note: "The lexicon cue that matched (text/lexicon/remark-cues.json)" },
        negated: { transform: 'DERIVED', note: "True when a negation cancels the cue (不急, 无需发票): evidence for the opposite" },
      },
    },
    RemarkPriority: {
      fields: {
        value: { transform: 'DERIVED' },
        confidence: { transform: 'DERIVED' },
        evidence: { transform: 'DERIVED' },
      },
    },
    RemarkAttachments: {
      fields: {
        value: { transform: 'DERIVED' },
        confidence: { transform: 'DERIVED' },
        evidence: { transform: 'DERIVED' },
      },
    },
    RemarkPurpose: {
      fields: {
        value: { transform: 'DERIVED' },
        confidence: { transform: 'DERIVED' },
        evidence: { transform: 'DERIVED' },
      },
    },
    RemarkShelfLife: {
      fields: {
        value: { transform: 'DERIVED', note: "Months" },
        confidence: { transform: 'DERIVED' },
        evidence: { transform: 'DERIVED' },
      },
    },
    RemarkCallBefore: {
      fields: {
        value: { transform: 'DERIVED' },
        confidence: { transform: 'DERIVED' },
        evidence: { transform: 'DERIVED' },
      },
    },
    RemarkDeliveryConstraint: {
      fields: {
        value: { transform: 'DERIVED' },
        confidence: { transform: 'DERIVED' },
        evidence: { transform: 'DERIVED' },
      },
    },
    RemarkReading: {
      fields: {
        text: { transform: 'DERIVED' },
        priority: { transform: 'DERIVED' },
        attachments: { transform: 'DERIVED' },
        purpose: { transform: 'DERIVED' },
        minShelfLifeMonths: { transform: 'DERIVED' },
        callBeforeDelivery: { transform: 'DERIVED' },
        deliveryConstraint: { transform: 'DERIVED' },
      },
    },
    OrderDraft: {
      fields: {
        id: { transform: 'DERIVED', note: "DR0000000012" },
        text: { transform: 'DERIVED', note: "The message as pasted" },
        state: { transform: 'DERIVED' },
        contactName: { transform: 'DERIVED' },
        mobile: { transform: 'DERIVED', note: "11 digits" },
        province: { transform: 'DERIVED', note: "Full official form: 江苏省; municipalities 上海市" },
        city: { transform: 'DERIVED' },
        district: { transform: 'DERIVED', note: "昆山市 for a county-level city" },
        detail: { transform: 'DERIVED', note: "Street and number as written, without province, city and district" },
        items: { transform: 'DERIVED' },
        deliveryHint: { transform: 'DERIVED', note: "When the goods are wanted, as written (明天下午, 周五前)" },
        requestedDeliveryAt: { transform: 'DERIVED', note: "The hint as an instant, relative to when the draft was made (明天下午 → tomorrow 18:00 Beijing); null when it names no date (尽快)" },
        customerHint: { transform: 'DERIVED', note: "A shop or company name as written" },
        customer: { transform: 'DERIVED', note: "The known ERP customer the text names (by customer code, mobile or shop name); null when none could be told" },
        remarks: { transform: 'DERIVED', note: "What the message asks beyond items and address (发票, 到了打电话 …), clause by clause" },
        remarkReading: { transform: 'DERIVED', note: "The remarks read like any order remark: what the confirmed order will record as its requirements" },
        unresolved: { transform: 'DERIVED', note: "Everything mentioned but not resolved: unknown products, unclear quantities, an ambiguous district …" },
        complete: { transform: 'DERIVED', note: "True when it can be confirmed as read: a customer, items with quantities, nothing unresolved about them" },
        storeCode: { transform: 'DERIVED', note: "The store the order will be placed for, when given" },
        createdAt: { transform: 'DERIVED' },
        createdBy: { transform: 'DERIVED' },
        erpOrderNo: { transform: 'DERIVED' },
        confirmedAt: { transform: 'DERIVED' },
        confirmedBy: { transform: 'DERIVED' },
        order: { transform: 'DERIVED', note: "The hub's order, once confirmed and linked" },
      },
    },
    DraftItem: {
      fields: {
        model: { transform: 'DERIVED', note: "The catalog model (ERP cInvStd); the span covers the product as written" },
        qty: { transform: 'DERIVED', note: "In the catalog unit; null when the text gives none, or a pack without its size" },
        sku: { transform: 'DERIVED' },
        unit: { transform: 'DERIVED', note: "The catalog unit, e.g." },
      },
    },
    DraftCustomer: {
      fields: {
        customer: { transform: 'DERIVED' },
        name: { transform: 'DERIVED' },
        confidence: { transform: 'DERIVED' },
        span: { transform: 'DERIVED' },
        source: { transform: 'DERIVED', note: "CUSTOMER_CODE, CUSTOMER_PHONE or CUSTOMER_NAME: what matched" },
      },
    },
    DraftIssue: {
      fields: {
        field: { transform: 'DERIVED', note: "The draft field it concerns: items, district, mobile, customer …" },
        reason: { transform: 'DERIVED' },
        text: { transform: 'DERIVED', note: "The text as written" },
        span: { transform: 'DERIVED' },
        candidates: { transform: 'DERIVED', note: "Possible values, when there are a few (catalog models, districts, customer codes)" },
        messageZh: { transform: 'DERIVED' },
        messageEn: { transform: 'DERIVED' },
      },
    },
    ConfirmOrderDraftPayload: {
      fields: {
        draft: { transform: 'DERIVED' },
        erpOrderNo: { transform: 'DERIVED' },
        created: { transform: 'DERIVED', note: "False when this clientKey had already confirmed the draft: the same order, nothing created again" },
        order: { transform: 'DERIVED', note: "The hub's order, linked and judged by the rules; null if the hub could not link it yet (it will shortly)" },
      },
    },
  }),
  ...declareLineage({ subgraph: 'intake', module: 'subgraphs/intake/src/repair/', system: 'HUB' }, {
    RepairProgress: {
      fields: {
        rowsRead: { transform: 'DERIVED' },
        bytesRead: { transform: 'DERIVED' },
        bytesTotal: { transform: 'DERIVED' },
        fraction: { transform: 'DERIVED', note: "Of the file read, 0–1" },
        stepDone: { transform: 'DERIVED', note: "While applying or undoing: changes done and to do" },
        stepTotal: { transform: 'DERIVED' },
      },
    },
    RepairColumn: {
      fields: {
        column: { transform: 'DERIVED', note: "The column as the file names it" },
        role: { transform: 'DERIVED', note: "ORDER_NO, TEXT (read for evidence) or FIELD" },
        field: { transform: 'DERIVED' },
      },
    },
    RepairMissingField: {
      fields: {
        field: { transform: 'DERIVED' },
        column: { transform: 'DERIVED', note: "The file's column for it; null when the file has none" },
        rows: { transform: 'DERIVED', note: "Rows read where the file gives no value for it" },
      },
    },
    RepairFieldSummary: {
      fields: {
        field: { transform: 'DERIVED' },
        source: { transform: 'DERIVED' },
        decision: { transform: 'DERIVED' },
        count: { transform: 'DERIVED' },
        meanConfidence: { transform: 'DERIVED' },
      },
    },
    RepairSummary: {
      fields: {
        proposed: { transform: 'DERIVED' },
        accepted: { transform: 'DERIVED' },
        review: { transform: 'DERIVED' },
        rejected: { transform: 'DERIVED' },
        applied: { transform: 'DERIVED' },
        changedSince: { transform: 'DERIVED' },
        notFound: { transform: 'DERIVED' },
        undone: { transform: 'DERIVED' },
        undoConflicts: { transform: 'DERIVED' },
        issues: { transform: 'DERIVED' },
        byField: { transform: 'DERIVED' },
      },
    },
    RepairError: {
      fields: {
        code: { transform: 'DERIVED', note: "EMPTY_FILE, ENCODING_INVALID, CELL_TOO_LARGE, MALFORMED_CSV …" },
        messageZh: { transform: 'DERIVED' },
        messageEn: { transform: 'DERIVED' },
        row: { transform: 'DERIVED' },
      },
    },
    RepairJob: {
      fields: {
        id: { transform: 'DERIVED' },
        fileName: { transform: 'DERIVED' },
        state: { transform: 'DERIVED' },
        format: { transform: 'DERIVED', note: "csv or xlsx" },
        encoding: { transform: 'DERIVED', note: "utf-8 or gb18030 (CSV)" },
        progress: { transform: 'DERIVED' },
        columns: { transform: 'DERIVED' },
        ignoredColumns: { transform: 'DERIVED', note: "Columns the wizard does not use" },
        missing: { transform: 'DERIVED', note: "The requirement fields the file lacks, wholly or in some rows" },
        summary: { transform: 'DERIVED' },
        changes: { transform: 'DERIVED' },
        issues: { transform: 'DERIVED' },
        error: { transform: 'DERIVED' },
        autoAcceptConfidence: { transform: 'DERIVED' },
        createdAt: { transform: 'DERIVED' },
        createdBy: { transform: 'DERIVED' },
        readAt: { transform: 'DERIVED' },
        appliedAt: { transform: 'DERIVED' },
        appliedBy: { transform: 'DERIVED' },
        undoneAt: { transform: 'DERIVED' },
        undoneBy: { transform: 'DERIVED' },
      },
    },
    RepairEvidence: {
      fields: {
        column: { transform: 'DERIVED', note: "The column the evidence is in" },
        text: { transform: 'DERIVED', note: "The cell as written (cut at 300 characters)" },
        span: { transform: 'DERIVED', note: "Where in the cell; null when the whole cell is the evidence (a value in the field's own column)" },
        cue: { transform: 'DERIVED' },
        negated: { transform: 'DERIVED' },
      },
    },
    RepairChange: {
      fields: {
        id: { transform: 'DERIVED' },
        rowNo: { transform: 'DERIVED', note: "The file's row, as a spreadsheet numbers it (the header is row 1)" },
        erpOrderNo: { transform: 'DERIVED' },
        field: { transform: 'DERIVED' },
        kind: { transform: 'DERIVED' },
        source: { transform: 'DERIVED' },
        fileValue: { transform: 'DERIVED', note: "The file's own value for the field, when it has one (JSON: \"URGENT\", [\"INVOICE\"], 12, true)" },
        erpBefore: { transform: 'DERIVED', note: "What ERP recorded when the file was read; null: nothing" },
        proposed: { transform: 'DERIVED' },
        confidence: { transform: 'DERIVED' },
        evidence: { transform: 'DERIVED' },
        decision: { transform: 'DERIVED' },
        state: { transform: 'DERIVED' },
        appliedAt: { transform: 'DERIVED' },
        undoneAt: { transform: 'DERIVED' },
      },
    },
    RepairChangeConnection: {
      fields: {
        edges: { transform: 'DERIVED' },
        totalCount: { transform: 'DERIVED' },
        pageInfo: { transform: 'DERIVED' },
      },
    },
    RepairChangeEdge: {
      fields: {
        node: { transform: 'DERIVED' },
        cursor: { transform: 'DERIVED' },
      },
    },
    RepairIssue: {
      fields: {
        rowNo: { transform: 'DERIVED' },
        code: { transform: 'DERIVED', note: "ORDER_NO_MISSING, ORDER_NO_INVALID, ORDER_NOT_FOUND, DUPLICATE_ORDER_ROW, FORMULA_INJECTION (the cell would run as a spreadsheet formula; never evaluated), VALU" },
        column: { transform: 'DERIVED' },
        cell: { transform: 'DERIVED', note: "The cell as written (cut at 200 characters)" },
      },
    },
    RepairIssueConnection: {
      fields: {
        edges: { transform: 'DERIVED' },
        totalCount: { transform: 'DERIVED' },
        pageInfo: { transform: 'DERIVED' },
      },
    },
    RepairIssueEdge: {
      fields: {
        node: { transform: 'DERIVED' },
        cursor: { transform: 'DERIVED' },
      },
    },
    DecideRepairChangesPayload: {
      fields: {
        updated: { transform: 'DERIVED', note: "Changes whose decision was set" },
        job: { transform: 'DERIVED' },
      },
    },
  }),
];
