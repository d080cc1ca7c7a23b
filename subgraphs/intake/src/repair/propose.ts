// What the repair wizard proposes for one row of an uploaded file (pure): which columns mean what,
// what each requirement cell says, what the remark and other free-text columns say, and — against
// what ERP holds — the changes worth making, each with its evidence and confidence.
import {
  ATTACHMENTS,
  DELIVERY_CONSTRAINTS,
  PURPOSES,
  REQUIREMENT_FIELDS,
  encodeRequirement,
  type OrderRequirements,
  type RequirementField,
} from '../../../../common/src/requirements.js';
import { interpretRemark, type RemarkInterpretation, type Span } from '#text';
import { boundedCache } from '../../../../common/src/cache.js';

export type ColumnRole = 'orderNo' | 'text' | RequirementField;

/** Header spellings (after normalising: NFKC, lower case, no spaces, brackets or punctuation). */
const HEADER_NAMES: Record<ColumnRole, string[]> = {
  orderNo: ['订单号', '销售订单号', '订单编号', '销售单号', '单号', 'so号', 'csocode', 'orderno', 'ordernumber', 'erporderno', 'salesorderno'],
  text: ['备注', '订单备注', '说明', '客户要求', '特殊要求', '交货说明', '摘要', '附言', 'cmemo', 'remark', 'remarks', 'memo', 'note', 'notes', 'comment', 'comments'],
  priority: ['紧急程度', '优先级', '是否加急', '加急', '紧急', 'urgency', 'priority', 'curgency'],
  attachments: ['随货资料', '附件要求', '随货单据', '随货文件', '附件', 'attachments', 'documents', 'cattachreq'],
  purpose: ['用途', '采购用途', '购买用途', 'purpose', 'cpurpose'],
  minShelfLifeMonths: ['保质期要求', '保质期要求月', '最短保质期', '最短保质期月', '保质期月', '剩余保质期', '剩余保质期月', '效期要求', 'minshelflife', 'minshelflifemonths', 'shelflife', 'iminshelfmonths'],
  callBeforeDelivery: ['送货前电话', '送前电话', '电话预约', '提前电话', '送货前联系', 'callbeforedelivery', 'bcallbefore'],
  deliveryConstraint: ['收货时间', '收货限制', '送货限制', '送货时间要求', '收货时间限制', 'deliveryconstraint', 'cdeliverylimit'],
};

const normalizeHeader = (h: string) =>
  h
    .normalize('NFKC')
    .toLowerCase()
    .replace(/[\s_\-.()（）[\]【】:：/]/g, '');

const ROLE_BY_HEADER = new Map<string, ColumnRole>(Object.entries(HEADER_NAMES).flatMap(([role, names]) => names.map((n) => [n, role as ColumnRole])));

export interface ColumnMap {
  orderNo: string | null;
  /** Free-text columns read for evidence, in file order. */
  text: string[];
  fields: Partial<Record<RequirementField, string>>;
  ignored: string[];
}

export function mapColumns(header: string[]): ColumnMap {
  const map: ColumnMap = { orderNo: null, text: [], fields: {}, ignored: [] };
  for (const name of header) {
    const role = ROLE_BY_HEADER.get(normalizeHeader(name));
    if (role === 'orderNo' && !map.orderNo) map.orderNo = name;
    else if (role === 'text') map.text.push(name);
    else if (role && role !== 'orderNo' && !map.fields[role]) map.fields[role] = name;
    else map.ignored.push(name);
  }
  return map;
}

/** Cells people leave for "nothing": blank, a dash, a slash. */
export const isBlankCell = (v: string | undefined) => v == null || /^[\s\-—–/\\.。]*$/.test(v);

const YES = /^(是|要|需要|y|yes|true|1|√|✓|急|紧急|加急)$/i;
const NO = /^(否|不|不要|不需要|无需|n|no|false|0|×|普通|正常|一般|不急)$/i;

export type CellReading = { value: OrderRequirements[RequirementField] } | { unreadable: true } | null;

/**
 * What a requirement column's cell says: the enum names, yes/no words and plain numbers first,
 * else the cell is read like a remark restricted to that field (检测报告、合格证 → both). Null for a
 * blank cell; `unreadable` for one that says something the hub cannot read.
 */
export function readFieldCell(field: RequirementField, raw: string | undefined, interpret: (t: string) => RemarkInterpretation): CellReading {
  if (isBlankCell(raw)) return null;
  const cell = raw!.normalize('NFKC').trim();
  const upper = cell.toUpperCase();
  switch (field) {
    case 'priority':
      if (upper === 'URGENT' || YES.test(cell)) return { value: 'URGENT' };
      if (upper === 'NORMAL' || NO.test(cell)) return { value: 'NORMAL' };
      break;
    case 'callBeforeDelivery':
      if (YES.test(cell) && !/急/.test(cell)) return { value: true };
      if (NO.test(cell) && !/急/.test(cell)) return { value: false };
      break;
    case 'attachments': {
      if (/^(无|不需要|不用|none|无需)$/i.test(cell)) return { value: [] };
      const named = cell.split(/[\s,，、;；/|]+/).filter(Boolean);
      if (named.length && named.every((n) => (ATTACHMENTS as readonly string[]).includes(n.toUpperCase()))) return { value: named.map((n) => n.toUpperCase()) as OrderRequirements['attachments'] };
      break;
    }
    case 'purpose':
      if ((PURPOSES as readonly string[]).includes(upper)) return { value: upper as OrderRequirements['purpose'] };
      break;
    case 'deliveryConstraint':
      if ((DELIVERY_CONSTRAINTS as readonly string[]).includes(upper)) return { value: upper as OrderRequirements['deliveryConstraint'] };
      break;
    case 'minShelfLifeMonths': {
      const n = /^(\d{1,3})\s*(个?月)?(以上)?$/.exec(cell);
      if (n && Number(n[1]) <= 120) return { value: Number(n[1]) };
      // 一年以上, 18个月: read with the shelf-life words the lexicon knows.
      const read = interpret(`保质期${cell}`).minShelfLifeMonths;
      if (read.value != null) return { value: read.value };
      return { unreadable: true };
    }
  }
  const read = interpret(cell)[field];
  if (read.evidence.some((e) => !e.negated) || (read.evidence.length && field !== 'attachments')) return { value: read.value as OrderRequirements[RequirementField] };
  return { unreadable: true };
}

export interface ProposalEvidence {
  column: string;
  /** The cell as written (cut at 300 characters). */
  text: string;
  span: Span | null;
  cue: string | null;
  negated: boolean;
}

export type ProposalSource = 'COLUMN' | 'TEXT' | 'DEFAULT';

export interface Proposal {
  field: RequirementField;
  /** FILL: ERP has nothing recorded; CONFLICT: ERP holds another value. */
  kind: 'FILL' | 'CONFLICT';
  source: ProposalSource;
  /** Canonical JSON (encodeRequirement) of the file's own cell, when the file has the column and the cell says something. */
  fileValue: string | null;
  erpBefore: string | null;
  proposed: string;
  confidence: number;
  evidence: ProposalEvidence[];
}

export interface RowFindings {
  proposals: Proposal[];
  /** Requirement cells the hub could not read (kept as issues; the field is inferred as if blank). */
  unreadable: { column: string; cell: string }[];
  /** Fields the file leaves blank in this row, or has no column for. */
  blank: RequirementField[];
}

const cut = (s: string) => (s.length > 300 ? `${s.slice(0, 300)}…` : s);

/**
 * The changes one row asks for. A value in the file's own column is taken as it stands (and
 * marked down to review when the remark says otherwise); a missing one is inferred from the free
 * text, or defaults to what silence means (NORMAL, none, false) with lower confidence. Nothing is
 * proposed where ERP already holds the value.
 */
export function proposeForRow(
  values: Record<string, string>,
  columns: ColumnMap,
  erp: OrderRequirements,
  interpret: (t: string) => RemarkInterpretation,
  options: { proposeDefaults: boolean },
): RowFindings {
  const texts = columns.text.map((column) => ({ column, text: values[column] ?? '' })).filter((t) => !isBlankCell(t.text));
  const readings = texts.map((t) => ({ ...t, reading: interpret(t.text) }));
  const findings: RowFindings = { proposals: [], unreadable: [], blank: [] };
  for (const field of REQUIREMENT_FIELDS) {
    const column = columns.fields[field];
    const cellReading = column ? readFieldCell(field, values[column], interpret) : null;
    if (column && cellReading && 'unreadable' in cellReading) findings.unreadable.push({ column, cell: cut(values[column] ?? '') });
    const fileValue = cellReading && 'value' in cellReading ? encodeRequirement(field, cellReading.value) : null;
    // The first free-text column that speaks to the field (negations included) is the evidence.
    const spoken = readings.find((r) => r.reading[field].evidence.length > 0);
    const textEvidence = (r: (typeof readings)[number]): ProposalEvidence[] =>
      r.reading[field].evidence.map((e) => ({ column: r.column, text: cut(r.text), span: e.span, cue: e.cue, negated: e.negated }));

    let proposed: string | null;
    let source: ProposalSource;
    let confidence: number;
    let evidence: ProposalEvidence[];
    if (fileValue != null) {
      proposed = fileValue;
      source = 'COLUMN';
      evidence = [{ column: column!, text: cut(values[column!]), span: null, cue: null, negated: false }];
      const said = spoken ? encodeRequirement(field, spoken.reading[field].value) : null;
      confidence = spoken && said !== fileValue ? 0.5 : 0.99;
      if (spoken && said !== fileValue) evidence.push(...textEvidence(spoken));
    } else {
      findings.blank.push(field);
      if (spoken) {
        proposed = encodeRequirement(field, spoken.reading[field].value);
        source = 'TEXT';
        confidence = spoken.reading[field].confidence;
        evidence = textEvidence(spoken);
      } else {
        if (!options.proposeDefaults) continue;
        const silent = interpret('')[field];
        proposed = encodeRequirement(field, silent.value);
        source = 'DEFAULT';
        // A remark that says nothing of it is weak evidence; no remark at all is weaker.
        confidence = readings.length ? silent.confidence : 0.5;
        evidence = [];
      }
      // Silence about shelf life or a purpose proposes nothing: there is no value to write.
      if (proposed == null) continue;
    }
    const erpBefore = encodeRequirement(field, erp[field]);
    if (erpBefore === proposed) continue;
    findings.proposals.push({ field, kind: erpBefore == null ? 'FILL' : 'CONFLICT', source, fileValue, erpBefore, proposed: proposed!, confidence, evidence });
  }
  return findings;
}

/**
 * Interpretations of repeated remarks are kept for one read of a file: historical exports repeat
 * the same few phrases. The reading is a pure function of the text: nothing goes stale.
 */
export function cachedInterpreter(limit = 20_000): (text: string) => RemarkInterpretation {
  const cache = boundedCache<string, RemarkInterpretation>({ max: limit, ttlMs: null });
  return (text) => {
    let r = cache.get(text);
    if (!r) cache.set(text, (r = interpretRemark(text)));
    return r;
  };
}
