// One gateway for one suite of The Guild's federation gateway audit (bench/federation-audit.ts
// starts it through the audit's run script): our gateway as deployed — JWT authentication, the
// SDL's access policy, the request limits and the pooled, signed transport — over the suite's
// supergraph, behind a front door on the audit's port that adds a token to each request (the
// audit's client sends none). Usage: tsx bench/federation-audit-gateway.ts <suite-id>
import { createServer } from 'node:http';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { request } from 'undici';
import { loadConfig } from '../common/src/config.js';
import { startGateway } from '#gateway';
import { authSettings, mintToken } from '../common/src/tokens.js';

const suite = process.argv[2];
const auditPort = Number(process.env.AUDIT_SERVER_PORT ?? 4200);
const frontPort = Number(process.env.AUDIT_GATEWAY_PORT ?? 4000);
if (!suite) {
  console.error('usage: federation-audit-gateway.ts <suite-id>');
  process.exit(2);
}

const res = await fetch(`http://localhost:${auditPort}/${suite}/supergraph`);
if (!res.ok) throw new Error(`the audit server has no supergraph for ${suite}: HTTP ${res.status}`);
const dir = mkdtempSync(join(tmpdir(), `oh-audit-${suite}-`));
const supergraphPath = join(dir, 'supergraph.graphql');
writeFileSync(supergraphPath, await res.text());

const config = loadConfig({ ...process.env, NODE_ENV: 'test', GATEWAY_PORT: '0', SUPERGRAPH_PATH: supergraphPath, LOG_LEVEL: process.env.LOG_LEVEL ?? 'error' });
const gateway = await startGateway(config);
// Admin: the audit's supergraphs carry no role tags, so every Query root is staff's and every Mutation admin's.
const token = await mintToken(authSettings(config), 'federation-audit', 'admin');

const front = createServer(async (req, res) => {
  const chunks: Buffer[] = [];
  for await (const c of req) chunks.push(c as Buffer);
  const headers: Record<string, string> = {};
  for (const [k, v] of Object.entries(req.headers)) if (typeof v === 'string' && k !== 'host' && k !== 'content-length') headers[k] = v;
  headers.authorization = `Bearer ${token}`;
  const target = new URL(req.url ?? '/', gateway.url);
  const answer = await request(target, { method: req.method as 'GET' | 'POST', headers, body: chunks.length ? Buffer.concat(chunks) : undefined });
  res.writeHead(answer.statusCode, { 'content-type': String(answer.headers['content-type'] ?? 'application/json') });
  res.end(Buffer.from(await answer.body.arrayBuffer()));
});
front.listen(frontPort, '127.0.0.1', () => console.log(`suite ${suite}: our gateway behind http://127.0.0.1:${frontPort}/graphql`));
