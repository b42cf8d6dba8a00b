import type { APIRequestContext, Page } from '@playwright/test'

import {
  apiToken,
  expect,
  labId,
  live,
  screenshots,
  signIn,
  slot,
  student,
  test,
  UNITS,
  type Student,
  unitLoaded,
} from './fixtures'

const units = (page: Page) => page.getByRole('navigation', { name: 'Your units' })
const mine = (page: Page) => page.getByRole('region', { name: 'My project' })
const table = (page: Page) => page.getByRole('table', { name: 'Projects' })

/** Goes to a unit through the switcher, as a student would. */
async function switchTo(page: Page, code: keyof typeof UNITS): Promise<void> {
  await units(page).getByRole('link', { name: UNITS[code] }).click()
  await expect(page).toHaveURL(new RegExp(`/u/${code}$`))
  await expect(units(page).getByRole('link', { name: UNITS[code] })).toHaveAttribute('aria-current', 'page')
  await expect(page.getByRole('banner')).toContainText(UNITS[code])
  await unitLoaded(page)
}

/** A team of the trio unit formed through the API, behind the tested students' backs. */
async function trioTeam(
  request: APIRequestContext,
  creator: Student,
  partners: Student[],
  label: string,
  description: string,
): Promise<void> {
  const token = await apiToken(request, creator)
  const res = await request.post(`/api/units/trio/students/${creator.number}/project`, {
    headers: { Authorization: `Bearer ${token}` },
    data: {
      partnerNumbers: partners.map((p) => p.number),
      description,
      lab_id: await labId(request, token, label, 'trio'),
    },
  })
  expect(res.status()).toBe(201)
}

test('a student in several units switches between them and sees each unit’s own table and form', async ({
  page,
  request,
}) => {
  const peter = student(27)
  const mary = student(28)
  const ivan = student(29)
  const description = 'Requirements for a library system'
  await trioTeam(request, peter, [mary, ivan], slot('EZONE 2.10', 0, '14:15'), description)

  await signIn(page, peter)
  // `/` opens the default unit, which the student is in.
  await expect(page).toHaveURL(/\/u\/default$/)
  await expect(page.getByRole('banner')).toContainText(UNITS.default)
  await expect(units(page).getByRole('link')).toHaveText([UNITS.closed, UNITS.default, UNITS.trio])
  await expect(table(page)).toBeVisible()
  await expect(table(page).getByRole('row').filter({ hasText: description })).toHaveCount(0)
  await expect(mine(page)).toContainText('Teams have 2 members, you included.')

  await switchTo(page, 'trio')
  await expect(page).toHaveTitle(`${UNITS.trio} · Pair-Up`)
  await expect(page.getByRole('heading', { level: 1 })).toBeFocused()
  const row = table(page).getByRole('row').filter({ hasText: description })
  await expect(row).toHaveAttribute('aria-current', 'true')
  await expect(row).toContainText(`${peter.name} & ${mary.name} & ${ivan.name}`)
  await expect(row).toContainText(slot('EZONE 2.10', 0, '14:15'))
  // Only the trio unit's teams are listed: every slot is in its room.
  for (const lab of await table(page).locator('td.lab').allTextContents()) expect(lab).toContain('EZONE 2.10')
  await expect(mine(page).getByRole('button', { name: 'Save changes' })).toBeVisible()
  await expect(page.getByLabel('Project description')).toHaveValue(description)
  await expect(page.getByRole('region', { name: 'Chat' }).getByRole('tab')).toHaveText(['Lobby', 'Team'])
  await screenshots(page, 'unit-switched')

  await switchTo(page, 'default')
  await expect(table(page).getByRole('row').filter({ hasText: description })).toHaveCount(0)
  for (const lab of await table(page).locator('td.lab').allTextContents()) expect(lab).not.toContain('EZONE 2.10')

  // A reload keeps the unit of the URL.
  await switchTo(page, 'trio')
  await page.reload()
  await expect(row).toBeVisible()
})

test('three students form a team in a unit of teams of 3 to 4', async ({ page, openPage }) => {
  const john = student(21)
  const sophie = student(22)
  const butler = student(23)
  const booked = slot('EZONE 2.10', 0, '14:00')

  const partner = await openPage()
  await signIn(partner, sophie)
  await switchTo(partner, 'trio')
  await signIn(page, john)
  await switchTo(page, 'trio')
  await Promise.all([live(page), live(partner)])

  const form = mine(page)
  await expect(form).toContainText('Teams have 3 to 4 members, you included.')
  await expect(form.getByRole('textbox', { name: /student number/ })).toHaveCount(3)
  await expect(page.getByLabel("Partner's student number")).toBeVisible()
  await expect(page.getByLabel("Partner 2's student number")).toBeVisible()
  await expect(page.getByLabel("Partner 3's student number")).toHaveAccessibleDescription(/Optional/)
  await screenshots(page, 'unit-trio-form')

  // Two partners are needed: the second field is checked before anything is sent.
  await page.getByLabel("Partner's student number").fill(sophie.number)
  await page.getByLabel('Project description').fill('A timetable solver')
  await page.getByLabel('Demonstration lab').selectOption({ label: booked })
  await page.getByRole('button', { name: 'Create project' }).click()
  await expect(page.getByRole('alert').filter({ hasText: 'Please correct' })).toBeVisible()
  await expect(page.getByLabel("Partner 2's student number")).toBeFocused()
  await expect(page.getByLabel("Partner 2's student number")).toHaveAccessibleDescription(/8-digit student number/)

  await page.getByLabel("Partner 2's student number").fill(butler.number)
  const sent = page.waitForRequest(
    (r) => r.method() === 'POST' && r.url().endsWith(`/api/units/trio/students/${john.number}/project`),
  )
  await page.getByRole('button', { name: 'Create project' }).click()
  expect((await sent).postDataJSON()).toEqual({
    partnerNumbers: [sophie.number, butler.number],
    description: 'A timetable solver',
    lab_id: expect.any(Number),
  })
  await expect(page.getByRole('status').filter({ hasText: 'Project created' })).toContainText(booked)
  const team = [john, sophie, butler].map((s) => s.name)
  const row = table(page).getByRole('row').filter({ hasText: 'A timetable solver' })
  for (const name of team) await expect(row).toContainText(name)

  // A partner's page follows, in its own words for teams.
  await expect(mine(partner).getByRole('status')).toHaveText(
    `A teammate created a project with you. Your demonstration slot is ${booked}.`,
  )
  await expect(mine(partner).getByRole('button', { name: 'Leave team' })).toBeVisible()
  for (const name of team)
    await expect(table(partner).getByRole('row').filter({ hasText: 'A timetable solver' })).toContainText(name)
})

test('a member leaves a team after confirming; the others keep it', async ({ page, openPage, request }) => {
  const jean = student(24)
  const fran = student(25)
  const kathleen = student(26)
  const description = 'Peer review for code'
  await trioTeam(request, fran, [jean, kathleen], slot('EZONE 2.10', 0, '14:30'), description)

  const other = await openPage()
  await signIn(other, kathleen)
  await switchTo(other, 'trio')
  await signIn(page, jean)
  await switchTo(page, 'trio')
  await Promise.all([live(page), live(other)])
  await expect(mine(page).getByText(`${fran.name} & ${jean.name} & ${kathleen.name}`)).toBeVisible()

  // The dialog takes the focus; Escape closes it and gives it back.
  const leave = mine(page).getByRole('button', { name: 'Leave team' })
  await leave.click()
  const dialog = page.getByRole('dialog', { name: 'Leave this team?' })
  await expect(dialog).toBeVisible()
  await expect(dialog.getByRole('button', { name: 'Cancel' })).toBeFocused()
  await screenshots(page, 'unit-confirm-leave')
  await page.keyboard.press('Escape')
  await expect(dialog).toHaveCount(0)
  await expect(leave).toBeFocused()

  // From the keyboard: open it, Tab back to Leave, confirm.
  await page.keyboard.press('Enter')
  await expect(dialog.getByRole('button', { name: 'Cancel' })).toBeFocused()
  await page.keyboard.press('Shift+Tab')
  await expect(dialog.getByRole('button', { name: 'Leave', exact: true })).toBeFocused()
  const sent = page.waitForRequest(
    (r) => r.method() === 'DELETE' && /\/api\/units\/trio\/projects\/\d+\/members\//.test(r.url()),
  )
  await page.keyboard.press('Enter')
  expect((await sent).url()).toMatch(new RegExp(`/members/${jean.number}$`))
  await expect(mine(page).getByRole('status')).toHaveText('You left the team. You can form a team again.')
  await expect(mine(page).getByRole('heading', { name: 'My project' })).toBeFocused()
  await expect(mine(page).getByRole('button', { name: 'Create project' })).toBeVisible()
  const row = table(page).getByRole('row').filter({ hasText: description })
  await expect(row).toContainText(`${fran.name} & ${kathleen.name}`)
  await expect(row).not.toHaveAttribute('aria-current', 'true')

  // The others keep the project, and are told who left.
  await expect(mine(other).getByRole('status')).toHaveText(`${jean.name} left the team.`)
  await expect(mine(other).getByText(`${fran.name} & ${kathleen.name}`, { exact: true })).toBeVisible()
  await expect(table(other).getByRole('row').filter({ hasText: description })).toContainText(
    `${fran.name} & ${kathleen.name}`,
  )
})

test('a closed unit is read-only and says why; unknown and foreign units say so', async ({
  page,
  openPage,
  request,
}) => {
  const karen = student(30)
  const ivan = student(29)

  await signIn(page, karen)
  await switchTo(page, 'closed')
  const section = mine(page)
  await expect(section).toContainText(/Sign-up closed on \w+day \d{1,2} \w+ \d\d:\d\d\./)
  await expect(section).toContainText('Teams can no longer be formed, changed or left.')
  await expect(section.getByRole('button', { name: 'Create project' })).toHaveCount(0)
  await expect(section.getByRole('textbox')).toHaveCount(0)
  await expect(table(page)).toBeVisible()
  await screenshots(page, 'unit-closed')

  // The server refuses a change too, with the reason.
  const token = await apiToken(request, karen)
  const labs = await request.get('/api/units/closed/labs', { headers: { Authorization: `Bearer ${token}` } })
  const [free] = ((await labs.json()) as { available_labs: { lab_id: number }[] }).available_labs
  const res = await request.post(`/api/units/closed/students/${karen.number}/project`, {
    headers: { Authorization: `Bearer ${token}` },
    data: { partnerNumbers: [ivan.number], description: 'Too late', lab_id: free?.lab_id ?? 1 },
  })
  expect(res.status()).toBe(409)
  expect(((await res.json()) as { detail: string }).detail).toMatch(/^sign-up has closed/)

  // A unit that does not exist, and one the student is not in: an error, not a blank page.
  await page.goto('/u/no-such-unit')
  await expect(page.getByRole('alert')).toHaveText('The unit “no-such-unit” is not one of your units.')
  await expect(page.getByRole('link', { name: 'Go to your units' })).toBeVisible()

  const outsider = await openPage()
  await signIn(outsider, student(10))
  await expect(outsider).toHaveURL(/\/u\/default$/)
  await expect(units(outsider)).toHaveCount(0) // one unit: no switcher
  await outsider.goto('/u/trio')
  await expect(outsider.getByRole('alert')).toHaveText('The unit “trio” is not one of your units.')
  await screenshots(outsider, 'unit-forbidden')
  await outsider.getByRole('link', { name: 'Go to your units' }).click()
  await expect(outsider).toHaveURL(/\/u\/default$/)
})
