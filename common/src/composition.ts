// Composing rover-config.yaml into a supergraph with @apollo/composition: the same input rover would
// read. npm run compose writes supergraph.graphql with it; the gateway (and the benchmarks' other
// gateways) load the committed file, or compose afresh when it is missing.
import { existsSync, readFileSync } from 'node:fs';
import { parse } from 'graphql';
import { composeServices } from '@apollo/composition';
import type { Config } from './config.js';
import { readRoverConfig, type SubgraphDefinition } from './rover-config.js';

export interface CompositionOutcome {
  supergraphSdl?: string;
  errors: string[];
  hints: string[];
}

export function composeSubgraphs(subgraphs: SubgraphDefinition[]): CompositionOutcome {
  const result = composeServices(subgraphs.map((s) => ({ name: s.name, url: s.url, typeDefs: parse(s.sdl) })));
  const hints = (result.hints ?? []).map((h) => `[${h.definition.code}] ${h.message}`);
  if (result.errors) {
    return { errors: result.errors.map((e) => `[${(e.extensions?.code as string) ?? 'ERROR'}] ${e.message}`), hints };
  }
  return { supergraphSdl: result.supergraphSdl, errors: [], hints };
}

/** The committed supergraph.graphql, or, when it is missing, a fresh composition of rover-config.yaml. */
export function loadSupergraph(config: Pick<Config, 'SUPERGRAPH_PATH'>, roverConfigPath = 'rover-config.yaml'): string {
  if (existsSync(config.SUPERGRAPH_PATH)) return readFileSync(config.SUPERGRAPH_PATH, 'utf8');
  const outcome = composeSubgraphs(readRoverConfig(roverConfigPath));
  if (!outcome.supergraphSdl) throw new Error(`composition failed:\n${outcome.errors.join('\n')}`);
  return outcome.supergraphSdl;
}
