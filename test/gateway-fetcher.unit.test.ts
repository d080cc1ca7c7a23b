// The gateway's subgraph fetcher when a replica goes away under it (order-link runs as two replicas
// under one name): a read whose pooled connection is lost is sent once more on a new connection and
// answered; a mutation that may have reached the subgraph is never sent twice.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import { createPooledFetcher } from '../gateway/src/fetcher.js';

async function subgraph(handle: (n: number, req: IncomingMessage, res: ServerResponse) => void) {
  let n = 0;
  const server = createServer((req, res) => {
    n++;
    req.resume();
    req.on('end', () => handle(n, req, res));
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', () => r()));
  const url = `http://127.0.0.1:${(server.address() as { port: number }).port}/graphql`;
  return { url, requests: () => n, close: () => new Promise<void>((r) => server.close(() => r())) };
}

const fetcherFor = () => createPooledFetcher({ connectionsPerOrigin: 2, sign: () => ({ 'x-sig': 'test' }), timeoutMs: 5000, slowTimeoutMs: 5000 });
const answer = (res: ServerResponse) => {
  res.writeHead(200, { 'content-type': 'application/json' });
  res.end(JSON.stringify({ data: { ok: true } }));
};

test('a read whose connection is dropped by a replica going away is sent again on a new connection and answered', async () => {
  // The first request's connection is closed without an answer, as a replica stopping does.
  const sg = await subgraph((n, req, res) => (n === 1 ? req.socket.destroy() : answer(res)));
  const { fetcher, close } = fetcherFor();
  try {
    const res = await fetcher(sg.url, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ query: 'query { ok }' }) } as any);
    assert.equal(res.status, 200);
    assert.deepEqual(await res.json(), { data: { ok: true } });
    assert.equal(sg.requests(), 2, 'sent twice: once lost, once answered');
  } finally {
    await close();
    await sg.close();
  }
});

test('a mutation whose connection is dropped is not sent again: it may have been done', async () => {
  const sg = await subgraph((n, req, res) => (n === 1 ? req.socket.destroy() : answer(res)));
  const { fetcher, close } = fetcherFor();
  try {
    await assert.rejects(fetcher(sg.url, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ query: 'mutation { go }' }) } as any));
    assert.equal(sg.requests(), 1, 'sent once');
  } finally {
    await close();
    await sg.close();
  }
});

test('a request no replica accepts (connection refused, again on the second try) fails as refused', async () => {
  const sg = await subgraph((_n, _req, res) => answer(res));
  const url = sg.url;
  await sg.close();
  const { fetcher, close } = fetcherFor();
  try {
    await assert.rejects(fetcher(url, { method: 'POST', headers: {}, body: JSON.stringify({ query: 'mutation { go }' }) } as any), (err: any) => err?.code === 'ECONNREFUSED');
  } finally {
    await close();
  }
});
