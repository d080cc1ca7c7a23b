// A write to the hub outside the link rounds has committed — a hold decided, a pick step, documents
// confirmed packed, a rule evaluated on demand — and with it order events, or orders whose blockers
// are due (subgraphs/order-link/src/blocker-record.ts). Whoever numbers and publishes the log in
// this process is told at once, so these go out now rather than at the next poll
// (EVENTS_PUBLISH_MS) or link round. A writer in another process (the fulfilment subgraph on its
// own, an order-link instance not holding the lease) has nobody here to tell: its writes wait for
// the holder's poll, as before.
const listeners = new Set<() => void>();

/** Called after each such write; returns the function that stops listening. */
export function onHubWrite(listener: () => void): () => void {
  listeners.add(listener);
  return () => void listeners.delete(listener);
}

/** Says a write outside the link rounds has committed. Cheap and never throws: listeners do their work later. */
export function hubWritten(): void {
  for (const l of listeners) l();
}
