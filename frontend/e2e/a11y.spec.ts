import AxeBuilder from '@axe-core/playwright'
import type { Page } from '@playwright/test'

import { consoleUnit, COORDINATOR, expect, signIn, SITE_ADMIN, test } from './fixtures'

/*
 * axe-core on every screen, students' and the console's: the test fails on any violation of
 * impact serious or critical (the others are printed, to be looked at).
 */

async function expectAccessible(page: Page, screen: string): Promise<void> {
  const { violations } = await new AxeBuilder({ page }).analyze()
  const serious = violations.filter((v) => v.impact === 'serious' || v.impact === 'critical')
  const minor = violations.filter((v) => !serious.includes(v))
  if (minor.length > 0) {
    console.log(`${screen}: minor:`, minor.map((v) => `${v.id} (${v.impact}): ${v.nodes.length}`).join('; '))
  }
  expect(
    serious.map((v) => `${v.id} (${v.impact}): ${v.help} — ${v.nodes.map((n) => n.target.join(' ')).join(', ')}`),
    `${screen}: serious or critical axe violations`,
  ).toEqual([])
}

test('the sign-in screen and a student’s unit page', async ({ page, request }) => {
  const pat = { number: '32000601', name: 'Axe Pat' }
  await consoleUnit(request, {
    code: 'a11y',
    students: [pat],
    slots: { rooms: ['LAB Y'], start: '09:00', end: '09:30' },
  })
  await page.goto('/')
  await expect(page.getByRole('button', { name: 'Sign in' })).toBeVisible()
  await expectAccessible(page, 'sign-in')

  // A failed sign-in shows its error.
  await page.getByLabel('Student number', { exact: true }).fill(pat.number)
  await page.getByLabel('PIN', { exact: true }).fill('0000')
  await page.getByRole('button', { name: 'Sign in' }).click()
  await expect(page.getByRole('alert').filter({ hasText: 'Wrong' })).toBeVisible()
  await expectAccessible(page, 'sign-in with an error')

  await signIn(page, pat)
  await expectAccessible(page, 'unit page')
  await page.getByRole('button', { name: 'Create project' }).click()
  await expect(page.getByRole('alert').filter({ hasText: 'Please correct' })).toBeVisible()
  await expectAccessible(page, 'unit page with form errors')
})

test('the console, its sections and its dialogs', async ({ page }) => {
  await signIn(page, COORDINATOR)
  await page.goto('/u/trio/admin')
  await expect(page.getByRole('heading', { level: 2, name: 'Overview' })).toBeVisible()
  await expect(page.getByText('Loading the overview…')).toHaveCount(0)
  await expect(page.getByText('Loading the slots…')).toHaveCount(0)
  await expect(page.getByText('Loading the audit log…')).toHaveCount(0)
  await expectAccessible(page, 'console')

  // A roster preview with an error line (nothing is applied).
  const roster = page.getByRole('region', { name: 'Roster', exact: true })
  await roster.getByLabel('Roster (CSV)').fill('student_number,name,pin,role\n123,Short,,student\n')
  await roster.getByRole('button', { name: 'Preview roster' }).click()
  await expect(roster.locator('.line-errors')).toBeVisible()
  await expectAccessible(page, 'console with roster errors')

  // The slot generator's own complaints.
  const slots = page.getByRole('region', { name: 'Slots', exact: true })
  await slots.getByRole('button', { name: 'Generate slots' }).click()
  await expect(slots.getByRole('alert').filter({ hasText: 'Please correct' })).toBeVisible()
  await expectAccessible(page, 'console with generator errors')

  // A dialog open.
  await page.getByRole('button', { name: 'Archive unit' }).click()
  await expect(page.getByRole('dialog', { name: 'Archive this unit?' })).toBeVisible()
  await expectAccessible(page, 'console with a dialog')
  await page.getByRole('button', { name: 'Cancel' }).click()

  // At a phone's width too.
  await page.setViewportSize({ width: 360, height: 740 })
  await expectAccessible(page, 'console at 360 px')
})

test('the site admin page', async ({ page }) => {
  await signIn(page, SITE_ADMIN)
  await page.getByRole('link', { name: 'Site admin' }).click()
  await expect(page.getByRole('heading', { level: 2, name: 'Create unit' })).toBeVisible()
  await expect(page.getByText('Loading the units…')).toHaveCount(0)
  await expectAccessible(page, 'site admin')
  await page.getByRole('button', { name: 'Create unit' }).click()
  await expect(page.getByRole('alert').filter({ hasText: 'Please correct' })).toBeVisible()
  await expectAccessible(page, 'site admin with errors')
})
