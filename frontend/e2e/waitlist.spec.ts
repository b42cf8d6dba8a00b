import { apiToken, auth, expect, labId, live, partScreenshots, signIn, slot, test, WAITLIST } from './fixtures'

test('a student takes a held place from the waitlist', async ({ page, request }) => {
  const full = slot('CSSE 4.01', 0, '11:00')
  await signIn(page, WAITLIST.cal)
  await live(page)
  const panel = page.getByRole('region', { name: 'Waitlist' })
  await expect(panel.getByText('Your team is not waiting for any slot.')).toBeVisible()

  // Cal's team waits for the full 11:00 slot, where Amy's team is booked.
  await panel.getByLabel('Full slot').selectOption({ label: full })
  await panel.getByRole('button', { name: 'Join the waitlist' }).click()
  await expect(panel.getByRole('status')).toHaveText(`Your team is 1st in line for ${full}.`)
  await expect(panel.getByRole('listitem')).toHaveText(new RegExp(`1st in line for ${full}`))

  // Amy's team moves to the free 11:30 slot, through the API.
  const amy = await apiToken(request, WAITLIST.amy)
  const moved = await request.put(`/api/units/waitlist/students/${WAITLIST.amy.number}/project`, {
    headers: auth(amy),
    data: { description: 'Moving on', lab_id: await labId(request, amy, slot('CSSE 4.01', 0, '11:30'), 'waitlist') },
  })
  expect(moved.status(), await moved.text()).toBe(200)

  // The place is held for Cal's team, live; nobody else is offered it.
  const banner = panel.getByRole('group', { name: /is held for your team/ })
  await expect(banner).toContainText(
    new RegExp(`A place in ${full} is held for your team until \\d\\d:\\d\\d \\(\\d+ minutes? left\\)`),
  )
  await expect(panel.getByRole('status')).toHaveText('') // the banner speaks now, not the old line
  const free = await request.get('/api/units/waitlist/labs', { headers: auth(amy) })
  expect(((await free.json()) as { available_labs: { lab: string }[] }).available_labs.map((l) => l.lab)).not.toContain(
    full,
  )
  await partScreenshots(page, panel, 'waitlist-hold')

  // Cal takes it: the team is booked there, and the table says so.
  await banner.getByRole('button', { name: 'Take it' }).click()
  await expect(panel.getByRole('status')).toHaveText(`Your team now has the place in ${full}.`)
  await expect(banner).toHaveCount(0)
  await expect(page.getByRole('table', { name: 'Projects' }).getByRole('row', { name: /Wait Cal/ })).toContainText(full)
  const cal = await apiToken(request, WAITLIST.cal)
  const mine = await request.get(`/api/units/waitlist/students/${WAITLIST.cal.number}/project`, { headers: auth(cal) })
  expect(((await mine.json()) as { lab: string }).lab).toBe(full)
})
