import AxeBuilder from '@axe-core/playwright'
import type { Page } from '@playwright/test'

import { consoleUnit, COORDINATOR, expect, live, partScreenshots, signIn, test, type Student } from './fixtures'

/** No serious or critical axe violation on the page as it is now. */
async function expectAccessible(page: Page, screen: string): Promise<void> {
  const { violations } = await new AxeBuilder({ page }).analyze()
  const serious = violations.filter((v) => v.impact === 'serious' || v.impact === 'critical')
  expect(
    serious.map((v) => `${v.id}: ${v.help} — ${v.nodes.map((n) => n.target.join(' ')).join(', ')}`),
    `${screen}: serious or critical axe violations`,
  ).toEqual([])
}

test('a student posts on the partner board, another invites from it, and the coordinator matches the rest', async ({
  page,
  openPage,
  request,
}) => {
  const amy: Student = { number: '33100001', name: 'Board Amy' }
  const bo: Student = { number: '33100002', name: 'Board Bo' }
  const cal: Student = { number: '33100003', name: 'Board Cal' }
  const di: Student = { number: '33100004', name: 'Board Di' }
  await consoleUnit(request, {
    code: 'board',
    students: [amy, bo, cal, di],
    slots: { rooms: ['LAB B'], start: '09:00', end: '09:30' },
  })

  // Amy, without a team, posts: a note (markup stays text), a tag and a session time.
  await signIn(page, amy)
  await live(page)
  const board = page.getByRole('region', { name: 'Partner board' })
  await expect(board.getByText('Nobody is looking for a team right now.')).toBeVisible()
  await board.getByLabel('Your note').fill('Keen on <b>Go</b>, free mornings')
  await expect(board.getByText('32 of 280 characters')).toBeVisible()
  await board.getByLabel('Tags (up to 5, separated by commas)').fill('Go, backend')
  await board.getByRole('group', { name: 'Session times that suit you' }).getByRole('checkbox').first().check()
  await board.getByRole('button', { name: 'Post to the board' }).click()
  await expect(board.getByRole('status').filter({ hasText: 'Your entry' })).toHaveText(
    'Your entry is on the partner board.',
  )
  const entry = board.getByRole('listitem').filter({ hasText: 'Board Amy (you)' })
  await expect(entry.getByText('Keen on <b>Go</b>, free mornings')).toBeVisible()
  await expect(entry.locator('b')).toHaveCount(0)
  await expect(entry.getByRole('list', { name: 'Tags' })).toHaveText(/go\s*backend/)
  await partScreenshots(page, board, 'student-partner-board')
  await expectAccessible(page, 'the unit page with a board entry')

  // Bo, in no team either, sees Amy's entry and invites her.
  const boPage = await openPage()
  await signIn(boPage, bo)
  const boBoard = boPage.getByRole('region', { name: 'Partner board' })
  const amyEntry = boBoard.getByRole('listitem').filter({ hasText: 'Board Amy' })
  await expect(amyEntry.getByText('Keen on <b>Go</b>, free mornings')).toBeVisible()
  await amyEntry.getByRole('button', { name: 'Invite Board Amy' }).click()
  await expect(boBoard.getByRole('status').filter({ hasText: 'Invited' })).toHaveText(
    'Invited Board Amy. They can accept or decline it.',
  )

  // The coordinator matches the rest: Amy (on the board) is kept, one of Cal and Di with her.
  const coordPage = await openPage()
  await signIn(coordPage, COORDINATOR)
  await coordPage.goto('/u/board/admin')
  const match = coordPage.getByRole('region', { name: 'Match students without a team' })
  await match.getByRole('button', { name: 'Preview teams' }).click()
  await expect(match.getByRole('status')).toHaveText(
    'Proposed 1 team; 1 student left for you to place. Nothing has changed yet.',
  )
  const proposed = match.getByRole('table', { name: /Proposed teams/ })
  await expect(proposed.getByRole('row')).toHaveCount(2)
  await expect(proposed.getByRole('row').nth(1)).toContainText('Board Amy (33100001)')
  await partScreenshots(coordPage, match, 'console-match')
  await expectAccessible(coordPage, 'the console with a match preview')
  await match.getByRole('button', { name: 'Create this team' }).click()
  await coordPage
    .getByRole('dialog', { name: 'Create this team?' })
    .getByRole('button', { name: 'Create teams' })
    .click()
  await expect(match.getByRole('status')).toHaveText('Created 1 team without slots; their members have been told.')

  // Amy's page: she is in the matched team, and her entry left the board, without a reload.
  await expect(
    page.getByRole('region', { name: 'My project' }).getByRole('button', { name: 'Leave team' }),
  ).toBeVisible()
  await expect(board.getByRole('listitem').filter({ hasText: 'Board Amy' })).toHaveCount(0)
  await expect(board.getByRole('button', { name: 'Post to the board' })).toHaveCount(0)
})
