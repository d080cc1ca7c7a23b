// npm run lineage:doc — writes docs/lineage.md from the lineage declarations (each adapter's
// lineage.ts, order-link's and fulfilment's src/lineage.ts). test/lineage.test.ts fails when the page
// and the declarations disagree.
import { writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import type { FieldLineage } from '../common/src/lineage.js';
import { supergraphLineage, TRANSFORM_TEXT } from '../subgraphs/order-link/src/lineage.js';

const cell = (s: string) => s.replace(/\|/g, '\\|').replace(/\n/g, ' ');

export function lineageDoc(all: readonly FieldLineage[] = supergraphLineage()): string {
  const bySystem = new Map<string, number>();
  for (const l of all) bySystem.set(l.system, (bySystem.get(l.system) ?? 0) + 1);
  const types = [...new Set(all.map((l) => l.coordinate.split('.')[0]))].sort();
  const source = (l: FieldLineage) =>
    l.sources.length
      ? l.sources.map((s) => `${s.system && s.system !== l.system ? `${s.system} ` : ''}${s.endpoint ? `\`${s.endpoint}\` → \`${s.jsonPath}\`` : `\`${s.table}.${s.column}\``}`).join(', ')
      : '—';
  let md = `# Lineage: where every field comes from

[← README](../README.md)

Every field of the graph says where it comes from: the subgraph that answers it, the file that does
the work, the legacy system, the table and column (or API endpoint and JSON path), and what happens on
the way. Each subgraph declares its fields next to the code that reads them — the adapters in
\`subgraphs/<system>/adapter/lineage.ts\`, order-link in \`src/lineage.ts\`, fulfilment in
\`src/lineage.ts\` — and \`test/lineage.test.ts\` fails when a field of the supergraph has no declaration,
when a declaration names a field its subgraph does not have, or when it names a column, table or JSON
key that the adapter's (or the hub's) code does not read. This page is written from the declarations
(\`npm run lineage:doc\`; the test fails when it is stale).

Staff ask for it in the graph:

\`\`\`graphql
{ fieldLineage(coordinate: "Order.lifecycle") { subgraph module system transform transformZh transformEn derivedFrom note
    sources { system table column endpoint jsonPath } }
  lineageGraph(type: "Order") { nodes { id kind label } edges { from to transform } } }
\`\`\`

\`lineageGraph\` is drawn left to right: system → table (or endpoint) → column (or JSON path) → module
→ field, the edge into the field carrying the transform; fields a field is worked out from point to it.
The board (\`/board\`, staff) draws it for any type as an SVG, fields on the left and systems on the
right, in Chinese or English; a click on a field lights its way to the systems and lists its sources,
transformation and note ([screenshot](web/board-lineage.png), \`web/src/board/LineagePanel.vue\`).
The hub's derived Order fields name what feeds them: \`lifecycle\` the stage times of the ERP, WMS and
TMS, \`promise\` ERP dPreDate and the rules' PROMISE effects, \`blockers\` (and \`currentBlocker\`, its
first customer-visible one) holds, decisions, the outbound's status, the seal, the waybill's status and
exception, unlinked documents and the calls' actions; \`pickPriority\` the calls' PRIORITY_RAISED actions.

\`\`\`
 system ─ table ─────── column ─────────────── code that reads it ──────────── (transform) ───────────────▶ field
 ERP ──── SO_SOMain ─── dDate ──────────────── erp adapter/datasource.ts ───── (Beijing time → instant) ──▶ Order.orderedAt
 ERP ──── SO_SOMain ─── iTotalSum ──────────── erp adapter/datasource.ts ───── (DECIMAL → money) ────────▶ Order.totalAmount
 WMS ──── t_out_order ─ status ─────────────── wms adapter/datasource.ts ───── (code map 60 → SHIPPED) ──▶ Outbound.status
 ERP, WMS, TMS ──────── dPayTime, pick_start_time, ship_time, tracks opCode/opTime, dCloseTime
                        └─ order-link linker → hub_order.paid_at … completed_at ─ (Beijing time → instant) ─▶ Order.lifecycle ─▶ Order.status, Order.missingNodes
\`\`\`

## Transforms

| transform | what happens |
| --- | --- |
${Object.entries(TRANSFORM_TEXT).map(([t, x]) => `| \`${t}\` | ${x.en} · ${x.zh} |`).join('\n')}

## The whole picture

${all.length} field declarations over ${types.length} types: ${[...bySystem].map(([s, n]) => `${s} ${n}`).join(', ')}.
Fields of the adapter subgraphs name their column or JSON path one by one; most of order-link's are
the hub's own state (\`HUB_STATE\`) or worked out (\`DERIVED\`) by the module named, with the Order's core
fields and the purchase suggestions spelled out column by column.

`;
  for (const type of types) {
    md += `### ${type}\n\n| field | subgraph · module | system | source | transform | note |\n| --- | --- | --- | --- | --- | --- |\n`;
    for (const l of all.filter((x) => x.coordinate.startsWith(`${type}.`))) {
      const note = [l.derivedFrom.length ? `from ${l.derivedFrom.join(', ')}` : '', l.note ?? ''].filter(Boolean).join('; ');
      md += `| ${l.coordinate.split('.')[1]} | ${l.subgraph} · \`${l.module.replace(/^subgraphs\//, '')}\` | ${l.system} | ${cell(source(l))} | ${l.transform} | ${cell(note)} |\n`;
    }
    md += '\n';
  }
  return md;
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  writeFileSync('docs/lineage.md', lineageDoc());
  console.log('docs/lineage.md written');
}
