// A TCP proxy between a subgraph and MariaDB that a test can break: 'down' drops every connection
// and refuses new ones, 'hang' holds every byte back (a stuck server) and lets it all through,
// late, when passing again.
import { createServer, connect, type Server, type Socket } from 'node:net';

export type ProxyMode = 'pass' | 'down' | 'hang';

export interface FaultProxy {
  port: number;
  setMode(mode: ProxyMode): void;
  close(): Promise<void>;
}

export async function startFaultProxy(targetHost: string, targetPort: number): Promise<FaultProxy> {
  let mode: ProxyMode = 'pass';
  const pairs = new Set<[Socket, Socket]>();
  const server: Server = createServer((client) => {
    if (mode === 'down') return client.destroy();
    const upstream = connect(targetPort, targetHost);
    const pair: [Socket, Socket] = [client, upstream];
    pairs.add(pair);
    client.pipe(upstream);
    upstream.pipe(client);
    if (mode === 'hang') client.pause(), upstream.pause();
    const end = () => {
      pairs.delete(pair);
      client.destroy();
      upstream.destroy();
    };
    client.on('close', end).on('error', end);
    upstream.on('close', end).on('error', end);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', () => resolve()));
  return {
    port: (server.address() as { port: number }).port,
    setMode(next) {
      mode = next;
      // Connections made while passing are the ones a pool holds: cut, freeze or free them too.
      for (const [a, b] of pairs) {
        if (next === 'down') a.destroy(), b.destroy();
        else if (next === 'hang') a.pause(), b.pause();
        else a.resume(), b.resume();
      }
    },
    async close() {
      for (const [a, b] of pairs) a.destroy(), b.destroy();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}
