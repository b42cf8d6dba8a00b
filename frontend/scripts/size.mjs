#!/usr/bin/env node
// Prints the gzip size of the JS and CSS a first visit loads (everything dist/index.html
// references: entry script, module preloads, style sheets: the sign-in page) and fails over the
// first-load budget. It also fails when index.html holds inline script or style, which the
// server's CSP would block. For information, it then prints what a student's browser fetches
// after signing in: the home and unit pages' chunks and the unit page's lazily loaded panels
// (never the coordinator's console or the site admin page).
import { existsSync, readdirSync, readFileSync } from 'node:fs'
import { dirname, join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { gzipSync } from 'node:zlib'

const BUDGET = 60 * 1024
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

/**
 * Prints one row per asset and returns their total gzip size.
 * @param {Iterable<string>} files
 */
function table(files) {
  let total = 0
  for (const asset of files) {
    const bytes = readFileSync(join(dist, asset))
    const gz = gzipSync(bytes).length
    total += gz
    console.log(
      `  ${asset.padEnd(46)} ${(bytes.length / 1024).toFixed(1).padStart(7)} KB  ${(gz / 1024).toFixed(1).padStart(6)} KB gzip`,
    )
  }
  return total
}

console.log('First load (JS + CSS referenced by index.html: the sign-in page):')
const total = table(assets)
console.log(
  `  ${'total'.padEnd(46)} ${''.padStart(10)} ${(total / 1024).toFixed(1).padStart(6)} KB gzip (first-load budget ${BUDGET / 1024} KB)`,
)

// After sign-in: the chunks the entry imports on the way to a student's pages, followed through
// their static imports, their preload lists (which name their CSS) and their own dynamic imports.
const studentPages = /^assets\/(HomeView|UnitView)-/
const quoted = '["\'`]'
const later = new Set()
/**
 * Adds `asset` and what it loads to `later` (the entry itself only passes its student pages on).
 * @param {string} asset
 * @param {boolean} fromEntry
 */
const visit = (asset, fromEntry) => {
  if (!fromEntry) {
    if (later.has(asset) || assets.has(asset)) return
    later.add(asset)
  }
  if (!asset.endsWith('.js')) return
  const js = readFileSync(join(dist, asset), 'utf8')
  const list = /m\.f=\[([^\]]*)\]/.exec(js)?.[1]
  const deps = list ? [...list.matchAll(/["'`](assets\/[^"'`]+)["'`]/g)].map((m) => m[1]) : []
  for (const m of js.matchAll(new RegExp(`(?:from|import)\\s*${quoted}\\./([^"'\`]+\\.js)${quoted}`, 'g'))) {
    if (!fromEntry) visit(`assets/${m[1]}`, false)
  }
  // import(`./X.js`), maybe .then(…), then the preload list: __vite__mapDeps([0,1,2]).
  const dynamic = new RegExp(`import\\(${quoted}\\./([^"'\`]+\\.js)${quoted}\\)`, 'g')
  for (const m of js.matchAll(dynamic)) {
    const target = `assets/${m[1]}`
    if (fromEntry && !studentPages.test(target)) continue
    visit(target, false)
    const rest = js.slice(m.index + m[0].length, m.index + m[0].length + 300).split('import(')[0] ?? ''
    const indices = /^[^;]*?__vite__mapDeps\(\[([\d,\s]*)\]\)/.exec(rest)?.[1] ?? ''
    for (const i of indices.split(',').filter((x) => x.trim() !== '')) {
      const dep = deps[Number(i)]
      if (dep) visit(dep, false)
    }
  }
}
for (const asset of assets) if (asset.endsWith('.js')) visit(asset, true)
const known = new Set(readdirSync(join(dist, 'assets')).map((f) => `assets/${f}`))
const afterSignIn = [...later].filter((a) => known.has(a)).sort()
console.log('After sign-in, for information (the home and unit pages, and the panels the unit page loads):')
const laterTotal = table(afterSignIn)
console.log(`  ${'total'.padEnd(46)} ${''.padStart(10)} ${(laterTotal / 1024).toFixed(1).padStart(6)} KB gzip`)

if (assets.size === 0) problems.push('no JS or CSS assets referenced')
if (total > BUDGET) problems.push(`the first load is over its budget by ${((total - BUDGET) / 1024).toFixed(1)} KB`)
if (problems.length > 0) {
  console.error(`size: dist/index.html: ${problems.join('; ')}`)
  process.exit(1)
}
