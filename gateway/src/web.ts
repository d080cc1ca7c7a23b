// The web pages, served from the gateway's own origin (web/dist, built by web/tools/build.ts):
// the home page at / (and at /graphql for a browser), the customer's /order, the managers' /board,
// the picker's /pick, and GraphiQL at /graphiql in development only. Hashed assets are cached for
// a year, pages revalidated every time; precompressed .br/.gz siblings are sent when accepted.
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import type { IncomingMessage, ServerResponse } from 'node:http';
import sirv from 'sirv';

export const WEB_DIST = 'web/dist';

/** The pages, by path; `explorer` ones only outside production. */
const PAGES: Record<string, { explorer?: boolean }> = { '/order': {}, '/board': {}, '/pick': {}, '/graphiql': { explorer: true } };

// The pages load nothing from elsewhere and call only this origin; the token lives in
// sessionStorage, so no inline script may run and no other site may frame them.
const PAGE_POLICY = [
  "default-src 'self'",
  "script-src 'self'",
  "style-src 'self' 'unsafe-inline'",
  "img-src 'self' data: blob:",
  "font-src 'self' data:",
  "connect-src 'self'",
  "object-src 'none'",
  "base-uri 'none'",
  "form-action 'self'",
  "frame-ancestors 'none'",
].join('; ');
// GraphiQL's editor (Monaco) runs its language services in workers.
const EXPLORER_POLICY = `${PAGE_POLICY}; worker-src 'self' blob:`;

const NOT_BUILT = `<!doctype html><meta charset="utf-8"><title>Order Hub</title>
<p>网页尚未构建：运行 <code>npm run web:build</code>（<code>npm start</code> 会自动构建）。</p>
<p>The web pages are not built: run <code>npm run web:build</code> (<code>npm start</code> builds them when needed).</p>
<p>GraphQL: <code>POST /graphql</code></p>`;

export interface WebOptions {
  distDir?: string;
  /** Serve GraphiQL (development only). */
  explorer: boolean;
}

/** Answers (true) the requests that are for the pages; leaves everything else (false) to GraphQL. */
export function webPages(options: WebOptions): (req: IncomingMessage, res: ServerResponse) => boolean {
  const dist = options.distDir ?? WEB_DIST;
  const built = existsSync(join(dist, 'index.html'));
  const serve = built
    ? sirv(dist, {
        gzip: true,
        brotli: true,
        etag: true,
        extensions: ['html'],
        setHeaders(res, pathname) {
          if (pathname.startsWith('/assets/')) {
            res.setHeader('Cache-Control', 'public, max-age=31536000, immutable');
            return;
          }
          res.setHeader('Cache-Control', 'no-cache');
          res.setHeader('Content-Security-Policy', pathname.startsWith('/graphiql') ? EXPLORER_POLICY : PAGE_POLICY);
          res.setHeader('X-Content-Type-Options', 'nosniff');
          res.setHeader('Referrer-Policy', 'no-referrer');
        },
      })
    : null;

  return (req, res) => {
    if (req.method !== 'GET' && req.method !== 'HEAD') return false;
    const url = new URL(req.url ?? '/', 'http://localhost');
    let path = url.pathname.replace(/(.)\/$/, '$1');
    if (path === '/' || path === '/graphql') {
      // A browser opening the endpoint gets the home page; GraphQL over GET (with a query string) does not.
      if (url.search || !String(req.headers.accept ?? '').includes('text/html')) return false;
      path = '/index.html';
    } else if (path in PAGES) {
      if (PAGES[path].explorer && !options.explorer) return false;
      path = `${path}/index.html`;
    } else if (!path.startsWith('/assets/')) {
      return false;
    }
    if (!serve) {
      if (path.startsWith('/assets/')) return false;
      res.writeHead(503, { 'content-type': 'text/html; charset=utf-8', 'cache-control': 'no-store' });
      res.end(NOT_BUILT);
      return true;
    }
    req.url = path;
    serve(req, res, () => {
      res.writeHead(404, { 'content-type': 'text/plain; charset=utf-8' });
      res.end('not found');
    });
    return true;
  };
}
