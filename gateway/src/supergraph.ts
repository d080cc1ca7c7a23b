// Composes rover-config.yaml with @apollo/composition: the same input rover would read.
import { parse } from 'graphql';
import { composeServices } from '@apollo/composition';
import type { SubgraphDefinition } from '../../common/src/rover-config.js';

export { readRoverConfig, type SubgraphDefinition } from '../../common/src/rover-config.js';

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
