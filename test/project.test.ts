// Checks what no engine runs here: docker-compose.yml against the code's configuration, the
// supergraph against rover-config.yaml, and the README against the variables the code reads.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { tmpdir } from 'node:os';
import { spawnSync } from 'node:child_process';
import { parse as parseYaml } from 'yaml';
import { configSchema, loadConfig, type ProcessKind } from '../common/src/config.js';
import { composeSubgraphs } from '../common/src/composition.js';
import { readRoverConfig } from '../common/src/rover-config.js';

const compose = parseYaml(readFileSync('docker-compose.yml', 'utf8'), { merge: true });
const configKeys = new Set(Object.keys(configSchema.shape));
const appServices = ['seed', 'tms-sim', 'crm-sim', 'erp', 'wms', 'tms', 'crm', 'order-link', 'fulfilment', 'intake', 'gateway'];

/** What each service must be told, by the variables its entry point reads. */
const required: Record<string, string[]> = {
  seed: ['ERP_DATABASE_URL', 'WMS_DATABASE_URL', 'TMS_SIM_DATABASE_URL', 'CRM_SIM_DATABASE_URL', 'HUB_DATABASE_URL'],
  'tms-sim': ['TMS_SIM_DATABASE_URL', 'TMS_API_URL'],
  'crm-sim': ['CRM_SIM_DATABASE_URL', 'CRM_API_URL'],
  erp: ['ERP_DATABASE_URL', 'ERP_SUBGRAPH_PORT', 'SUBGRAPH_SIGNING_SECRET'],
  wms: ['WMS_DATABASE_URL', 'WMS_SUBGRAPH_PORT', 'SUBGRAPH_SIGNING_SECRET'],
  tms: ['TMS_API_URL', 'TMS_SUBGRAPH_PORT', 'SUBGRAPH_SIGNING_SECRET'],
  crm: ['CRM_API_URL', 'CRM_SUBGRAPH_PORT', 'SUBGRAPH_SIGNING_SECRET'],
  'order-link': ['HUB_DATABASE_URL', 'ERP_DATABASE_URL', 'WMS_DATABASE_URL', 'TMS_API_URL', 'CRM_API_URL', 'ERP_SUBGRAPH_URL', 'ORDER_LINK_SUBGRAPH_PORT', 'SUBGRAPH_SIGNING_SECRET'],
  fulfilment: ['HUB_DATABASE_URL', 'ERP_DATABASE_URL', 'WMS_DATABASE_URL', 'TMS_API_URL', 'FULFILMENT_SUBGRAPH_PORT', 'SUBGRAPH_SIGNING_SECRET'],
  intake: ['HUB_DATABASE_URL', 'ERP_DATABASE_URL', 'ERP_SUBGRAPH_URL', 'ORDER_LINK_SUBGRAPH_URL', 'INTAKE_SUBGRAPH_PORT', 'SUBGRAPH_SIGNING_SECRET'],
  gateway: ['GATEWAY_PORT', 'ERP_SUBGRAPH_URL', 'WMS_SUBGRAPH_URL', 'TMS_SUBGRAPH_URL', 'CRM_SUBGRAPH_URL', 'ORDER_LINK_SUBGRAPH_URL', 'FULFILMENT_SUBGRAPH_URL', 'INTAKE_SUBGRAPH_URL', 'SUBGRAPH_SIGNING_SECRET', 'AUTH_JWT_SECRET'],
};

test('docker-compose.yml runs MySQL 8, the simulators, seven subgraphs and the gateway with health checks', () => {
  assert.deepEqual(Object.keys(compose.services).sort(), ['mysql', 'redis', ...appServices].sort());
  assert.match(compose.services.mysql.image, /^mysql:8/);
  assert.ok(compose.services.mysql.healthcheck.test.length > 0);
  assert.match(readFileSync('Dockerfile', 'utf8'), /^FROM node:22/m);
  for (const name of appServices) {
    const service = compose.services[name];
    const env = service.environment ?? {};
    for (const key of Object.keys(env)) assert.ok(configKeys.has(key), `${name}: ${key} is not a variable the code reads`);
    for (const key of required[name]) assert.ok(key in env, `${name} needs ${key}`);
    for (const [key, value] of Object.entries(env)) {
      // Secrets come from the user's environment: compose must demand them, not hold a value.
      if (/SECRET/.test(key)) {
        assert.match(String(value), /^\$\{[A-Z_]+:\?.+\}$/, `${name}: ${key} is required from the environment`);
        continue;
      }
      const parsed = configSchema.shape[key as keyof typeof configSchema.shape].safeParse(value);
      assert.ok(parsed.success, `${name}: ${key}=${value} is invalid`);
    }
    const entry = service.command.find((part: string) => part.endsWith('.ts'));
    assert.ok(existsSync(entry), `${name}: ${entry} exists`);
    if (name !== 'seed') assert.ok(service.healthcheck?.test, `${name} has a health check`);
  }
});

test('docker-compose: a service that calls another by URL waits for it, and every service as a whole is a valid configuration', () => {
  for (const name of appServices) {
    const env: Record<string, string> = compose.services[name].environment ?? {};
    for (const [key, value] of Object.entries(env)) {
      if (!/_URL$/.test(key) || !/^[a-z]+:\/\//.test(String(value))) continue;
      const host = new URL(String(value)).hostname;
      // The simulators name themselves in their own URL; MySQL is reached through the seed's wait.
      if (host === 'mysql' || host === name || !(host in compose.services)) continue;
      assert.ok(host in (compose.services[name].depends_on ?? {}), `${name} calls ${host} (${key}) and must depend on it`);
    }
    // As the image starts it (NODE_ENV=production), with the secrets compose demands filled in.
    const secrets = Object.fromEntries(Object.keys(env).filter((k) => /SECRET/.test(k)).map((k) => [k, 'x'.repeat(40)]));
    const entry = compose.services[name].command.find((part: string) => part.endsWith('.ts'));
    const kind = readFileSync(entry, 'utf8').match(/loadConfig\((?:process\.env, '([a-z-]+)')?\)|runProcess\('([a-z-]+)'/);
    assert.ok(kind, `${entry} loads the configuration`);
    assert.doesNotThrow(() => loadConfig({ ...env, ...secrets, NODE_ENV: 'production' }, (kind[1] ?? kind[2] ?? 'gateway') as ProcessKind), `${name}: starts on its variables in production`);
  }
});

test('docker-compose runs two order-link replicas under one name, publishing no fixed port; intake keeps uploads on shared storage', () => {
  const orderLink = compose.services['order-link'];
  assert.ok(orderLink.deploy?.replicas >= 2, 'at least two order-link replicas');
  assert.equal(orderLink.ports, undefined, 'replicas cannot share a published host port');
  // The gateway reaches them by the service name, which Compose's DNS resolves to every replica: no
  // fixed container name or host name (either would pin one container, and Compose refuses replicas
  // with a container_name), and the gateway waits for the service, not for one container.
  assert.equal(new URL(compose.services.gateway.environment.ORDER_LINK_SUBGRAPH_URL).hostname, 'order-link');
  assert.equal(orderLink.container_name, undefined, 'no container_name: replicas need their own');
  assert.equal(orderLink.hostname, undefined, 'no hostname: the service name is the address');
  assert.ok('order-link' in compose.services.gateway.depends_on, 'the gateway waits for order-link');
  // A replica going away under the gateway's pooled connections: gateway-fetcher.unit.test.ts.
  // Uploads go to intake (the repair wizard's home): a named volume, so a job may run on another instance.
  const intake = compose.services.intake;
  const uploads = intake.environment.UPLOAD_DIR;
  assert.ok(
    intake.volumes.some((v: string) => v.split(':')[1] === uploads && String(v.split(':')[0]) in (compose.volumes ?? {})),
    'the upload directory is a named volume every intake instance shares',
  );
});

test('docker-compose wires the gateway to the ports the subgraphs listen on', () => {
  const gatewayEnv = compose.services.gateway.environment;
  const portVar: Record<string, string> = { erp: 'ERP_SUBGRAPH_PORT', wms: 'WMS_SUBGRAPH_PORT', tms: 'TMS_SUBGRAPH_PORT', crm: 'CRM_SUBGRAPH_PORT', 'order-link': 'ORDER_LINK_SUBGRAPH_PORT', fulfilment: 'FULFILMENT_SUBGRAPH_PORT', intake: 'INTAKE_SUBGRAPH_PORT' };
  for (const [service, variable] of Object.entries(portVar)) {
    const url = new URL(gatewayEnv[`${service.toUpperCase().replace('-', '_')}_SUBGRAPH_URL`]);
    assert.equal(url.hostname, service);
    assert.equal(url.port, compose.services[service].environment[variable]);
    assert.match(compose.services[service].healthcheck.test.join(' '), new RegExp(`:${url.port}/readyz`));
  }
  const tmsUrl = new URL(compose.services.tms.environment.TMS_API_URL);
  assert.equal(tmsUrl.hostname, 'tms-sim');
  assert.equal(tmsUrl.port, new URL(compose.services['tms-sim'].environment.TMS_API_URL).port);
});

test('rover-config.yaml composes, and supergraph.graphql is its current composition', () => {
  const subgraphs = readRoverConfig('rover-config.yaml');
  assert.deepEqual(subgraphs.map((s) => s.name).sort(), ['crm', 'erp', 'fulfilment', 'intake', 'order-link', 'tms', 'wms']);
  for (const s of subgraphs) assert.match(s.sdl, /@link\(url: "https:\/\/specs\.apollo\.dev\/federation\/v2\.\d+"/);
  const outcome = composeSubgraphs(subgraphs);
  assert.deepEqual(outcome.errors, []);
  assert.deepEqual(outcome.hints, []);
  assert.equal(readFileSync('supergraph.graphql', 'utf8'), outcome.supergraphSdl, 'run npm run compose');
});

test('npm run compose fails on a composition error and prints it', () => {
  const dir = mkdtempSync(join(tmpdir(), 'oh-compose-'));
  writeFileSync(join(dir, 'a.graphql'), 'extend schema @link(url: "https://specs.apollo.dev/federation/v2.7", import: ["@key"])\ntype Query { a: Int }\ntype Thing { id: ID! name: String }');
  writeFileSync(join(dir, 'b.graphql'), 'extend schema @link(url: "https://specs.apollo.dev/federation/v2.7", import: ["@key"])\ntype Query { b: Int }\ntype Thing { id: ID! name: Int }');
  writeFileSync(
    join(dir, 'rover.yaml'),
    'federation_version: =2.14.4\nsubgraphs:\n  a:\n    routing_url: http://127.0.0.1:1/graphql\n    schema:\n      file: ./a.graphql\n  b:\n    routing_url: http://127.0.0.1:2/graphql\n    schema:\n      file: ./b.graphql\n',
  );
  const run = spawnSync(process.execPath, ['--import', 'tsx', 'scripts/compose.ts', join(dir, 'rover.yaml'), join(dir, 'out.graphql')], { encoding: 'utf8' });
  assert.equal(run.status, 1, run.stderr);
  assert.match(run.stderr, /error: \[[A-Z_]+\]/);
  assert.ok(!existsSync(join(dir, 'out.graphql')));
});

test('docs/operations.md documents every configuration variable', () => {
  const readme = readFileSync('docs/operations.md', 'utf8');
  for (const key of configKeys) assert.ok(readme.includes(`\`${key}\``), `docs/operations.md lacks ${key}`);
});

test('README and docs/: every relative link names a file that exists', () => {
  const pages = ['README.md', ...readdirSync('docs').filter((f) => f.endsWith('.md')).map((f) => join('docs', f))];
  for (const page of pages) {
    const text = readFileSync(page, 'utf8');
    for (const [, target] of text.matchAll(/\]\(([^)#\s]+)(?:#[^)]*)?\)/g)) {
      if (/^[a-z]+:/.test(target)) continue;
      assert.ok(existsSync(join(dirname(page), target)), `${page} links to ${target}, which does not exist`);
    }
  }
});
