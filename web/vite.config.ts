import { defineConfig } from 'vite';
import react from '@vitejs/plugin-react';

// Root is web/; `vite build web` writes web/dist, which src/http/web.ts serves.
// In development (`vite web`) API calls go to a running Charla server.
const target = process.env.CHARLA_URL ?? 'http://127.0.0.1:3000';

export default defineConfig({
  root: import.meta.dirname,
  plugins: [react()],
  build: { outDir: 'dist', emptyOutDir: true, chunkSizeWarningLimit: 1500 },
  server: { proxy: { '/api': { target, changeOrigin: false } } },
});
