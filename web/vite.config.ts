import { defineConfig } from 'vite';
import tailwindcss from '@tailwindcss/vite';
import { fileURLToPath } from 'node:url';
import { sizeReport } from './size-plugin';

// The UI is built into web/dist and served by the Fastify server at `/`.
// No @preact/preset-vite (it needs babel): esbuild compiles JSX against Preact directly.
const root = fileURLToPath(new URL('.', import.meta.url));
const backend = process.env.HOMELAB_DEV_BACKEND ?? 'http://127.0.0.1:8000';

export default defineConfig({
  root,
  base: '/',
  plugins: [tailwindcss(), sizeReport(fileURLToPath(new URL('./dist', import.meta.url)))],
  esbuild: { jsx: 'automatic', jsxImportSource: 'preact' },
  build: {
    outDir: 'dist',
    emptyOutDir: true,
    target: 'es2022',
    reportCompressedSize: true,
    chunkSizeWarningLimit: 200,
  },
  server: {
    host: '127.0.0.1',
    proxy: {
      '/api': { target: backend, changeOrigin: true },
      '/ws': { target: backend.replace(/^http/, 'ws'), ws: true },
    },
  },
});
