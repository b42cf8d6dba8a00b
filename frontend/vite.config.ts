import { readFileSync } from 'node:fs'
import { createRequire } from 'node:module'
import { fileURLToPath, URL } from 'node:url'

import vue from '@vitejs/plugin-vue'
import { defineConfig, type Plugin } from 'vite'

// `npm run dev` proxies /api (WebSocket upgrades included: /api/ws carries the live updates) to
// a running `pairup serve`.
const apiTarget = process.env.PAIRUP_API_URL ?? 'http://127.0.0.1:8080'

/**
 * The API reference page (GET /api/docs, served by the Go server) renders openapi.yaml with
 * Redoc's standalone bundle, loaded from this origin at /docs/redoc.standalone.js (never a CDN:
 * the CSP forbids it and users may be offline). The build copies the bundle, and its licence
 * notices, out of node_modules into dist/docs/, so it is never committed; `npm run dev` serves it
 * from node_modules.
 */
function apiReference(): Plugin {
  const require = createRequire(import.meta.url)
  const bundle = () => {
    const js = readFileSync(require.resolve('redoc/bundles/redoc.standalone.js'), 'utf8')
    // The bundle's one remote fetch is the logo beside its "API docs by Redocly" credit, from
    // Redocly's CDN, which the CSP blocks. With an empty src, Redoc drops the image (its onError
    // handler) and keeps the credit.
    const logo = 'src:"https://cdn.redoc.ly/redoc/logo-mini.svg"'
    if (js.split(logo).length !== 2) {
      throw new Error(`redoc.standalone.js no longer loads its logo as ${logo}: check it for remote fetches`)
    }
    return js.replace(logo, 'src:""')
  }
  return {
    name: 'pairup:api-reference',
    generateBundle() {
      this.emitFile({ type: 'asset', fileName: 'docs/redoc.standalone.js', source: bundle() })
      this.emitFile({
        type: 'asset',
        fileName: 'docs/redoc.standalone.js.LICENSE.txt',
        source: readFileSync(require.resolve('redoc/bundles/redoc.standalone.js.LICENSE.txt')),
      })
    },
    configureServer(server) {
      server.middlewares.use('/docs/redoc.standalone.js', (_req, res) => {
        res.setHeader('Content-Type', 'text/javascript; charset=utf-8')
        res.end(bundle())
      })
    },
  }
}

export default defineConfig({
  plugins: [vue(), apiReference()],
  resolve: {
    alias: {
      '@': fileURLToPath(new URL('./src', import.meta.url)),
    },
  },
  server: {
    proxy: {
      '/api': { target: apiTarget, changeOrigin: true, ws: true },
    },
  },
  preview: {
    proxy: {
      '/api': { target: apiTarget, changeOrigin: true, ws: true },
    },
  },
})
