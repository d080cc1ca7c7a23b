// Legacy calls as the subgraphs count them (legacy_calls_total on each /metrics): what a query
// cost the legacy systems, for the batching tests and the benchmarks alike.

/** Sum per `system:operation` across the subgraphs at these URLs, leaving out the linker's sync.* reads and the hub's own database. */
export async function legacyCallTotals(subgraphUrls: Iterable<string>): Promise<Record<string, number>> {
  const totals: Record<string, number> = {};
  for (const url of subgraphUrls) {
    const text = await (await fetch(new URL('/metrics', url))).text();
    for (const line of text.split('\n')) {
      const m = /^legacy_calls_total\{([^}]*)\} (\d+(?:\.\d+)?)$/.exec(line);
      if (!m) continue;
      const labels = Object.fromEntries([...m[1].matchAll(/(\w+)="([^"]*)"/g)].map((x) => [x[1], x[2]]));
      // The hub's own database, including the order event log's guard on it (hub-events).
      if (labels.operation.startsWith('sync.') || labels.system === 'hub' || labels.system.startsWith('hub-')) continue;
      const key = `${labels.system}:${labels.operation}`;
      totals[key] = (totals[key] ?? 0) + Number(m[2]);
    }
  }
  return totals;
}

/** Background polling of its own guard, never made by a request: the service-call intake reading the CRM's feed. */
const BACKGROUND = ['crm-calls:'];

/** What was called between two readings (by the requests made meanwhile: background polling left out), leaving out what was not. */
export function callsBetween(before: Record<string, number>, after: Record<string, number>): Record<string, number> {
  return Object.fromEntries(
    Object.entries(after)
      .filter(([k]) => !BACKGROUND.some((b) => k.startsWith(b)))
      .map(([k, v]) => [k, v - (before[k] ?? 0)])
      .filter(([, v]) => (v as number) > 0),
  );
}
