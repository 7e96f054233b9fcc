// Builds the client (client/) into client/dist. The server serves that folder on the same port
// as the API and the websocket, so the dev server proxies both to a running `npm run serve`.
import { defineConfig } from 'vite'
import react from '@vitejs/plugin-react'
import { precompress } from './scripts/precompress.ts'

const apiTarget = process.env.SANDBOX_API ?? 'http://localhost:8080'

export default defineConfig({
  root: 'client',
  plugins: [react(), precompress()],
  build: {
    outDir: 'dist',
    emptyOutDir: true,
    chunkSizeWarningLimit: 4096,
    assetsInlineLimit: 0,
    // bench/bundleSizes.ts reads which chunks each route loads from here.
    manifest: true,
  },
  // tldraw's self-hosted assets are `?url` imports, which the dev server's pre-bundling cannot load.
  optimizeDeps: { exclude: ['@tldraw/assets'] },
  server: {
    proxy: {
      '/api': apiTarget,
      '/healthz': apiTarget,
      '/sync': { target: apiTarget.replace(/^http/, 'ws'), ws: true },
    },
  },
})
