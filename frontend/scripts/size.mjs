#!/usr/bin/env node
// Prints the gzip size of the JS and CSS a first visit loads (everything dist/index.html
// references: entry script, module preloads, style sheets) and fails over the budget. It also
// fails when index.html holds inline script or style, which the server's CSP would block.
import { existsSync, readFileSync } from 'node:fs'
import { dirname, join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { gzipSync } from 'node:zlib'

const BUDGET = 80 * 1024
const dist = join(dirname(fileURLToPath(import.meta.url)), '..', 'dist')
const indexFile = join(dist, 'index.html')
if (!existsSync(indexFile)) {
  console.error('size: dist/index.html is missing; run `npm run build` first')
  process.exit(1)
}
const html = readFileSync(indexFile, 'utf8')

const problems = []
for (const m of html.matchAll(/<script\b([^>]*)>([\s\S]*?)<\/script>/gi)) {
  if (!/\bsrc=/.test(m[1] ?? '') || (m[2] ?? '').trim() !== '') problems.push('an inline <script>')
}
if (/<style\b/i.test(html)) problems.push('an inline <style>')
if (/\sstyle=/i.test(html)) problems.push('a style attribute')

const assets = new Set()
for (const m of html.matchAll(/<(?:script|link)\b[^>]*\b(?:src|href)="\/?(assets\/[^"]+\.(?:js|css))"/g)) {
  if (m[1]) assets.add(m[1])
}

let total = 0
const rows = []
for (const asset of assets) {
  const bytes = readFileSync(join(dist, asset))
  const gz = gzipSync(bytes).length
  total += gz
  rows.push(
    `  ${asset.padEnd(40)} ${(bytes.length / 1024).toFixed(1).padStart(7)} KB  ${(gz / 1024).toFixed(1).padStart(6)} KB gzip`,
  )
}
console.log('First load (JS + CSS referenced by index.html):')
for (const r of rows) console.log(r)
console.log(
  `  ${'total'.padEnd(40)} ${''.padStart(10)} ${(total / 1024).toFixed(1).padStart(6)} KB gzip (budget ${BUDGET / 1024} KB)`,
)

if (assets.size === 0) problems.push('no JS or CSS assets referenced')
if (total > BUDGET) problems.push(`over the budget by ${((total - BUDGET) / 1024).toFixed(1)} KB`)
if (problems.length > 0) {
  console.error(`size: dist/index.html: ${problems.join('; ')}`)
  process.exit(1)
}
