// Cross-origin calls: front-end teams' own apps (a dev server on another port, the customer portal
// on its own domain, a WeChat H5 page) call the graph from the browser. A preflight (OPTIONS) is
// answered here, before authentication: browsers never send a token with one. Allowed origins are
// CORS_ORIGINS; a refused origin gets no Access-Control-Allow-Origin and its browser gives up.
import type { IncomingMessage, ServerResponse } from 'node:http';
import cors from 'cors';
import type { Config } from '../../common/src/config.js';

/** The dev servers' origins (Vite's), allowed by default in development only. */
export const DEV_SERVER_ORIGINS = ['http://localhost:5173', 'http://127.0.0.1:5173'];

export function corsOrigins(config: Pick<Config, 'CORS_ORIGINS' | 'NODE_ENV'>): string[] {
  return config.CORS_ORIGINS ?? (config.NODE_ENV === 'development' ? DEV_SERVER_ORIGINS : []);
}

/** Adds the CORS headers an allowed origin needs; answers preflights itself (true). */
export function corsHandler(origins: string[]): (req: IncomingMessage, res: ServerResponse) => boolean {
  const middleware = cors({
    // Always a list, possibly empty: `false` would switch the middleware off and let preflights reach authentication.
    origin: [...origins],
    methods: ['GET', 'POST'],
    allowedHeaders: ['authorization', 'content-type', 'x-request-id', 'apollo-require-preflight', 'x-file-name'],
    exposedHeaders: ['x-request-id'],
    // Bearer tokens, never cookies: no credentials mode.
    credentials: false,
    maxAge: 600,
  });
  return (req, res) => {
    // The origin option is a plain list, so the middleware decides synchronously.
    let passed = false;
    middleware(req as any, res as any, () => {
      passed = true;
    });
    return !passed;
  };
}
