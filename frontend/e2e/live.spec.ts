import type { Page } from '@playwright/test'

import { expect, live, sessionToken, signIn, slot, student, test } from './fixtures'

/** Counts the page's requests to the lists' routes from now on: pushes, not refetches, must do the work. */
function listRequests(page: Page): string[] {
  const seen: string[] = []
  page.on('request', (r) => {
    const path = new URL(r.url()).pathname
    if (path === '/api/projects' || path === '/api/labs') seen.push(`${r.method()} ${path}`)
  })
  return seen
}

test('A books a slot: B’s picker loses it and B’s table gains the row, without a reload', async ({
  page,
  openPage,
}) => {
  const robin = student(18)
  const adele = student(19)
  const alan = student(20)
  const booked = slot('CSSE 2.01', 21, '10:15')
  const team = `${robin.name} & ${adele.name}`

  await signIn(page, robin)
  const b = await openPage()
  await signIn(b, alan)
  await Promise.all([live(page), live(b)])

  // B has chosen the very slot A is about to book.
  const picker = b.getByLabel('Demonstration lab')
  await picker.selectOption({ label: booked })
  await expect(b.getByRole('row').filter({ hasText: team })).toHaveCount(0)
  // Anything that reloads the page would lose this.
  await b.evaluate(() => ((window as unknown as { notReloaded: boolean }).notReloaded = true))
  const bRequests = listRequests(b)

  await page.getByLabel("Partner's student number").fill(adele.number)
  await page.getByLabel('Project description').fill('Live collaborative editing')
  await page.getByLabel('Demonstration lab').selectOption({ label: booked })
  await page.getByRole('button', { name: 'Create project' }).click()
  await expect(page.getByRole('status').filter({ hasText: 'Project created' })).toContainText(booked)

  const row = b.getByRole('row').filter({ hasText: team })
  await expect(row).toContainText('Live collaborative editing')
  await expect(row).toContainText(booked)
  await expect(picker.locator('option', { hasText: booked })).toHaveCount(0)
  // B's choice is gone, and B is told why, next to the picker.
  await expect(picker).toHaveAttribute('aria-invalid', 'true')
  await expect(picker).toHaveAccessibleDescription(/That slot has just been booked by another team/)

  // A moves the project to another time and then deletes it: B follows each step.
  await page.getByLabel('Project description').fill('Live collaborative editing, v2')
  await page.getByRole('button', { name: 'Save changes' }).click()
  await expect(row).toContainText('Live collaborative editing, v2')
  await page.getByRole('button', { name: 'Delete project' }).click()
  await page.getByRole('button', { name: 'Delete', exact: true }).click()
  await expect(row).toHaveCount(0)
  await expect(picker.locator('option', { hasText: booked })).toHaveCount(1)

  expect(await b.evaluate(() => (window as unknown as { notReloaded?: boolean }).notReloaded)).toBe(true)
  expect(bRequests).toEqual([])
})

test('the partner’s page follows the project live: created with them, then dissolved', async ({
  page,
  openPage,
}) => {
  const kathleen = student(26)
  const peter = student(27)
  const booked = slot('EZONE 1.24', 20, '10:15')

  const partner = await openPage()
  await signIn(partner, peter)
  await signIn(page, kathleen)
  await Promise.all([live(page), live(partner)])
  const theirs = partner.getByRole('region', { name: 'My project' })
  await expect(theirs.getByRole('button', { name: 'Create project' })).toBeVisible()

  await page.getByLabel("Partner's student number").fill(peter.number)
  await page.getByLabel('Project description').fill('A language for algorithms')
  await page.getByLabel('Demonstration lab').selectOption({ label: booked })
  await page.getByRole('button', { name: 'Create project' }).click()

  await expect(theirs.getByRole('status')).toHaveText(
    `Your partner created a project with you. Your demonstration slot is ${booked}.`,
  )
  await expect(theirs.getByRole('button', { name: 'Save changes' })).toBeVisible()
  await expect(partner.getByLabel('Project description')).toHaveValue('A language for algorithms')
  await expect(partner.getByRole('region', { name: 'Chat' }).getByRole('tab', { name: 'Team' })).toBeVisible()

  await page.getByRole('button', { name: 'Delete project' }).click()
  await page.getByRole('button', { name: 'Delete', exact: true }).click()
  await expect(theirs.getByRole('status')).toHaveText(
    'Your team was dissolved: your partner deleted the project. You can pair up again.',
  )
  await expect(theirs.getByRole('button', { name: 'Create project' })).toBeVisible()
  await expect(partner.getByRole('region', { name: 'Chat' }).getByRole('tab')).toHaveText(['Lobby'])
})

test('a revoked token closes the live connection and the page returns to sign-in by itself', async ({
  page,
  request,
}) => {
  const mary = student(28)
  await signIn(page, mary)
  await live(page)
  const token = await sessionToken(page)
  const res = await request.delete('/api/tokens', { headers: { Authorization: `Bearer ${token}` } })
  expect(res.status()).toBe(204)

  // No click, no request: the server closes the socket with 4401 within 5 seconds.
  await expect(page.getByRole('heading', { name: 'Sign in' })).toBeVisible({ timeout: 7_000 })
  await expect(page.getByRole('status')).toHaveText('Your session has ended. Please sign in again.')
})
