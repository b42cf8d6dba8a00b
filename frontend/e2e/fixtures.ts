import { mkdirSync } from 'node:fs'
import { dirname, join } from 'node:path'
import { fileURLToPath } from 'node:url'

import { test as base, expect, type APIRequestContext, type Locator, type Page } from '@playwright/test'

export { expect }

/**
 * What tools/e2eserver seeds (see its header comment):
 *   - the default unit "CITS3403 Agile Web Development" (pairs, open): students 31000001..31000030,
 *     all with this PIN, and 12 slots of one booking each in "CSSE 2.01" and "EZONE 1.24" at 10:00,
 *     10:15 and 10:30 on two days: E2E_FIRST_DAY (7 days after the server started) and the next;
 *   - unit "trio" "CITS3200 Professional Computing" (teams of 3 to 4, open): students 21..30, and
 *     6 slots of two bookings each in "EZONE 2.10" on the first day at 14:00, 14:15, …, 15:15;
 *   - unit "closed" "CITS1001 Object-oriented Programming" (pairs, sign-up closed yesterday):
 *     students 27..30 and one slot in "CSSE 1.01" on the first day at 09:00.
 */
export const PIN = '1357'

/** The seeded units' titles, by code. */
export const UNITS = {
  default: 'CITS3403 Agile Web Development',
  trio: 'CITS3200 Professional Computing',
  closed: 'CITS1001 Object-oriented Programming',
  ranked: 'CITS2002 Systems Programming',
  waitlist: 'CITS3001 Algorithms',
  invite: 'CITS2200 Data Structures',
} as const

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

/** The seeded coordinator of the default and trio units, and the seeded site admin (PIN 1357). */
export const COORDINATOR: Student = { number: '31000099', name: 'Course Coordinator' }
export const SITE_ADMIN: Student = { number: '31000098', name: 'Site Admin' }

/**
 * Unit "ranked" (pairs, ranked booking, open; see tools/e2eserver/ranked.go): two teams without a
 * slot, Rank Ann & Rank Ben and Rank Cy & Rank Dee, the coordinator, and three slots of capacity 1
 * in "CSSE 3.01" on the first day at 11:00, 11:15 and 11:30.
 */
export const RANKED = {
  ann: { number: '31000071', name: 'Rank Ann' },
  ben: { number: '31000072', name: 'Rank Ben' },
  cy: { number: '31000073', name: 'Rank Cy' },
  dee: { number: '31000074', name: 'Rank Dee' },
} satisfies Record<string, Student>

/**
 * Unit "waitlist" (pairs, first come, open; see tools/e2eserver/waitlist.go): Wait Amy & Wait Bo
 * booked in "CSSE 4.01" on the first day at 11:00, Wait Cal & Wait Di at 11:15, 11:30 free (all
 * of capacity 1), and the coordinator.
 */
export const WAITLIST = {
  amy: { number: '31000081', name: 'Wait Amy' },
  bo: { number: '31000082', name: 'Wait Bo' },
  cal: { number: '31000083', name: 'Wait Cal' },
  di: { number: '31000084', name: 'Wait Di' },
} satisfies Record<string, Student>

/**
 * Unit "invite" (teams of 2 to 3 formed by invitation, open; see tools/e2eserver/invite.go): four
 * students in no team, the coordinator, and three slots of capacity 1 in "CSSE 5.01" on the first
 * day at 13:00, 13:15 and 13:30.
 */
export const INVITE = {
  ava: { number: '31000061', name: 'Invi Ava' },
  bea: { number: '31000062', name: 'Invi Bea' },
  cem: { number: '31000063', name: 'Invi Cem' },
  dan: { number: '31000064', name: 'Invi Dan' },
} satisfies Record<string, Student>

/** Student n (1..30) of the seeded roster. Every test uses students of its own. */
export function student(n: number): Student {
  const name = NAMES[n - 1]
  if (!name) throw new Error(`the e2e roster has no student ${n}`)
  return { number: String(31000000 + n), name }
}

/** The seeded slots' day `offset` (0 or 1) days after the first, at midnight UTC. */
function seededDay(offset: 0 | 1): Date {
  const first = process.env.E2E_FIRST_DAY
  if (!first) throw new Error('E2E_FIRST_DAY is not set: the global setup reads it from tools/e2eserver')
  const day = new Date(`${first}T00:00:00Z`)
  day.setUTCDate(day.getUTCDate() + offset)
  return day
}

const english = (options: Intl.DateTimeFormatOptions) =>
  new Intl.DateTimeFormat('en-US', { ...options, timeZone: 'UTC' })
const weekday = english({ weekday: 'long' })
const month = english({ month: 'long' })

/**
 * A seeded slot's label as the API writes it (Go's "Monday, January 2 15:04" of the wall-clock
 * time; the seeded units are in UTC): slot('CSSE 2.01', 0, '10:00') is "CSSE 2.01 Monday,
 * December 7 10:00" when the first day is Monday 7 December.
 */
export function slot(
  room: 'CSSE 2.01' | 'EZONE 1.24' | 'EZONE 2.10' | 'CSSE 1.01' | (string & {}),
  offset: 0 | 1,
  time: `${number}:${number}`,
): string {
  const day = seededDay(offset)
  return `${room} ${weekday.format(day)}, ${month.format(day)} ${day.getUTCDate()} ${time}`
}

/** The seeded slots' first day as the API takes it: "2026-12-08". */
export function firstDay(): string {
  const first = process.env.E2E_FIRST_DAY
  if (!first) throw new Error('E2E_FIRST_DAY is not set: the global setup reads it from tools/e2eserver')
  return first
}

/** The lab picker's group of a room's slots on a day: "EZONE 1.24, Monday 7 December". */
export function slotGroup(room: string, offset: 0 | 1): string {
  const day = seededDay(offset)
  return `${room}, ${weekday.format(day)} ${day.getUTCDate()} ${month.format(day)}`
}

export async function signIn(page: Page, who: Student, pin = PIN): Promise<void> {
  await page.goto('/')
  await page.getByLabel('Student number', { exact: true }).fill(who.number)
  await page.getByLabel('PIN', { exact: true }).fill(pin)
  await page.getByRole('button', { name: 'Sign in' }).click()
  await expect(page.getByRole('button', { name: 'Sign out' })).toBeVisible()
  await unitLoaded(page)
}

/** Waits until `/` has opened a unit and its page has loaded the student's project and the table. */
export async function unitLoaded(page: Page): Promise<void> {
  await expect(page).toHaveURL(/\/u\/[a-z0-9-]+$/)
  const mine = page.getByRole('region', { name: 'My project' })
  await expect(mine).toBeVisible()
  await expect(mine.getByText('Loading your project…')).toHaveCount(0)
  await expect(page.getByRole('table', { name: 'Projects' })).toHaveAttribute('aria-busy', 'false')
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

/** The id of a free slot by its label, in the unit (the default unit by default). */
export async function labId(
  request: APIRequestContext,
  token: string,
  label: string,
  unit = 'default',
): Promise<number> {
  const res = await request.get(`/api/units/${unit}/labs`, { headers: { Authorization: `Bearer ${token}` } })
  expect(res.status()).toBe(200)
  const { available_labs } = (await res.json()) as { available_labs: { lab_id: number; lab: string }[] }
  const lab = available_labs.find((l) => l.lab === label)
  if (!lab) throw new Error(`${label} is not free`)
  return lab.lab_id
}

/*
 * Units of a test's own, for the console's tests: created through the API by the seeded site admin
 * with the seeded coordinator appointed, and students of their own (PIN 1357), so that nothing
 * they do changes what the other specs see.
 */

export const auth = (token: string) => ({ Authorization: `Bearer ${token}` })

export interface UnitSetup {
  code: string
  students?: Student[]
  /** Slots of capacity 1 on the seeded first day: rooms × start..end in 15 minutes. */
  slots?: { rooms: string[]; start: string; end: string }
}

/** A unit of the test's own, with the coordinator appointed, its students enrolled and its slots. */
export async function consoleUnit(request: APIRequestContext, setup: UnitSetup): Promise<void> {
  const admin = await apiToken(request, SITE_ADMIN)
  const made = await request.post('/api/units', {
    headers: auth(admin),
    data: { code: setup.code, title: `Console test ${setup.code}`, timezone: 'UTC' },
  })
  expect(made.status(), await made.text()).toBe(201)
  const appointed = await request.put(`/api/units/${setup.code}/enrolments/${COORDINATOR.number}`, {
    headers: auth(admin),
    data: { role: 'coordinator' },
  })
  expect(appointed.status(), await appointed.text()).toBe(200)
  if (setup.students?.length) {
    const csv = ['student_number,name,pin,role', ...setup.students.map((s) => `${s.number},${s.name},${PIN},student`)]
    const roster = await request.post(`/api/units/${setup.code}/roster`, {
      headers: { ...auth(admin), 'Content-Type': 'text/csv' },
      data: `${csv.join('\n')}\n`,
    })
    expect(roster.status(), await roster.text()).toBe(200)
    expect(((await roster.json()) as { applied: boolean }).applied).toBe(true)
  }
  if (setup.slots) {
    const generated = await request.post(`/api/units/${setup.code}/slots/generate`, {
      headers: auth(admin),
      data: { ...setup.slots, date: firstDay(), slot_minutes: 15, capacity: 1 },
    })
    expect(generated.status(), await generated.text()).toBe(200)
  }
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
 * when the page scrolls sideways at either width. `fullPage: false` keeps only the viewport (the API
 * reference is thousands of pixels long: its full-page shots take most of a test's time).
 */
export async function screenshots(page: Page, name: string, { fullPage = true } = {}): Promise<void> {
  mkdirSync(SCREENSHOTS, { recursive: true })
  const original = page.viewportSize() ?? { width: 1280, height: 720 }
  for (const [suffix, size] of SIZES) {
    await page.setViewportSize(size)
    await expectNoSidewaysScroll(page, `${name}-${suffix}`, size.width)
    await page.screenshot({ path: join(SCREENSHOTS, `${name}-${suffix}.png`), fullPage })
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
