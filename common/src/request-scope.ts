// The request a piece of code is running for, without threading it through every call: set once
// where a request enters a component, read where a legacy call leaves it (request ID header, logs).
import { AsyncLocalStorage } from 'node:async_hooks';
import type { Logger } from './logger.js';
import type { Caller } from './caller.js';

export interface RequestScope {
  requestId: string;
  logger: Logger;
  caller: Caller | null;
}

const storage = new AsyncLocalStorage<RequestScope>();

export const runInScope = <T>(scope: RequestScope, fn: () => T): T => storage.run(scope, fn);
export const currentScope = (): RequestScope | undefined => storage.getStore();
