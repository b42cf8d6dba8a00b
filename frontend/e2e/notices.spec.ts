import AxeBuilder from '@axe-core/playwright'

import {
  apiToken,
  auth,
  consoleUnit,
  COORDINATOR,
  expect,
  labId,
  live,
  screenshots,
  signIn,
  slot,
  test,
  type Student,
} from './fixtures'

test('a coordinator’s move reaches the team live in its inbox and as a browser notification, and no one else', async ({
  page,
  openPage,
  request,
}) => {
  const ann: Student = { number: '33000801', name: 'Notice Ann' }
  const ben: Student = { number: '33000802', name: 'Notice Ben' }
  const cy: Student = { number: '33000803', name: 'Notice Cy' }
  await consoleUnit(request, {
    code: 'notices',
    students: [ann, ben, cy],
    slots: { rooms: ['LAB N'], start: '09:00', end: '09:30' },
  })
  const token = await apiToken(request, ann)
  const made = await request.post(`/api/units/notices/students/${ann.number}/project`, {
    headers: auth(token),
    data: {
      partnerNumbers: [ben.number],
      description: 'A notices test',
      lab_id: await labId(request, token, slot('LAB N', 0, '09:00'), 'notices'),
    },
  })
  expect(made.status(), await made.text()).toBe(201)
  const pid = ((await made.json()) as { pid: number }).pid

  // Ann's browser: notifications are the browser's, so the test stands in for them and records.
  await page.addInitScript(() => {
    const shown: string[] = []
    class Recorded {
      static permission: NotificationPermission = 'default'
      static async requestPermission(): Promise<NotificationPermission> {
        Recorded.permission = 'granted'
        return 'granted'
      }
      constructor(_title: string, options?: NotificationOptions) {
        shown.push(options?.body ?? '')
      }
    }
    Object.assign(window, { Notification: Recorded, shownNotifications: shown })
  })
  await signIn(page, ann)
  await live(page)
  const annInbox = page.getByRole('button', { name: /^Notices/ })
  await expect(annInbox).toHaveText('Notices')
  await annInbox.click()
  await expect(page.getByRole('region', { name: 'Notices' })).toContainText('No notices yet.')
  await page.getByRole('button', { name: 'Show notices as browser notifications' }).click()
  await expect(page.getByRole('region', { name: 'Notices' })).toContainText(
    'New notices also show as browser notifications.',
  )
  await page.getByRole('button', { name: 'Close' }).click()
  await expect(annInbox).toBeFocused()

  // Cy, in no team, in a browser of their own.
  const cyPage = await openPage()
  await signIn(cyPage, cy)
  await live(cyPage)

  // The coordinator moves the team.
  const coord = await apiToken(request, COORDINATOR)
  const moved = await request.post(`/api/units/notices/projects/${pid}/move`, {
    headers: auth(coord),
    data: {
      lab_id: await labId(request, coord, slot('LAB N', 0, '09:15'), 'notices'),
      reason: 'a <b>broken</b> projector',
    },
  })
  expect(moved.status(), await moved.text()).toBe(200)

  // Ann hears of it live: the count, an announcement, a browser notification, all as text.
  await expect(annInbox).toHaveText('Notices (1 unread)')
  await expect(page.getByRole('status').filter({ hasText: 'New notice:' })).toContainText('a <b>broken</b> projector')
  await expect
    .poll(() => page.evaluate(() => (window as unknown as { shownNotifications: string[] }).shownNotifications))
    .toEqual([`A coordinator moved your team to ${slot('LAB N', 0, '09:15')}. Reason: a <b>broken</b> projector`])
  await annInbox.click()
  const list = page.getByRole('region', { name: 'Notices' }).getByRole('listitem')
  await expect(list).toHaveCount(1)
  await expect(list.first()).toContainText('a <b>broken</b> projector')
  await expect(page.getByRole('region', { name: 'Notices' }).locator('b')).toHaveCount(0)
  await screenshots(page, 'student-inbox')
  const { violations } = await new AxeBuilder({ page }).include('.inbox').analyze()
  expect(
    violations.filter((v) => v.impact === 'serious' || v.impact === 'critical').map((v) => `${v.id}: ${v.help}`),
    'the open inbox: serious or critical axe violations',
  ).toEqual([])
  // Opening the inbox marked it read.
  await expect(annInbox).toHaveText('Notices')
  await page.reload()
  await live(page)
  await expect(page.getByRole('button', { name: /^Notices/ })).toHaveText('Notices')

  // Cy, of the same unit, got nothing.
  await cyPage.getByRole('button', { name: /^Notices/ }).click()
  await expect(cyPage.getByRole('region', { name: 'Notices' })).toContainText('No notices yet.')
})
