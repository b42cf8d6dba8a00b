import { mkdirSync } from 'node:fs'
import { dirname, join } from 'node:path'
import { fileURLToPath } from 'node:url'

import { test as base, expect, type APIRequestContext, type Locator, type Page } from '@playwright/test'

export { expect }

/** The roster tools/e2eserver seeds: students 31000001..31000030, all with this PIN. */
export const PIN = '1357'
// A table of names, five to a line.
// prettier-ignore
const NAMES = [
  'Ada Lovelace', 'Charles Babbage', 'Grace Hopper', 'Alan Turing', 'Edsger Dijkstra',
  'Barbara Liskov', 'Donald Knuth', 'Frances Allen', 'John Backus', 'Margaret Hamilton',
  'Ken Thompson', 'Dennis Ritchie', 'Niklaus Wirth', 'Radia Perlman', 'Tony Hoare',
  'Leslie Lamport', 'Shafi Goldwasser', 'Robin Milner', 'Adele Goldberg', 'Alan Kay',
  'John McCarthy', 'Sophie Wilson', 'Butler Lampson', 'Jean Sammet', 'Fran Bilas',
  'Kathleen Booth', 'Peter Naur', 'Mary Shaw', 'Ivan Sutherland', 'Karen Spärck Jones',
]

export interface Student {
  number: string
  name: string
}

/** Student n (1..30) of the seeded roster. Every test uses students of its own. */
export function student(n: number): Student {
  const name = NAMES[n - 1]
  if (!name) throw new Error(`the e2e roster has no student ${n}`)
  return { number: String(31000000 + n), name }
}

/**
 * The seeded slots' labels, as the API writes them: two rooms on Thursday 20 and Friday 21 May
 * 2027 at 10:00, 10:15 and 10:30, one booking each.
 */
export function slot(room: 'CSSE 2.01' | 'EZONE 1.24', day: 20 | 21, time: '10:00' | '10:15' | '10:30') {
  return `${room} ${day === 20 ? 'Thursday' : 'Friday'}, May ${day} ${time}`
}

export async function signIn(page: Page, who: Student, pin = PIN): Promise<void> {
  await page.goto('/')
  await page.getByLabel('Student number', { exact: true }).fill(who.number)
  await page.getByLabel('PIN', { exact: true }).fill(pin)
  await page.getByRole('button', { name: 'Sign in' }).click()
  await expect(page.getByRole('button', { name: 'Sign out' })).toBeVisible()
}

/** The bearer token the SPA keeps for this tab. */
export async function sessionToken(page: Page): Promise<string> {
  return page.evaluate(() => {
    const raw = sessionStorage.getItem('pairup.session')
    if (raw === null) throw new Error('no session in sessionStorage')
    return (JSON.parse(raw) as { token: string }).token
  })
}

/** Signs in through the API (not the page), for students acting behind the tested one's back. */
export async function apiToken(request: APIRequestContext, who: Student): Promise<string> {
  const res = await request.post('/api/tokens', {
    headers: { Authorization: `Basic ${Buffer.from(`${who.number}:${PIN}`).toString('base64')}` },
  })
  expect(res.status()).toBe(200)
  return ((await res.json()) as { token: string }).token
}

export async function labId(request: APIRequestContext, token: string, label: string): Promise<number> {
  const res = await request.get('/api/labs', { headers: { Authorization: `Bearer ${token}` } })
  expect(res.status()).toBe(200)
  const { available_labs } = (await res.json()) as { available_labs: { lab_id: number; lab: string }[] }
  const lab = available_labs.find((l) => l.lab === label)
  if (!lab) throw new Error(`${label} is not free`)
  return lab.lab_id
}

const SCREENSHOTS = join(dirname(fileURLToPath(import.meta.url)), '..', 'test-results', 'screenshots')

const SIZES = [
  ['desktop', { width: 1280, height: 800 }],
  ['phone', { width: 360, height: 740 }],
] as const

/** Fails when the page is wider than the viewport: nothing may scroll sideways, even at 360 px. */
async function expectNoSidewaysScroll(page: Page, name: string, width: number): Promise<void> {
  const scrollWidth = await page.evaluate(() => document.documentElement.scrollWidth)
  expect(scrollWidth, `${name}: the page is ${scrollWidth} px wide in a ${width} px viewport`).toBeLessThanOrEqual(
    width,
  )
}

/**
 * Full-page screenshots at a desktop's and a phone's (360 px) width, kept as test artifacts; fails
 * when the page scrolls sideways at either width.
 */
export async function screenshots(page: Page, name: string): Promise<void> {
  mkdirSync(SCREENSHOTS, { recursive: true })
  const original = page.viewportSize() ?? { width: 1280, height: 720 }
  for (const [suffix, size] of SIZES) {
    await page.setViewportSize(size)
    await expectNoSidewaysScroll(page, `${name}-${suffix}`, size.width)
    await page.screenshot({ path: join(SCREENSHOTS, `${name}-${suffix}.png`), fullPage: true })
  }
  await page.setViewportSize(original)
}

/**
 * Screenshots of one part of the page (say, the chat panel) at a desktop's and a phone's width;
 * fails when the page scrolls sideways at either width.
 */
export async function partScreenshots(page: Page, part: Locator, name: string): Promise<void> {
  mkdirSync(SCREENSHOTS, { recursive: true })
  const original = page.viewportSize() ?? { width: 1280, height: 720 }
  for (const [suffix, size] of SIZES) {
    await page.setViewportSize(size)
    await expectNoSidewaysScroll(page, `${name}-${suffix}`, size.width)
    await part.scrollIntoViewIfNeeded()
    await part.screenshot({ path: join(SCREENSHOTS, `${name}-${suffix}.png`) })
  }
  await page.setViewportSize(original)
}

/** Waits until the page's live connection is up (the header's indicator says so). */
export async function live(page: Page): Promise<void> {
  await expect(page.getByRole('status').filter({ hasText: 'Live updates' })).toHaveText('Live updates: Live')
}

/**
 * Cuts the page off from live updates: its WebSocket opens onto a silent mock instead of the
 * server, so what the test checks is the page's REST behaviour alone.
 */
export async function withoutLiveUpdates(page: Page): Promise<void> {
  await page.routeWebSocket(/\/api\/ws$/, () => {})
}

function watch(page: Page, problems: string[]): void {
  page.on('pageerror', (e) => problems.push(`uncaught: ${e.message}`))
  page.on('console', (m) => {
    if (m.type() === 'error' && /Content.Security.Policy/i.test(m.text())) problems.push(m.text())
  })
}

/**
 * `page` is the first student's tab; `openPage()` opens another student's tab in a context of its
 * own (its own sessionStorage). Every test fails on an uncaught exception in any of its pages or
 * on a Content-Security-Policy violation (the server forbids inline script and style).
 */
export const test = base.extend<{ problems: string[]; openPage: () => Promise<Page> }>({
  problems: async ({}, use) => {
    const problems: string[] = []
    await use(problems)
    expect(problems, 'page errors and CSP violations').toEqual([])
  },
  page: async ({ page, problems }, use) => {
    watch(page, problems)
    await use(page)
  },
  openPage: async ({ browser, baseURL, problems }, use) => {
    const contexts: Awaited<ReturnType<typeof browser.newContext>>[] = []
    await use(async () => {
      const context = await browser.newContext({ baseURL })
      contexts.push(context)
      const page = await context.newPage()
      watch(page, problems)
      return page
    })
    await Promise.all(contexts.map((c) => c.close()))
  },
})
