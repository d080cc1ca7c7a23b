// Composes rover-config.yaml with @apollo/composition: the same input rover would read.
import { readFileSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { parse } from 'graphql';
import { parse as parseYaml } from 'yaml';
import { z } from 'zod';
import { composeServices } from '@apollo/composition';

const roverConfigSchema = z.object({
  federation_version: z.union([z.string(), z.number()]),
  subgraphs: z.record(
    z.string(),
    z.object({
      routing_url: z.string().url(),
      schema: z.object({ file: z.string() }),
    }),
  ),
});

export interface SubgraphDefinition {
  name: string;
  url: string;
  schemaFile: string;
  sdl: string;
}

export function readRoverConfig(configPath: string): SubgraphDefinition[] {
  const raw = parseYaml(readFileSync(configPath, 'utf8'));
  const parsed = roverConfigSchema.safeParse(raw);
  if (!parsed.success) {
    throw new Error(`${configPath} is not a valid rover supergraph config: ${parsed.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; ')}`);
  }
  const base = dirname(resolve(configPath));
  return Object.entries(parsed.data.subgraphs).map(([name, sg]) => {
    const schemaFile = resolve(base, sg.schema.file);
    return { name, url: sg.routing_url, schemaFile, sdl: readFileSync(schemaFile, 'utf8') };
  });
}

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
