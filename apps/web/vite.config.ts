// Vite build of the browser bundles. Each HTML file in `input` is one entry point:
// the staff back office (index.html) now; patient LIFF pages (liff.html) plug in with one line.
import { fileURLToPath } from 'node:url';
import react from '@vitejs/plugin-react';
import { defineConfig } from 'vite';

const root = fileURLToPath(new URL('.', import.meta.url));
// The API the dev server proxies to (`CARELINE_API_URL` to point it elsewhere).
const api = process.env.CARELINE_API_URL ?? 'http://localhost:3000';

export default defineConfig({
  root,
  base: '/',
  plugins: [react()],
  build: {
    outDir: fileURLToPath(new URL('./dist', import.meta.url)),
    emptyOutDir: true,
    chunkSizeWarningLimit: 1500,
    rolldownOptions: {
      input: {
        main: fileURLToPath(new URL('./index.html', import.meta.url)),
        liff: fileURLToPath(new URL('./liff.html', import.meta.url)),
      },
      output: {
        // Long-lived vendor chunks shared by every entry (cached across releases).
        codeSplitting: {
          groups: [
            { name: 'react', test: /node_modules[\\/](react|react-dom|react-router|scheduler|@tanstack)[\\/]/ },
            { name: 'antd', test: /node_modules[\\/](antd|@ant-design|@rc-component|rc-[^\\/]+|@emotion|dayjs)[\\/]/ },
          ],
        },
      },
    },
  },
  server: {
    port: 5173,
    strictPort: true,
    proxy: Object.fromEntries(
      ['/api', '/his', '/docs', '/openapi.json', '/healthz', '/liff/api'].map((p) => [
        p,
        { target: api, changeOrigin: false },
      ]),
    ),
  },
});
