// The browser side of Atelier, built by `npm run build:web` (part of `npm run build`, so `npm ci` builds it)
// into dist/web, which the server serves: the web app at /, GraphiQL at /graphql for browsers. Everything is bundled from npm:
// the pages load nothing from another host.
import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vite';
import react from '@vitejs/plugin-react';

const here = (file: string) => fileURLToPath(new URL(file, import.meta.url));

export default defineConfig({
  root: here('.'),
  base: '/',
  plugins: [react()],
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
