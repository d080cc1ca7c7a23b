// Where each field of the graph comes from: the subgraph that answers it, the code that does the work,
// the legacy system, table and column (or API endpoint and JSON path), and what happens on the way.
// Each subgraph declares its fields next to the code that reads them (an adapter's lineage.ts beside
// its datasource.ts); order-link gathers them for fieldLineage and lineageGraph, and test/lineage.test.ts
// fails when a field of the supergraph has none or names a column its adapter does not read.

export type LineageSystem = 'ERP' | 'WMS' | 'TMS' | 'CRM' | 'HUB' | 'GRAPH';

/** What happens to a value between the legacy system and the field. */
export type Transform =
  /** Copied as it is (text trimmed where the adapter trims) */
  | 'AS_IS'
  /** A legacy code mapped to an enum (iStatus 6 → CLOSED, status 60 → SHIPPED …) */
  | 'CODE_MAP'
  /** Beijing wall-clock text (2025-11-08 14:03:00) → ISO 8601 instant with offset */
  | 'BEIJING_TIME_TO_INSTANT'
  /** Epoch milliseconds (CRM) → ISO 8601 instant */
  | 'EPOCH_MS_TO_INSTANT'
  /** DECIMAL(18,2) → Money, an exact decimal string with two places */
  | 'DECIMAL_TO_MONEY'
  /** A value split or parsed out of a text (tags joined by 、, a bin code F2-A03-S05) */
  | 'PARSED'
  /** A reference to another entity by its key, resolved by the subgraph that owns it */
  | 'ENTITY_REFERENCE'
  /** Worked out from other fields or rows (named in derivedFrom and sources) */
  | 'DERIVED'
  /** Kept by the hub itself (its own tables), written by the hub's own work */
  | 'HUB_STATE'
  /** A root field or payload: the entry point, answered by the named module */
  | 'OPERATION';

export interface LineageSource {
  /** When not the field's own system (a hub field read from ERP, WMS and TMS documents). */
  system?: LineageSystem;
  table?: string;
  column?: string;
  endpoint?: string;
  jsonPath?: string;
}

export interface FieldLineage {
  /** Type.field */
  coordinate: string;
  subgraph: string;
  /** The file that does the work, from the repository root. */
  module: string;
  system: LineageSystem;
  sources: LineageSource[];
  transform: Transform;
  /** Other fields this one is worked out from. */
  derivedFrom: string[];
  note: string | null;
}

/** A field's lineage as written in a declaration: the subgraph, module and system come from its group. */
export type FieldDecl =
  | string
  | {
      /** column (or JSON key) names; `Table.column` to name another table, `ERP:Table.column` another system's */
      from?: string | string[];
      transform?: Transform;
      derivedFrom?: string[];
      note?: string;
      endpoint?: string;
    };

export interface TypeDecl {
  /** Default table (SQL systems) or endpoint (HTTP systems) of the type's fields. */
  table?: string;
  endpoint?: string;
  /** Default transform of the type's fields. */
  transform?: Transform;
  fields: Record<string, FieldDecl>;
}

/**
 * Declarations of one subgraph's fields over one system, as compact tables:
 * `{ Order: { table: 'SO_SOMain', fields: { orderedAt: { from: 'dDate', transform: 'BEIJING_TIME_TO_INSTANT' } } } }`.
 * A bare string is the column (or JSON key) copied AS_IS.
 */
export function declareLineage(group: { subgraph: string; module: string; system: LineageSystem }, types: Record<string, TypeDecl>): FieldLineage[] {
  const out: FieldLineage[] = [];
  for (const [type, decl] of Object.entries(types)) {
    for (const [field, f] of Object.entries(decl.fields)) {
      const spec = typeof f === 'string' ? { from: f } : f;
      const names = spec.from == null ? [] : Array.isArray(spec.from) ? spec.from : [spec.from];
      const endpoint = spec.endpoint ?? decl.endpoint;
      const sources: LineageSource[] = names.map((named) => {
        const prefix = /^(ERP|WMS|TMS|CRM|HUB):/.exec(named);
        const name = prefix ? named.slice(prefix[0].length) : named;
        const system = prefix ? { system: prefix[1] as LineageSystem } : {};
        // An HTTP system's JSON path (the group's own, or TMS:/CRM: named from a hub field) under the endpoint.
        if (endpoint && (!prefix || prefix[1] === 'TMS' || prefix[1] === 'CRM')) return { ...system, endpoint, jsonPath: name };
        const dot = name.indexOf('.');
        return { ...system, ...(dot > 0 ? { table: name.slice(0, dot), column: name.slice(dot + 1) } : { table: decl.table, column: name }) };
      });
      out.push({
        coordinate: `${type}.${field}`,
        subgraph: group.subgraph,
        module: group.module,
        system: group.system,
        sources,
        transform: spec.transform ?? decl.transform ?? (sources.length ? 'AS_IS' : 'DERIVED'),
        derivedFrom: spec.derivedFrom ?? [],
        note: spec.note ?? null,
      });
    }
  }
  return out;
}

export interface LineageNode {
  id: string;
  kind: 'FIELD' | 'SUBGRAPH' | 'MODULE' | 'SYSTEM' | 'TABLE' | 'COLUMN' | 'ENDPOINT';
  label: string;
}

export interface LineageEdge {
  from: string;
  to: string;
  /** The transform on the way (field ← module edges), else null. */
  transform: Transform | null;
}

/**
 * A type's lineage as a graph a page can draw, left to right: field → module (with the transform) →
 * table/endpoint → system, columns hanging off their tables; fields a field is derived from point to it.
 */
export function lineageGraph(all: readonly FieldLineage[], type: string): { nodes: LineageNode[]; edges: LineageEdge[] } {
  const nodes = new Map<string, LineageNode>();
  const edges: LineageEdge[] = [];
  const seen = new Set<string>();
  const node = (id: string, kind: LineageNode['kind'], label: string) => nodes.set(id, nodes.get(id) ?? { id, kind, label });
  const edge = (from: string, to: string, transform: Transform | null = null) => {
    const key = `${from}>${to}>${transform}`;
    if (!seen.has(key)) (seen.add(key), edges.push({ from, to, transform }));
  };
  for (const l of all.filter((x) => x.coordinate.startsWith(`${type}.`))) {
    const f = `field:${l.coordinate}`;
    node(f, 'FIELD', l.coordinate);
    const m = `module:${l.module}`;
    node(m, 'MODULE', `${l.subgraph}: ${l.module.split('/').slice(-2).join('/')}`);
    edge(m, f, l.transform);
    const own = `system:${l.system}`;
    node(own, 'SYSTEM', l.system);
    if (!l.sources.length) edge(own, m);
    for (const src of l.sources) {
      const sys = src.system ?? l.system;
      const s = `system:${sys}`;
      node(s, 'SYSTEM', sys);
      if (src.endpoint) {
        const e = `endpoint:${sys}:${src.endpoint}`;
        node(e, 'ENDPOINT', src.endpoint);
        edge(s, e);
        const c = `column:${sys}:${src.endpoint}:${src.jsonPath}`;
        node(c, 'COLUMN', src.jsonPath ?? '');
        edge(e, c);
        edge(c, m);
      } else if (src.table) {
        const t = `table:${sys}:${src.table}`;
        node(t, 'TABLE', src.table);
        edge(s, t);
        const c = `column:${sys}:${src.table}.${src.column}`;
        node(c, 'COLUMN', `${src.table}.${src.column}`);
        edge(t, c);
        edge(c, m);
      }
    }
    for (const d of l.derivedFrom) {
      node(`field:${d}`, 'FIELD', d);
      edge(`field:${d}`, f, 'DERIVED');
    }
  }
  return { nodes: [...nodes.values()], edges };
}
