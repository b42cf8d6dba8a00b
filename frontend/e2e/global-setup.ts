import { execFileSync, spawn } from 'node:child_process'
import { closeSync, existsSync, mkdirSync, openSync } from 'node:fs'
import { dirname, join, resolve } from 'node:path'
import { createInterface } from 'node:readline'
import { fileURLToPath } from 'node:url'

const frontend = resolve(dirname(fileURLToPath(import.meta.url)), '..')
const root = resolve(frontend, '..')

/**
 * Builds the server and tools/e2eserver, starts it (a seeded throwaway database plus the real
 * `pairup serve` with the built SPA) and hands its URL to the tests in E2E_URL, and the first
 * day of the seeded slots in E2E_FIRST_DAY. The returned
 * teardown stops it, which drops the database; if this process dies instead, the server sees its
 * standard input close and cleans up by itself.
 */
export default async function globalSetup(): Promise<() => Promise<void>> {
  const chromium = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium'
  if (!existsSync(chromium)) {
    throw new Error(`${chromium} is missing: run frontend/scripts/ensure-chromium.sh (as root) first`)
  }
  if (!existsSync(join(frontend, 'dist', 'index.html'))) {
    throw new Error('frontend/dist is not built: run `npm run build` first')
  }
  for (const [out, pkg] of [
    ['bin/pairup', './cmd/pairup'],
    ['bin/e2eserver', './tools/e2eserver'],
  ] as const) {
    execFileSync(process.env.GO ?? 'go', ['build', '-o', out, pkg], { cwd: root, stdio: 'inherit' })
  }

  mkdirSync(join(frontend, 'test-results'), { recursive: true })
  // The server's logs go straight to a file, so they keep flowing even if this process dies.
  const log = openSync(join(frontend, 'test-results', 'e2eserver.log'), 'w')
  const server = spawn(
    join(root, 'bin/e2eserver'),
    ['-bin', join(root, 'bin/pairup'), '-web', join(frontend, 'dist')],
    { cwd: root, stdio: ['pipe', 'pipe', log] },
  )
  closeSync(log)
  const exited = new Promise<void>((done) => server.once('exit', () => done()))

  const url = await new Promise<string>((found, failed) => {
    if (!server.stdout) throw new Error('e2eserver has no stdout pipe')
    const lines = createInterface({ input: server.stdout })
    lines.on('line', (line) => {
      // The seeded slots' first day (their dates follow the clock), printed before the URL.
      if (line.startsWith('E2E_FIRST_DAY=')) process.env.E2E_FIRST_DAY = line.slice('E2E_FIRST_DAY='.length)
      if (line.startsWith('E2E_URL=')) found(line.slice('E2E_URL='.length))
    })
    server.once('error', failed)
    server.once('exit', (code) => failed(new Error(`e2eserver exited with ${code}; see test-results/e2eserver.log`)))
  })
  process.env.E2E_URL = url
  if (!/^\d{4}-\d\d-\d\d$/.test(process.env.E2E_FIRST_DAY ?? '')) {
    throw new Error('e2eserver did not print E2E_FIRST_DAY=YYYY-MM-DD before its URL')
  }

  return async () => {
    server.kill('SIGTERM')
    await exited
  }
}
