// Runs an operation through the gateway's own pipeline — the same authentication result, limits,
// access policy, query planning, batching and subgraph fetches as a request to /graphql — for the
// gateway's own needs: the OData feed, the revocation list.
import type { ApolloServer } from '@apollo/server';
import type { GraphQLFormattedError } from 'graphql';
import type { Caller } from '../../common/src/caller.js';
import type { Logger } from '../../common/src/logger.js';
import { runInScope } from '../../common/src/request-scope.js';

export interface Executed<T = any> {
  /** What /graphql would have answered with (200, or the status an error asks for). */
  status: number;
  data?: T | null;
  errors?: readonly GraphQLFormattedError[];
}

export type Execute = <T = any>(operation: { query: string; variables?: Record<string, unknown> }, caller: Caller, requestId: string) => Promise<Executed<T>>;

export function pipelineExecutor<C extends { requestId: string; caller: Caller }>(apollo: ApolloServer<C>, logger: Logger): Execute {
  return async (operation, caller, requestId) => {
    const response = await runInScope({ requestId, logger: logger.child({ requestId }), caller }, () =>
      apollo.executeOperation(operation, { contextValue: { requestId, caller } as C }),
    );
    if (response.body.kind !== 'single') throw new Error('incremental delivery is not used here');
    const { data, errors } = response.body.singleResult;
    return { status: response.http.status ?? (errors?.length && !data ? 400 : 200), data: data as any, errors };
  };
}
