import type { Page } from '@playwright/test'

import {
  apiToken,
  auth,
  consoleUnit,
  expect,
  labId,
  live,
  SITE_ADMIN,
  signIn,
  slot,
  test,
  type Student,
} from './fixtures'

const mine = (page: Page) => page.getByRole('region', { name: 'My project' })

test('a member shares the join code, a student joins with it, and a renewed code stops the old one', async ({
  page,
  openPage,
  request,
}) => {
  const ann: Student = { number: '33000001', name: 'Join Ann' }
  const ben: Student = { number: '33000002', name: 'Join Ben' }
  const cy: Student = { number: '33000003', name: 'Join Cy' }
  const dee: Student = { number: '33000004', name: 'Join Dee' }
  await consoleUnit(request, {
    code: 'joincode',
    students: [ann, ben, cy, dee],
    slots: { rooms: ['LAB J'], start: '09:00', end: '09:30' },
  })
  // Teams of 2 to 3 in this unit.
  const admin = await apiToken(request, SITE_ADMIN)
  const patched = await request.patch('/api/units/joincode', {
    headers: auth(admin),
    data: { policy: { team_max: 3 } },
  })
  expect(patched.status(), await patched.text()).toBe(200)
  // Ann and Ben are a team, formed through the API.
  const token = await apiToken(request, ann)
  const made = await request.post(`/api/units/joincode/students/${ann.number}/project`, {
    headers: auth(token),
    data: {
      partnerNumbers: [ben.number],
      description: 'A join-code test',
      lab_id: await labId(request, token, slot('LAB J', 0, '09:00'), 'joincode'),
    },
  })
  expect(made.status(), await made.text()).toBe(201)

  // Ann reads the team's code in her "My project".
  await signIn(page, ann)
  const codeLine = mine(page).getByRole('paragraph').filter({ hasText: 'Join code:' })
  await expect(codeLine).toHaveText(/Join code: [A-Z0-9]{4}-[A-Z0-9]{4}/)
  const oldCode = ((await codeLine.textContent()) ?? '').replace('Join code:', '').trim()

  // Cy, without a team, joins with it and sees the team.
  const cyPage = await openPage()
  await signIn(cyPage, cy)
  await live(cyPage)
  await mine(cyPage).getByLabel("Team's join code").fill(oldCode.toLowerCase())
  await mine(cyPage).getByRole('button', { name: 'Join team' }).click()
  await expect(mine(cyPage).getByRole('status')).toHaveText(
    `You joined the team Join Ann & Join Ben & Join Cy. Your demonstration slot is ${slot('LAB J', 0, '09:00')}.`,
  )
  await expect(mine(cyPage).getByRole('button', { name: 'Leave team' })).toBeVisible()
  await expect(mine(cyPage).getByRole('paragraph').filter({ hasText: 'Join code:' })).toHaveText(
    `Join code: ${oldCode}`,
  )

  // Ann renews the code, after confirming.
  await mine(page).getByRole('button', { name: 'Renew join code' }).click()
  await page.getByRole('dialog', { name: 'Renew the join code?' }).getByRole('button', { name: 'Renew' }).click()
  await expect(mine(page).getByRole('status').filter({ hasText: 'The join code is now' })).toBeVisible()
  await expect(codeLine).not.toHaveText(`Join code: ${oldCode}`)

  // Dee's attempt with the old code is refused.
  const deePage = await openPage()
  await signIn(deePage, dee)
  await mine(deePage).getByLabel("Team's join code").fill(oldCode)
  await mine(deePage).getByRole('button', { name: 'Join team' }).click()
  await expect(mine(deePage).getByRole('alert').filter({ hasText: 'Could not join' })).toHaveText(
    'Could not join the team. No team has that code; ask the team for its current one.',
  )
  await expect(mine(deePage).getByLabel("Team's join code")).toBeFocused()
  await expect(mine(deePage).getByRole('button', { name: 'Join team' })).toBeVisible()
})
