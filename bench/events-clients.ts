// Idle subscribers for bench/events.ts, in a process of their own so that the gateway's memory is
// measured without theirs: opens `count` subscriptions over graphql-ws, `perConnection` to a
// WebSocket, prints "ready" once all are sent, and holds them until stdin closes.
// Run by bench/events.ts: tsx bench/events-clients.ts <gatewayUrl> <token> <count> <perConnection>
import WebSocket from 'ws';
import { createClient } from 'graphql-ws';

const [url, token, countText, perConnectionText] = process.argv.slice(2);
const count = Number(countText);
const perConnection = Number(perConnectionText);
// Subscribed to something that does not happen while measuring: idle, as most open pages are.
const IDLE = 'subscription Idle { orderEvents(filter: { types: [DRAFT_CONFIRMED] }) { event { id type } order { id status } } }';
const clients: ReturnType<typeof createClient>[] = [];
let errors = 0;
for (let opened = 0; opened < count; ) {
  const client = createClient({ url: url.replace(/^http/, 'ws'), webSocketImpl: WebSocket, connectionParams: { authorization: `Bearer ${token}` }, retryAttempts: 0, lazy: false });
  clients.push(client);
  for (let i = 0; i < perConnection && opened < count; i++, opened++) {
    client.subscribe({ query: IDLE }, { next: () => {}, error: () => void errors++, complete: () => {} });
  }
  // A breath every 20 connections: the gateway is on the same two cores.
  if (clients.length % 20 === 0) await new Promise((r) => setTimeout(r, 50));
}
console.log(`ready ${count} ${clients.length} errors=${errors}`);
process.stdin.resume();
process.stdin.on('end', async () => {
  await Promise.all(clients.map((c) => c.dispose()));
  process.exit(0);
});
