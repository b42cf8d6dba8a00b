import { readdirSync, readFileSync } from 'node:fs'
import { join, relative } from 'node:path'

import { describe, expect, it } from 'vitest'

const src = join(__dirname, '..')

function files(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((e) =>
    e.isDirectory() ? files(join(dir, e.name)) : /\.(vue|ts)$/.test(e.name) ? [join(dir, e.name)] : [],
  )
}

// Built from pieces so that this file does not match itself.
const forbidden = ['v-' + 'html', 'inner' + 'HTML', 'outer' + 'HTML', 'insertAdjacent' + 'HTML', 'document.' + 'write']

describe('the source', () => {
  it('never renders strings as HTML: everything from the API is text', () => {
    const all = files(src)
    expect(all.length).toBeGreaterThan(10)
    const hits = all.flatMap((f) => {
      const text = readFileSync(f, 'utf8')
      return forbidden.filter((w) => text.includes(w)).map((w) => `${relative(src, f)}: ${w}`)
    })
    expect(hits).toEqual([])
  })

  it('binds no inline styles (the server’s CSP allows style sheets only)', () => {
    const hits = files(src)
      .filter((f) => f.endsWith('.vue'))
      .filter((f) => /\s(:style|v-bind:style|style)=/.test(readFileSync(f, 'utf8')))
    expect(hits.map((f) => relative(src, f))).toEqual([])
  })
})
