import type { Page } from '@playwright/test'

import { consoleUnit, expect, PIN, test, unitLoaded, type Student } from './fixtures'

/** The script files the page has fetched so far, by name without their hash: "UnitView". */
function scripts(page: Page): string[] {
  const seen: string[] = []
  page.on('request', (r) => {
    const m = /\/assets\/([A-Za-z]+)-[^/]+\.js$/.exec(new URL(r.url()).pathname)
    if (m?.[1]) seen.push(m[1])
  })
  return seen
}

test('the sign-in page loads no page behind it; a panel whose code fails to load says so and retries', async ({
  page,
  request,
}) => {
  const lin: Student = { number: '33900001', name: 'Lazy Lin' }
  await consoleUnit(request, { code: 'lazy', students: [lin] })
  const fetched = scripts(page)

  // The first visit is the sign-in page: neither the unit page nor its panels come with it.
  await page.goto('/')
  await expect(page.getByRole('heading', { name: 'Sign in' })).toBeVisible()
  await page.waitForLoadState('networkidle')
  expect(fetched).not.toContain('UnitView')
  expect(fetched).not.toContain('HomeView')
  expect(fetched).not.toContain('BoardPanel')

  // The partner board's code cannot be fetched (say, the network dropped): the rest of the page
  // works, and the board's place says so with a Retry button.
  const board = /\/assets\/BoardPanel-[^/]+\.js$/
  await page.route(board, (route) => route.abort('internetdisconnected'))
  await page.getByLabel('Student number', { exact: true }).fill(lin.number)
  await page.getByLabel('PIN', { exact: true }).fill(PIN)
  await page.getByRole('button', { name: 'Sign in' }).click()
  await unitLoaded(page)
  expect(fetched).toContain('UnitView')
  await expect(page.getByRole('alert').filter({ hasText: 'partner board' })).toHaveText(
    'Could not load the partner board. Check your connection and try again.',
  )
  await expect(page.getByRole('region', { name: 'Partner board' })).toHaveCount(0)

  // Back online, Retry brings the board.
  await page.unroute(board)
  await page.getByRole('button', { name: 'Retry' }).click()
  await expect(page.getByRole('region', { name: 'Partner board' })).toBeVisible()
  await expect(page.getByText('Nobody is looking for a team right now.')).toBeVisible()
  await expect(page.getByRole('alert').filter({ hasText: 'partner board' })).toHaveCount(0)
})
