// The browser side of Atelier, built by `npm run build:web` (part of `npm run build`, so `npm ci` builds it)
// into dist/web, which the server serves: the web app at /, GraphiQL at /graphql for browsers. Everything is bundled from npm:
// the pages load nothing from another host.
import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vite';
import react from '@vitejs/plugin-react';

const here = (file: string) => fileURLToPath(new URL(file, import.meta.url));
/** `npm run dev:web`: the server the dev pages talk to (the API, its WebSocket, the image files). */
const API = process.env.ATELIER_URL ?? 'http://127.0.0.1:4000';

export default defineConfig({
  root: here('.'),
  base: '/',
  plugins: [
    react(),
    // What the server fills in when it serves a page, for the dev server's pages (ATELIER_AUTH=keys: ask for a key).
    { name: 'atelier-auth', transformIndexHtml: (html) => html.replace('name="atelier-auth" content="off"', `name="atelier-auth" content="${process.env.ATELIER_AUTH === 'keys' ? 'keys' : 'off'}"`) },
  ],
  // The dev server is for the app; GraphiQL comes built from the server (/graphql is proxied), and its Monaco
  // workers are not something the dependency optimizer can bundle.
  optimizeDeps: { entries: ['index.html'] },
  server: {
    host: '127.0.0.1',
    port: 5173,
    // The server accepts pages of its own origin only (CORS, WebSocket upgrades): proxied requests say they are.
    proxy: {
      '/graphql': { target: API, ws: true, changeOrigin: true, headers: { origin: API } },
      '/images': { target: API, changeOrigin: true, headers: { origin: API } },
    },
  },
  build: {
    outDir: here('../dist/web'),
    emptyOutDir: true,
    // Monaco (GraphiQL's editor) is a few MB however it is split; the warning would only repeat that.
    chunkSizeWarningLimit: 8192,
    rollupOptions: {
      input: { app: here('index.html'), graphiql: here('graphiql.html') },
      onwarn(warning, warn) {
        // GraphiQL's "use no memo" directives (for the React compiler) mean nothing to a bundle.
        if (warning.code !== 'MODULE_LEVEL_DIRECTIVE') warn(warning);
      },
    },
  },
  worker: { format: 'es' },
});
