// One gateway under test, in a process of its own, over the subgraphs whose URLs it is given
// (BENCH_SUBGRAPH_URLS, JSON name → URL). Forked by bench/gateways.ts; answers `{ url }` when it
// listens. Every contender serves the same committed supergraph.graphql and verifies the same
// bearer JWT, and signs its subgraph requests (the subgraphs answer nothing else); apart from
// that, each runs as its makers ship it.
//   ours    gateway/src/server.ts, as deployed
//   apollo  a stock @apollo/gateway in @apollo/server's standalone server: default data sources
//           (make-fetch-happen), nothing tuned
//   hive    Hive Gateway's runtime (@graphql-hive/gateway) on node:http, default transport
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { ApolloServer } from '@apollo/server';
import { startStandaloneServer } from '@apollo/server/standalone';
import { ApolloGateway, RemoteGraphQLDataSource } from '@apollo/gateway';
import { createGatewayRuntime } from '@graphql-hive/gateway';
import { GraphQLError } from 'graphql';
import { loadConfig, signingKeyFor } from '../../common/src/config.js';
import { encodeCaller } from '../../common/src/caller.js';
import { CALLER_HEADER, signRequest } from '../../common/src/signing.js';
import { createAuthenticator, startGateway } from '#gateway';
import { loadSupergraph } from '../../common/src/composition.js';
import { authSettings } from '../../common/src/tokens.js';

const kind = process.argv[2];
const subgraphUrls: Record<string, string> = JSON.parse(process.env.BENCH_SUBGRAPH_URLS ?? '{}');
// The processes run with NODE_ENV=production, as deployed (graphql-js drops its development
// checks); the configuration stays a test one, so the development secrets are accepted. Every
// contender runs the same documents as sent (the stock gateways have no trusted documents).
const config = loadConfig({ GATEWAY_PORT: '0', LOG_LEVEL: 'warn', TRUSTED_DOCUMENTS: 'off', ...process.env, NODE_ENV: 'test' });
const supergraphSdl = loadSupergraph(config);
const authenticate = createAuthenticator(authSettings(config));
const callerOf = async (authorization: string | undefined | null) => {
  try {
    return encodeCaller(await authenticate(authorization ?? undefined));
  } catch (err) {
    throw new GraphQLError((err as Error).message, { extensions: { code: 'UNAUTHENTICATED', http: { status: 401 } } });
  }
};
/** The signature the subgraphs insist on, for the subgraph at this URL. */
const sign = (url: string, callerHeader: string, body: string) => {
  const subgraph = Object.keys(subgraphUrls).find((name) => subgraphUrls[name] === url) ?? '';
  return signRequest(signingKeyFor(config, subgraph), { method: 'POST', path: new URL(url).pathname, subgraph }, callerHeader, body);
};

async function ours(): Promise<string> {
  return (await startGateway(config, { subgraphUrls })).url;
}

async function apollo(): Promise<string> {
  class SignedSource extends RemoteGraphQLDataSource<{ callerHeader: string }> {
    constructor(url: string) {
      super({ url });
      // The stock fetcher, with the signature the subgraphs insist on added to each request.
      const stock = this.fetcher;
      this.fetcher = ((input: string, init: any) => stock(input, { ...init, headers: { ...init.headers, ...sign(input, init.headers[CALLER_HEADER], init.body) } })) as typeof stock;
    }
    override willSendRequest({ request, context }: any) {
      request.http.headers.set(CALLER_HEADER, context.callerHeader);
    }
  }
  const gateway = new ApolloGateway({ supergraphSdl, buildService: ({ name }) => new SignedSource(subgraphUrls[name]) });
  const server = new ApolloServer<{ callerHeader: string }>({ gateway });
  const { url } = await startStandaloneServer(server, {
    listen: { port: 0, host: '127.0.0.1' },
    context: async ({ req }) => ({ callerHeader: await callerOf(req.headers.authorization) }),
  });
  return url;
}

async function hive(): Promise<string> {
  // The supergraph names the subgraphs' production URLs; here they listen where they were started.
  const sdl = supergraphSdl.replace(/@join__graph\(name: "([^"]+)", url: "[^"]*"\)/g, (whole, name: string) =>
    subgraphUrls[name] ? `@join__graph(name: "${name}", url: "${subgraphUrls[name]}")` : whole,
  );
  const runtime = createGatewayRuntime<{ callerHeader?: string }>({
    supergraph: sdl,
    logging: 'error',
    plugins: () => [
      {
        async onContextBuilding({ context, extendContext }: any) {
          extendContext({ callerHeader: await callerOf(context.request.headers.get('authorization')) });
        },
        onFetch({ url, options, setOptions, context }: any) {
          const headers = { ...options.headers, [CALLER_HEADER]: context.callerHeader };
          setOptions({ ...options, headers: { ...headers, ...sign(String(url), context.callerHeader, String(options.body ?? '')) } });
        },
      },
    ],
  });
  const server = createServer(runtime);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return `http://127.0.0.1:${(server.address() as AddressInfo).port}/graphql`;
}

const starters: Record<string, () => Promise<string>> = { ours, apollo, hive };
if (!starters[kind]) throw new Error(`unknown contender ${kind}: one of ${Object.keys(starters).join(', ')}`);
process.send!({ url: await starters[kind]() });
// Orphaned (the bench died): go too.
process.on('disconnect', () => process.exit(0));
// `cpu`: CPU time this process has used, µs, so the bench can say what each gateway costs per request.
process.on('message', (message) => {
  if (message === 'stop') process.exit(0);
  if (message === 'cpu') {
    const { user, system } = process.cpuUsage();
    process.send!({ cpu: user + system });
  }
});
