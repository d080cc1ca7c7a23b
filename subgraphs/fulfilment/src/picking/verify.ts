// What one scan means for an outbound being picked: the checks a picker's phone runs, in order —
// a barcode we can read, a product in the catalog, a SKU the order needs, an expiry the order's
// rule allows, the batch allocated, a quantity that does not overshoot — and what to count. Pure:
// the service hands it the outbound's lines as they stand under lock.
import type { Bilingual } from '../../../../common/src/errors.js';
import type { PickLineRow } from '#adapters/wms';
import type { ScanResult } from './gs1.js';
import { lotState } from '#adapters/wms';

export type ScanOutcome = 'OK' | 'WRONG_SKU' | 'WRONG_BATCH' | 'EXPIRED' | 'OVER_PICK' | 'UNKNOWN_BARCODE';

export interface ScanSku {
  code: string;
  spec: string;
  name: string;
  shelfLifeMonths: number | null;
}

export interface ScanInput {
  scan: ScanResult;
  /** The catalog entry the barcode names (by GTIN or warehouse label); null when none. */
  sku: ScanSku | null;
  /** The outbound's lines, current. */
  lines: readonly PickLineRow[];
  /** Catalog entries of the outbound's SKUs, for messages. */
  skus: ReadonlyMap<string, ScanSku>;
  /** WMS expiry (t_stock.exp_date) of the scanned SKU's batch; undefined when not known. */
  batchExpiresOn: string | null | undefined;
  /** Beijing date, YYYY-MM-DD. */
  today: string;
  /** The order's expiry rule for a SKU. */
  minRemainingShelfLifeMonths: (sku: ScanSku) => number;
}

export interface ScanDecision {
  outcome: ScanOutcome;
  text: Bilingual;
  skuCode: string | null;
  batchNo: string | null;
  quantity: number;
  /** What to count (OK only). */
  increments: { lineId: number; quantity: number }[];
  /** The line counted on, or for a wrong scan the line the picker should go to instead. */
  line: PickLineRow | null;
}

const remaining = (l: PickLineRow) => Math.max(0, l.quantity - l.pickedQuantity);
const open = (lines: readonly PickLineRow[]) => lines.filter((l) => remaining(l) > 0);
const sumRemaining = (lines: readonly PickLineRow[]) => lines.reduce((s, l) => s + remaining(l), 0);
const sameBatch = (a: string, b: string) => a.trim().toUpperCase() === b.trim().toUpperCase();

const UNREADABLE: Record<string, Bilingual> = {
  EMPTY: { zh: '空条码', en: 'empty scan' },
  TOO_LONG: { zh: '条码过长', en: 'scan too long' },
  MALFORMED: { zh: '格式不对', en: 'malformed' },
  BAD_CHECK_DIGIT: { zh: '校验位错误', en: 'bad check digit' },
  UNKNOWN_AI: { zh: '含未知的 GS1 应用标识符', en: 'unknown GS1 application identifier' },
  BAD_DATE: { zh: '日期无效', en: 'invalid date' },
  BAD_QUANTITY: { zh: '数量无效', en: 'invalid quantity' },
  CONFLICTING_AI: { zh: 'GS1 字段相互矛盾', en: 'conflicting GS1 fields' },
};

function describe(sku: ScanSku | undefined, code: string): Bilingual {
  return sku ? { zh: `${sku.spec}（${sku.code}）`, en: `${sku.spec} (${sku.code})` } : { zh: code, en: code };
}

/** "NTN-N204 批次 202510A ×2 @F1-A02-S05", up to three, for "still to pick". */
function todo(lines: readonly PickLineRow[], skus: ReadonlyMap<string, ScanSku>): Bilingual {
  const items = open(lines).slice(0, 3);
  if (items.length === 0) return { zh: '无', en: 'nothing' };
  const more = open(lines).length - items.length;
  const zh = items.map((l) => `${skus.get(l.skuCode)?.spec ?? l.skuCode} 批次 ${l.batchNo} ×${remaining(l)} @${l.locCode}`).join('，');
  const en = items.map((l) => `${skus.get(l.skuCode)?.spec ?? l.skuCode} batch ${l.batchNo} ×${remaining(l)} @${l.locCode}`).join(', ');
  return more > 0 ? { zh: `${zh} 等 ${more + items.length} 行`, en: `${en} and ${more} more` } : { zh, en };
}

export function decideScan(input: ScanInput): ScanDecision {
  const { scan, sku, lines, skus } = input;
  const quantity = scan.ok ? (scan.quantity ?? 1) : 1;
  const wrong = (outcome: Exclude<ScanOutcome, 'OK'>, text: Bilingual, line: PickLineRow | null = open(lines)[0] ?? null): ScanDecision => ({
    outcome,
    text,
    skuCode: sku?.code ?? null,
    batchNo: scan.ok ? (scan.batchNo ?? null) : null,
    quantity,
    increments: [],
    line,
  });

  if (!scan.ok) {
    const why = UNREADABLE[scan.reason] ?? UNREADABLE.MALFORMED;
    return wrong('UNKNOWN_BARCODE', { zh: `无法识别的条码：${why.zh}`, en: `Unreadable barcode: ${why.en}` });
  }
  if (!sku) {
    const gtin = scan.gtin ?? scan.contentGtin;
    if (scan.skuCode) return wrong('UNKNOWN_BARCODE', { zh: `仓库标签上的商品 ${scan.skuCode} 不在商品目录中`, en: `The warehouse label names ${scan.skuCode}, which is not in the catalog` });
    if (gtin) return wrong('UNKNOWN_BARCODE', { zh: `商品条码 ${gtin} 不在商品目录中`, en: `Product barcode ${gtin} is not in the catalog` });
    return wrong('UNKNOWN_BARCODE', { zh: '条码中没有商品码（GTIN），请扫描商品条码或仓库标签', en: 'The barcode carries no product code (GTIN): scan the product barcode or the warehouse label' });
  }

  const what = describe(sku, sku.code);
  const ofSku = lines.filter((l) => l.skuCode === sku.code);
  if (ofSku.length === 0) {
    const rest = todo(lines, skus);
    return wrong('WRONG_SKU', { zh: `拿错商品：${what.zh} 不在本单中。还需拣：${rest.zh}`, en: `Wrong item: ${what.en} is not on this order. Still to pick: ${rest.en}` });
  }
  const nextOfSku = open(ofSku)[0] ?? null;
  if (sumRemaining(ofSku) === 0) {
    const done = ofSku.reduce((s, l) => s + l.pickedQuantity, 0);
    return wrong('OVER_PICK', { zh: `多拣：${what.zh} 已拣够（${done} 件），请放回`, en: `Over-pick: ${what.en} is complete (${done}); put it back` }, open(lines)[0] ?? null);
  }

  const months = input.minRemainingShelfLifeMonths(sku);
  const expiryProblem = (expiresOn: string, source: Bilingual): Bilingual | null => {
    const state = lotState({ expiresOn, binUsable: true }, { asOf: input.today, minRemainingShelfLifeMonths: months });
    if (state === 'EXPIRED') return { zh: `已过期：${what.zh} ${source.zh}有效期至 ${expiresOn}，不得发货`, en: `Expired: ${what.en} ${source.en}expired on ${expiresOn}; it must not ship` };
    if (state === 'SHORT_DATED') {
      return months > 0
        ? { zh: `效期不足：${what.zh} ${source.zh}有效期至 ${expiresOn}，本单要求剩余至少 ${months} 个月`, en: `Too close to expiry: ${what.en} ${source.en}expires on ${expiresOn}; this order needs at least ${months} months left` }
        : { zh: `效期不足：${what.zh} ${source.zh}今天到期`, en: `Too close to expiry: ${what.en} ${source.en}expires today` };
    }
    return null;
  };
  if (scan.expiresOn) {
    const problem = expiryProblem(scan.expiresOn, { zh: '条码上', en: 'per its barcode ' });
    if (problem) return wrong('EXPIRED', problem, nextOfSku);
  }

  const hint = nextOfSku ? { zh: `应拣批次 ${nextOfSku.batchNo}（库位 ${nextOfSku.locCode}）`, en: `pick batch ${nextOfSku.batchNo} (bin ${nextOfSku.locCode})` } : { zh: '', en: '' };
  if (!scan.batchNo) {
    return wrong(
      'WRONG_BATCH',
      { zh: `条码不含批次号，无法核对批次：请扫描带批次的 GS1 条码或仓库标签，${hint.zh}`, en: `The barcode carries no batch, so the batch cannot be checked: scan the GS1 barcode with batch or the warehouse label; ${hint.en}` },
      nextOfSku,
    );
  }
  const ofBatch = ofSku.filter((l) => sameBatch(l.batchNo, scan.batchNo!));
  if (ofBatch.length === 0) {
    return wrong('WRONG_BATCH', { zh: `批次不对：${what.zh} 批次 ${scan.batchNo} 不是本单分配的批次，${hint.zh}`, en: `Wrong batch: ${what.en} batch ${scan.batchNo} is not the batch allocated to this order; ${hint.en}` }, nextOfSku);
  }
  if (input.batchExpiresOn) {
    const problem = expiryProblem(input.batchExpiresOn, { zh: `批次 ${scan.batchNo} `, en: `batch ${scan.batchNo} ` });
    if (problem) return wrong('EXPIRED', problem, nextOfSku);
  }

  const left = sumRemaining(ofBatch);
  if (quantity > left) {
    const text =
      left === 0
        ? { zh: `多拣：${what.zh} 批次 ${scan.batchNo} 已拣够，请放回；${hint.zh}`, en: `Over-pick: ${what.en} batch ${scan.batchNo} is complete; put it back; ${hint.en}` }
        : { zh: `多拣：扫描数量 ${quantity} 超过批次 ${scan.batchNo} 还需的 ${left} 件，本次未计数`, en: `Over-pick: ${quantity} scanned but batch ${scan.batchNo} needs only ${left} more; nothing counted` };
    return wrong('OVER_PICK', text, open(ofBatch)[0] ?? nextOfSku);
  }

  const increments: { lineId: number; quantity: number }[] = [];
  let need = quantity;
  for (const l of open(ofBatch)) {
    if (need === 0) break;
    const take = Math.min(need, remaining(l));
    increments.push({ lineId: l.id, quantity: take });
    need -= take;
  }
  const line = ofBatch.find((l) => l.id === increments[0].lineId)!;
  const pickedAfter = ofBatch.reduce((s, l) => s + l.pickedQuantity, 0) + quantity;
  const planned = ofBatch.reduce((s, l) => s + l.quantity, 0);
  return {
    outcome: 'OK',
    text: {
      zh: `正确：${what.zh} 批次 ${line.batchNo} ×${quantity}（${pickedAfter}/${planned}）`,
      en: `OK: ${what.en} batch ${line.batchNo} ×${quantity} (${pickedAfter}/${planned})`,
    },
    skuCode: sku.code,
    batchNo: line.batchNo,
    quantity,
    increments,
    line,
  };
}
