// fieldLineage and lineageGraph: the declarations of every subgraph (src/lineage.ts gathers them).
import type { Resolvers } from '../../../codegen/generated/order-link.js';
import { requireRole } from '../../../common/src/arguments.js';
import { badInput } from '../../../common/src/errors.js';
import { lineageGraph, type FieldLineage } from '../../../common/src/lineage.js';
import { supergraphLineage, TRANSFORM_TEXT } from './lineage.js';

const STAFF = ['ops', 'director', 'finance', 'sales', 'warehouse'] as const;
const ALL = supergraphLineage();

const view = (l: FieldLineage) => ({
  ...l,
  sources: l.sources.map((s) => ({ system: s.system ?? l.system, table: s.table ?? null, column: s.column ?? null, endpoint: s.endpoint ?? null, jsonPath: s.jsonPath ?? null })),
  transformZh: TRANSFORM_TEXT[l.transform].zh,
  transformEn: TRANSFORM_TEXT[l.transform].en,
});

export const lineageResolvers: Resolvers = {
  Query: {
    fieldLineage: (_root, { coordinate }, ctx) => {
      requireRole(ctx, [...STAFF], 'fieldLineage');
      if (!/^[A-Za-z_]\w*\.[A-Za-z_]\w*$/.test(coordinate)) {
        throw badInput({ zh: `「${coordinate.slice(0, 60)}」不是字段坐标（类型.字段，如 Order.lifecycle）`, en: `"${coordinate.slice(0, 60)}" is not a field coordinate (Type.field, e.g. Order.lifecycle)` }, { argument: 'coordinate' });
      }
      const found = ALL.filter((l) => l.coordinate === coordinate);
      if (!found.length) return null;
      // A key field several subgraphs answer (Sku.code) is reported as its first declaration, with every source.
      return view({ ...found[0], sources: found.flatMap((l) => l.sources.map((s) => ({ system: l.system, ...s }))) });
    },
    lineageGraph: (_root, { type }, ctx) => {
      requireRole(ctx, [...STAFF], 'lineageGraph');
      const fields = ALL.filter((l) => l.coordinate.startsWith(`${type}.`));
      if (!fields.length) throw badInput({ zh: `类型「${type.slice(0, 60)}」没有字段来源声明`, en: `Type "${type.slice(0, 60)}" has no lineage declared` }, { argument: 'type' });
      return { type, fields: fields.map(view), ...lineageGraph(ALL, type) };
    },
  },
};
