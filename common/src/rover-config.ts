// rover-config.yaml, read: each subgraph's name, routing URL and schema. The gateway composes it;
// a subgraph that calls another (order-link's drafts → erp) finds its address here when no variable names one.
import { readFileSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { parse as parseYaml } from 'yaml';
import { z } from 'zod';

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
