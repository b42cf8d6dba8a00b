import type { Page, WebSocketRoute } from '@playwright/test'

import { apiToken, expect, labId, live, sessionToken, signIn, slot, student, test } from './fixtures'

/** Counts the page's requests to the lists' routes from now on: pushes, not refetches, must do the work. */
function listRequests(page: Page): string[] {
  const seen: string[] = []
  page.on('request', (r) => {
    const path = new URL(r.url()).pathname
    if (/^\/api\/(units\/[^/]+\/)?(projects|labs)$/.test(path)) seen.push(`${r.method()} ${path}`)
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
  const booked = slot('CSSE 2.01', 1, '10:15')
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

test('the partner’s page follows the project live: created with them, then dissolved', async ({ page, openPage }) => {
  const kathleen = student(26)
  const peter = student(27)
  const booked = slot('EZONE 1.24', 0, '10:15')

  const partner = await openPage()
  await signIn(partner, peter)
  await signIn(page, kathleen)
  await Promise.all([live(page), live(partner)])
  const theirs = partner.getByRole('region', { name: 'My project' })
  const theirTabs = partner.getByRole('region', { name: 'Chat' }).getByRole('tab')
  await expect(theirs.getByRole('button', { name: 'Create project' })).toBeVisible()
  // The partner is typing in the create form, which is about to be replaced.
  await partner.getByLabel('Project description').fill('Something of my own')

  await page.getByLabel("Partner's student number").fill(peter.number)
  await page.getByLabel('Project description').fill('A language for algorithms')
  await page.getByLabel('Demonstration lab').selectOption({ label: booked })
  await page.getByRole('button', { name: 'Create project' }).click()

  await expect(theirs.getByRole('status')).toHaveText(
    `Your partner created a project with you. Your demonstration slot is ${booked}.`,
  )
  await expect(theirs.getByRole('button', { name: 'Save changes' })).toBeVisible()
  // The focus was in the form that went: it is on the section's heading, not lost to the body.
  await expect(theirs.getByRole('heading', { name: 'My project' })).toBeFocused()
  await expect(partner.getByLabel('Project description')).toHaveValue('A language for algorithms')
  await expect(theirTabs.filter({ hasText: 'Team' })).toBeVisible()

  // The partner is on the Team tab when the team is dissolved: the focus goes to the Lobby tab.
  await theirTabs.filter({ hasText: 'Team' }).click()
  await expect(theirTabs.filter({ hasText: 'Team' })).toBeFocused()
  await page.getByRole('button', { name: 'Delete project' }).click()
  await page.getByRole('button', { name: 'Delete', exact: true }).click()
  await expect(theirs.getByRole('status')).toHaveText(
    'Your team was dissolved: your partner deleted the project. You can pair up again.',
  )
  await expect(theirs.getByRole('button', { name: 'Create project' })).toBeVisible()
  await expect(theirTabs).toHaveText(['Lobby'])
  await expect(theirTabs).toBeFocused()
  await expect(theirTabs).toHaveAttribute('aria-selected', 'true')
})

test('a dropped connection says so, comes back and catches up on what it missed, without a reload', async ({
  page,
  request,
}) => {
  const ivan = student(29)
  const karen = student(30)
  const booked = slot('EZONE 1.24', 1, '10:30')
  const description = 'Sketchpad, reconnected'
  const indicator = page.getByRole('status').filter({ hasText: 'Live updates' })

  // The page's WebSockets go through the test to the real server. The first can be cut; the next
  // waits until the test lets it through.
  const connections: { page: WebSocketRoute; server: ReturnType<WebSocketRoute['connectToServer']> }[] = []
  let tries = 0
  let letThrough = () => {}
  const gate = new Promise<void>((open) => (letThrough = open))
  await page.routeWebSocket(/\/api\/ws$/, async (ws) => {
    if (++tries > 1) await gate
    connections.push({ page: ws, server: ws.connectToServer() })
  })

  await signIn(page, ivan)
  await live(page)
  const row = page.getByRole('row').filter({ hasText: description })
  await expect(page.getByRole('button', { name: 'Create project' })).toBeVisible()
  await page.evaluate(() => ((window as unknown as { notReloaded: boolean }).notReloaded = true))

  // The connection is lost: both ends are closed, the page's as when the server goes away.
  expect(connections).toHaveLength(1)
  const [first] = connections
  await first?.server.close()
  await first?.page.close({ code: 1001, reason: 'going away' })
  await expect(indicator).toHaveText('Live updates: Reconnecting…')
  await expect(page.getByRole('log')).toContainText('Reconnecting to the chat…')
  await expect.poll(() => tries).toBe(2) // the page tried again, and waits at the gate

  // Meanwhile another student pairs up with this one: no push can reach the page.
  const token = await apiToken(request, karen)
  const res = await request.post(`/api/students/${karen.number}/project`, {
    headers: { Authorization: `Bearer ${token}` },
    data: { partnerNumber: ivan.number, description, lab_id: await labId(request, token, booked) },
  })
  expect(res.status()).toBe(201)
  await expect(row).toHaveCount(0)
  await expect(indicator).toHaveText('Live updates: Reconnecting…')

  // The connection is back: `ready` makes the page fetch the lists again.
  const refetched = page.waitForRequest((r) => new URL(r.url()).pathname === '/api/units/default/projects')
  letThrough()
  await expect(indicator).toHaveText('Live updates: Live')
  await refetched
  await expect(row).toContainText(booked)
  await expect(row).toHaveAttribute('aria-current', 'true')
  await expect(page.getByRole('button', { name: 'Save changes' })).toBeVisible()
  await expect(page.getByRole('region', { name: 'Chat' }).getByRole('tab')).toHaveText(['Lobby', 'Team'])
  expect(await page.evaluate(() => (window as unknown as { notReloaded?: boolean }).notReloaded)).toBe(true)
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
