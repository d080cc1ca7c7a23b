// Orders from words: drafts from chat and remark reading (src/drafts/), the data-repair wizard (src/repair/).
import type { Resolvers } from '../../../codegen/generated/intake.js';
import { draftResolvers } from './drafts/resolvers.js';
import { repairResolvers } from './repair/resolvers.js';

export const resolvers: Resolvers = {
  ...draftResolvers,
  ...repairResolvers,
  Query: { ...draftResolvers.Query, ...repairResolvers.Query },
  Mutation: { ...draftResolvers.Mutation, ...repairResolvers.Mutation },
};
