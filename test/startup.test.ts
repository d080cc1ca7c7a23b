// Bad configuration is bad input: each process, started as it is deployed (and `npm start`), given a
// setting that is malformed, too short, or points at a database, API or cache that does not answer,
// ends with one line per problem — the variable, the target (password hidden) and what failed, in
// Chinese and English — and exit code 1; never a stack trace.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { mysqlAvailable, MYSQL_URL } from './helpers/stack.js';

const ROOT = fileURLToPath(new URL('..', import.meta.url));
const tmp = mkdtempSync(join(tmpdir(), 'oh-startup-'));
/** Nothing listens on port 1 of the loopback. */
const DEAD = '127.0.0.1:1';

interface Run {
  code: number | null;
  stderr: string;
  stdout: string;
}

function run(command: string[], env: Record<string, string>): Promise<Run> {
  return new Promise((resolve) => {
    const child = spawn(command[0], command.slice(1), {
      cwd: ROOT,
      // Embedded stores in a folder of the test's own, so that nothing is written into the checkout.
      env: {
        PATH: process.env.PATH!,
        HOME: process.env.HOME ?? tmp,
        ERP_DATABASE_URL: `sqlite:${tmp}/erp.sqlite`,
        WMS_DATABASE_URL: `sqlite:${tmp}/wms.sqlite`,
        HUB_DATABASE_URL: `sqlite:${tmp}/hub.sqlite`,
        TMS_SIM_DATABASE_URL: `sqlite:${tmp}/tms.sqlite`,
        CRM_SIM_DATABASE_URL: `sqlite:${tmp}/crm.sqlite`,
        UPLOAD_DIR: `${tmp}/uploads`,
        ...env,
      },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d) => (stdout += d));
    child.stderr.on('data', (d) => (stderr += d));
    // A process that starts serving instead has not refused its configuration: stop it.
    const timer = setTimeout(() => child.kill('SIGKILL'), 60_000);
    child.on('close', (code) => {
      clearTimeout(timer);
      resolve({ code, stdout, stderr });
    });
  });
}

const tsx = (file: string, ...args: string[]) => [process.execPath, '--import', 'tsx', file, ...args];

interface Case {
  name: string;
  command: string[];
  env: Record<string, string>;
  /** One entry per line expected: the variable, and text the line must hold. */
  lines: [string, RegExp][];
}

const CASES: Case[] = [
  { name: 'npm start, ERP database not answering', command: ['npm', 'start'], env: { ERP_DATABASE_URL: `mysql://root:secret-pw@${DEAD}/erp` }, lines: [['ERP_DATABASE_URL', /mysql:\/\/root:\*\*\*\*@127\.0\.0\.1:1\/erp.*连接被拒绝.*connection refused/]] },
  { name: 'npm start, malformed TMS URL', command: ['npm', 'start'], env: { TMS_API_URL: 'localhost:4301' }, lines: [['TMS_API_URL', /"localhost:4301".*格式不对.*http/]] },
  { name: 'gateway, JWKS not answering', command: tsx('gateway/src/index.ts'), env: { AUTH_JWKS_URL: `http://${DEAD}/jwks.json`, GATEWAY_PORT: '0' }, lines: [['AUTH_JWKS_URL', /127\.0\.0\.1:1\/jwks\.json.*连接被拒绝.*connection refused/]] },
  { name: 'gateway, JWT secret too short', command: tsx('gateway/src/index.ts'), env: { AUTH_JWT_SECRET: 'too-short' }, lines: [['AUTH_JWT_SECRET', /\(9 characters\).*至少 32 个字符.*at least 32/]] },
  { name: 'erp subgraph, malformed database URL', command: tsx('subgraphs/erp/src/index.ts'), env: { ERP_DATABASE_URL: 'mysql//root@db/erp' }, lines: [['ERP_DATABASE_URL', /"mysql\/\/root@db\/erp".*格式不对.*mysql:\/\//]] },
  { name: 'erp subgraph, signing secret too short', command: tsx('subgraphs/erp/src/index.ts'), env: { SUBGRAPH_SIGNING_SECRET: 'short-secret' }, lines: [['SUBGRAPH_SIGNING_SECRET', /\(12 characters\).*至少 32 个字符/]] },
  { name: 'wms subgraph, host that does not resolve', command: tsx('subgraphs/wms/src/index.ts'), env: { WMS_DATABASE_URL: 'mysql://root@no-such-host.invalid:3306/wms' }, lines: [['WMS_DATABASE_URL', /no-such-host\.invalid.*无法解析.*does not resolve/]] },
  { name: 'tms subgraph, TMS API not answering', command: tsx('subgraphs/tms/src/index.ts'), env: { TMS_API_URL: `http://${DEAD}` }, lines: [['TMS_API_URL', /127\.0\.0\.1:1.*connection refused/]] },
  { name: 'crm subgraph, malformed CRM URL', command: tsx('subgraphs/crm/src/index.ts'), env: { CRM_API_URL: 'ftp://crm' }, lines: [['CRM_API_URL', /"ftp:\/\/crm".*格式不对.*http/]] },
  {
    name: 'order-link subgraph, hub database and replay cache both not answering: a line each',
    command: tsx('subgraphs/order-link/src/index.ts'),
    env: { HUB_DATABASE_URL: `mysql://root@${DEAD}/hub`, SUBGRAPH_REPLAY_CACHE: `redis://${DEAD}/0`, TMS_API_URL: 'ANSWERING', CRM_API_URL: 'ANSWERING' },
    lines: [
      ['SUBGRAPH_REPLAY_CACHE', /redis:\/\/127\.0\.0\.1:1\/0.*connection refused/],
      ['HUB_DATABASE_URL', /127\.0\.0\.1:1\/hub.*connection refused/],
    ],
  },
  { name: 'TMS simulator, its store not answering', command: tsx('legacy-sim/src/serve-cli.ts', 'tms'), env: { TMS_SIM_DATABASE_URL: `mysql://root@${DEAD}/tms` }, lines: [['TMS_SIM_DATABASE_URL', /connection refused/]] },
  { name: 'CRM simulator, a number that is not one', command: tsx('legacy-sim/src/serve-cli.ts', 'crm'), env: { LEGACY_TIMEOUT_MS: 'soon' }, lines: [['LEGACY_TIMEOUT_MS', /"soon".*类型不对.*number/]] },
];

test(`${CASES.length} bad configurations, across every process and npm start: one line per problem, exit code 1, no stack trace`, async () => {
  const cases = [...CASES];
  if (await mysqlAvailable()) {
    const u = new URL(MYSQL_URL);
    u.pathname = '/oh_no_such_database_anywhere';
    cases.push({ name: 'erp subgraph, database that does not exist', command: tsx('subgraphs/erp/src/index.ts'), env: { ERP_DATABASE_URL: u.toString() }, lines: [['ERP_DATABASE_URL', /oh_no_such_database_anywhere.*数据库不存在.*does not exist/]] });
  }
  // An HTTP server that answers, for the APIs a case does not make fail.
  const answering = createServer((_req, res) => res.end('{}'));
  await new Promise<void>((resolve) => answering.listen(0, '127.0.0.1', resolve));
  const answeringUrl = `http://127.0.0.1:${(answering.address() as AddressInfo).port}`;
  for (const c of cases) for (const [k, v] of Object.entries(c.env)) if (v === 'ANSWERING') c.env[k] = answeringUrl;
  const wrong: string[] = [];
  // Two at a time: each is a process of its own, and the machine is shared.
  for (let i = 0; i < cases.length; i += 2) {
    await Promise.all(
      cases.slice(i, i + 2).map(async (c) => {
        const r = await run(c.command, c.env);
        const lines = r.stderr.split('\n').filter((l) => l.trim());
        const problems: string[] = [];
        if (r.code !== 1) problems.push(`exit code ${r.code}`);
        if (lines.length !== c.lines.length) problems.push(`${lines.length} lines on stderr, ${c.lines.length} expected`);
        if (/^\s+at /m.test(r.stderr + r.stdout)) problems.push('a stack trace');
        for (const [variable, text] of c.lines) {
          const line = lines.find((l) => l.includes(variable));
          if (!line) problems.push(`no line names ${variable}`);
          else {
            if (!text.test(line)) problems.push(`"${line}" does not match ${text}`);
            if (!/[\u4e00-\u9fff]/.test(line) || !/start-up failed/.test(line)) problems.push(`"${line}" is not in Chinese and English`);
            if (/secret-pw/.test(line)) problems.push('the password is printed');
          }
        }
        if (problems.length) wrong.push(`${c.name}: ${problems.join('; ')}\n${r.stderr.slice(0, 400)}`);
      }),
    );
  }
  answering.close();
  rmSync(tmp, { recursive: true, force: true });
  assert.deepEqual(wrong, []);
});
