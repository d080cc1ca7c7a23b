// Vite builds the pages into web/dist, one entry per page so a page loads only what it uses:
// the customer's order page stays small; ECharts loads only on the board, GraphiQL (React,
// Monaco) only on the development explorer. `npm run web:dev` serves them with hot reload on
// :5173, calling the gateway on :4000 (allowed by CORS_ORIGINS in development).
import { fileURLToPath } from 'node:url';
import { defineConfig, type Plugin } from 'vite';
import vue from '@vitejs/plugin-vue';

const root = fileURLToPath(new URL('.', import.meta.url));

/** The dev server answers /order as the gateway does (its own would want /order/). */
const pagesWithoutSlash: Plugin = {
  name: 'order-hub-pages',
  configureServer(server) {
    server.middlewares.use((req, _res, next) => {
      const [path, query] = (req.url ?? '/').split('?');
      if (/^\/(order|board|pick|graphiql)$/.test(path)) req.url = `${path}/${query ? `?${query}` : ''}`;
      next();
    });
  },
};
const page = (path: string) => fileURLToPath(new URL(path, import.meta.url));

export default defineConfig({
  root,
  base: '/',
  // Several pages, each its own HTML: no single-page fallback to the home page.
  appType: 'mpa',
  plugins: [vue(), pagesWithoutSlash],
  define: {
    // Composition API only: Vue's options API and devtools hooks are left out of the bundle.
    __VUE_OPTIONS_API__: 'false',
    __VUE_PROD_DEVTOOLS__: 'false',
    __VUE_PROD_HYDRATION_MISMATCH_DETAILS__: 'false',
  },
  server: { port: 5173, strictPort: true },
  // GraphiQL's worker setup imports Monaco's workers with `?worker`, which only Vite itself (not
  // its dependency pre-bundler) can load.
  optimizeDeps: { exclude: ['graphiql/setup-workers/vite', '@graphiql/react/setup-workers/vite'] },
  build: {
    outDir: 'dist',
    emptyOutDir: true,
    // Phones in China: recent WeChat and system WebViews are Chromium 90+ and Safari 14+.
    target: ['es2020', 'chrome90', 'safari14'],
    reportCompressedSize: false,
    chunkSizeWarningLimit: 6000,
    rollupOptions: {
      // React libraries under GraphiQL mark modules "use client" for server components; a plain bundle ignores it.
      onwarn(warning, warn) {
        if (warning.code !== 'MODULE_LEVEL_DIRECTIVE') warn(warning);
      },
      input: {
        home: page('index.html'),
        order: page('order/index.html'),
        board: page('board/index.html'),
        pick: page('pick/index.html'),
        graphiql: page('graphiql/index.html'),
      },
    },
  },
});
