// The gateway's one public entry point (`#gateway`), for the programs that start a gateway beside
// other things — npm start, the benchmarks — and measure it: build and run one (startGateway), the
// same token check for the benchmarks' other gateways (createAuthenticator), and the request
// pipeline's stages that bench:hostile times in process. Everything else in src/ is the gateway's
// own; src/index.ts runs it as a process. What programs need that is not the gateway — issuing
// tokens, composing the supergraph, reading trusted-document manifests — lives in common/.
export { startGateway, type GatewayOptions } from './src/server.js';
export { createAuthenticator, type Authenticator } from './src/auth.js';
export { checkCost, estimateCost, limitsFrom, screenDocument, type Limits } from './src/limits.js';
export { checkAccess, readPolicy, type AccessPolicy } from './src/policy.js';
