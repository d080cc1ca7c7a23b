// A small JSON HTTP server for the simulated TMS and CRM, with the faults tests need to inject:
// the service down (503) or slow (added latency).
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

export interface SimResponse {
  status?: number;
  body: unknown;
}

export interface SimRoute {
  method: 'GET' | 'POST';
  path: RegExp;
  handle(params: string[], query: URLSearchParams, body: any): Promise<SimResponse>;
}

export interface Fault {
  down?: boolean;
  latencyMs?: number;
}

export interface SimServer {
  url: string;
  port: number;
  setFault(fault: Fault): void;
  close(): Promise<void>;
}

export class BadRequest extends Error {}

function readJson(req: IncomingMessage): Promise<any> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const text = Buffer.concat(chunks).toString('utf8');
      if (!text) return resolve({});
      try {
        resolve(JSON.parse(text));
      } catch {
        reject(new BadRequest('body is not JSON'));
      }
    });
    req.on('error', reject);
  });
}

function send(res: ServerResponse, status: number, body: unknown) {
  const text = JSON.stringify(body);
  res.writeHead(status, { 'content-type': 'application/json; charset=utf-8', 'content-length': Buffer.byteLength(text) });
  res.end(text);
}

export async function startSimServer(
  routes: SimRoute[],
  options: { port: number; host?: string; errorBody: (status: number, message: string) => unknown },
): Promise<SimServer> {
  let fault: Fault = {};
  const server = createServer(async (req, res) => {
    try {
      if (fault.latencyMs) await new Promise((r) => setTimeout(r, fault.latencyMs));
      if (fault.down) return send(res, 503, options.errorBody(503, 'service unavailable'));
      const url = new URL(req.url ?? '/', 'http://localhost');
      for (const route of routes) {
        const m = route.method === req.method ? route.path.exec(url.pathname) : null;
        if (!m) continue;
        const body = req.method === 'POST' ? await readJson(req) : undefined;
        const out = await route.handle(m.slice(1).map(decodeURIComponent), url.searchParams, body);
        return send(res, out.status ?? 200, out.body);
      }
      send(res, 404, options.errorBody(404, `no such endpoint: ${req.method} ${url.pathname}`));
    } catch (err) {
      if (err instanceof BadRequest) return send(res, 400, options.errorBody(400, err.message));
      send(res, 500, options.errorBody(500, err instanceof Error ? err.message : String(err)));
    }
  });
  server.keepAliveTimeout = 65_000;
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port, options.host ?? '127.0.0.1', () => resolve());
  });
  const port = (server.address() as AddressInfo).port;
  return {
    url: `http://${options.host && options.host !== '0.0.0.0' ? options.host : '127.0.0.1'}:${port}`,
    port,
    setFault: (f) => {
      fault = { ...f };
    },
    async close() {
      server.closeAllConnections();
      await new Promise<void>((r) => server.close(() => r()));
    },
  };
}

/** A list argument of at most `max` strings, or a BadRequest naming it. */
export function stringList(value: unknown, name: string, max = 500): string[] {
  if (!Array.isArray(value) || value.some((v) => typeof v !== 'string')) throw new BadRequest(`${name} must be an array of strings`);
  if (value.length > max) throw new BadRequest(`${name}: at most ${max} per call`);
  return value;
}
