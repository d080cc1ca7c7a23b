import { parseChatDraft } from '#text';
import { loadCatalog } from './legacy-sim/src/world.js';
const catalog = loadCatalog();
for (const t of process.argv.slice(2)) {
  const d = parseChatDraft(t, { catalog });
  console.log(t, '\n   →', d.items.map((i) => `${i.model.value}×${i.qty.value}`).join(', '), '| shop', d.customerHint.value, '| unresolved', d.unresolved.map((u) => u.reason + ':' + u.text).join(' '));
}
