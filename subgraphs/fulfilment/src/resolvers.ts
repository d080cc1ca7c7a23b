// Thin: the pick flow's resolvers (src/picking/resolvers.ts) make the whole map.
import type { Resolvers } from '../../../codegen/generated/fulfilment.js';
import { pickingMutations, pickingQueries, pickingTypes } from './picking/resolvers.js';

export const resolvers: Resolvers = {
  Query: pickingQueries,
  Mutation: pickingMutations,
  ...pickingTypes,
};
