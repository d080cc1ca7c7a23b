// order-link's public entry point for the hub workers that share its database (`#hub`): the unified
// order by any of its numbers, the rules' holds on it, and the expiry rule's months. order-link owns
// the hub database and migrates it (src/migrations/); a worker such as fulfilment opens the same
// database and reads what it needs of order-link's tables through here only.
import type { RuleStore } from './src/rules/store.js';

export { HubStore, type HubOrder } from './src/datasource.js';
export { Ledger, type HoldRecord } from './src/rules/ledger.js';
export { RuleStore, audit } from './src/rules/store.js';
export { findOrder, visible, type OrderLookup } from './src/find-order.js';

/** How much shelf life (months) the enabled EXPIRY_CONTROL rule asks a lot to keep; 0 when the rule is off. */
export async function expiryRuleMonths(rules: RuleStore): Promise<number> {
  const rule = (await rules.enabled()).find((r) => r.kind === 'EXPIRY_CONTROL');
  return rule ? (rule.compiled as { minRemainingMonths: number }).minRemainingMonths : 0;
}
