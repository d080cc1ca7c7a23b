import { pino, type Logger } from 'pino';

export type { Logger };

export function createLogger(component: string): Logger {
  return pino({
    name: component,
    level: process.env.LOG_LEVEL ?? (process.env.NODE_ENV === 'test' ? 'warn' : 'info'),
    base: { component },
  });
}
