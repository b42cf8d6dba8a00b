import { readFileSync } from 'node:fs'

import type { Download, Page } from '@playwright/test'

import {
  apiToken,
  auth,
  consoleUnit,
  COORDINATOR,
  expect,
  firstDay,
  live,
  partScreenshots,
  PIN,
  screenshots,
  signIn,
  SITE_ADMIN,
  slot,
  test,
  type Student,
} from './fixtures'

/*
 * The coordinator's console against the real server. Each test works in a unit of its own,
 * created through the API by the seeded site admin with the seeded coordinator appointed, and
 * students of its own (PIN 1357), so that nothing here changes what the other specs see.
 */

/** Signs the coordinator in and opens the unit's console through the unit page's link. */
async function openConsole(page: Page, code: string): Promise<void> {
  await signIn(page, COORDINATOR)
  await page.goto(`/u/${code}`)
  await page.getByRole('link', { name: 'Console', exact: true }).click()
  await expect(page).toHaveURL(new RegExp(`/u/${code}/admin$`))
  await expect(page.getByRole('heading', { level: 1, name: 'Console' })).toBeVisible()
  await expect(page.getByRole('heading', { level: 2, name: 'Overview' })).toBeVisible()
  await expect(page.getByText('Loading the overview…')).toHaveCount(0)
}

const section = (page: Page, name: string) => page.getByRole('region', { name, exact: true })

/** The number under a count's name in the overview. */
const count = (overview: ReturnType<typeof section>, name: string) =>
  overview
    .locator('.counts > div')
    .filter({ has: overview.page().getByText(name, { exact: true }) })
    .locator('dd')

async function downloaded(download: Download): Promise<string> {
  const path = await download.path()
  return readFileSync(path, 'utf8')
}

test('a roster with a bad line: the line is shown and announced; fixed, it is applied and its PINs work', async ({
  page,
  request,
}) => {
  const ivy: Student = { number: '32000103', name: 'Roster Teamed Ivy' }
  const jo: Student = { number: '32000104', name: 'Roster Teamed Jo' }
  await consoleUnit(request, {
    code: 'c-roster',
    students: [ivy, jo],
    slots: { rooms: ['LAB R'], start: '10:00', end: '10:15' },
  })
  const token = await apiToken(request, ivy)
  const labs = await request.get('/api/units/c-roster/labs', { headers: auth(token) })
  const [lab] = ((await labs.json()) as { available_labs: { lab_id: number }[] }).available_labs
  const created = await request.post(`/api/units/c-roster/students/${ivy.number}/project`, {
    headers: auth(token),
    data: { partnerNumbers: [jo.number], description: 'A team on the roster', lab_id: lab!.lab_id },
  })
  expect(created.status(), await created.text()).toBe(201)
  const { pid } = (await created.json()) as { pid: number }

  await openConsole(page, 'c-roster')
  await live(page)
  const roster = section(page, 'Roster')
  const people = roster.getByRole('table', { name: 'Enrolled people, coordinators first, then by name' })
  // Coordinators first, then by name.
  await expect(people.getByRole('rowheader')).toHaveText([COORDINATOR.name, ivy.name, jo.name])

  const bad = 'student_number,name,pin,role\n32000101,Roster One,,student\n3200010,Roster Short,,student\n'
  await roster.getByLabel('Roster file (CSV)').setInputFiles({
    name: 'roster.csv',
    mimeType: 'text/csv',
    buffer: Buffer.from(bad),
  })
  await expect(roster.getByLabel('Roster (CSV)')).toHaveValue(bad)
  await roster.getByRole('button', { name: 'Preview roster' }).click()
  await expect(roster.getByRole('alert').filter({ hasText: 'line 3' })).toContainText('The file has 1 error')
  await expect(roster.locator('.line-errors')).toContainText('Line 3:')
  await expect(roster.getByRole('button', { name: 'Apply roster' })).toBeDisabled()
  await screenshots(page, 'console-roster-errors')

  const good = 'student_number,name,pin,role\n32000101,Roster One,,student\n32000102,Roster Two,,student\n'
  await roster.getByLabel('Roster (CSV)').fill(good)
  await roster.getByRole('button', { name: 'Preview roster' }).click()
  await expect(roster.getByRole('status').filter({ hasText: 'Preview:' })).toContainText('2 to add')
  await roster.getByRole('button', { name: 'Apply roster' }).click()
  await expect(roster.getByRole('status').filter({ hasText: 'Roster applied' })).toContainText(
    '2 added, 0 updated. 2 students got a new PIN',
  )
  const pins = roster.getByRole('table', { name: 'New PINs' })
  await expect(pins.getByRole('row')).toHaveCount(3)
  const pin = (await pins.getByRole('row').nth(1).getByRole('cell').nth(2).textContent())?.trim() ?? ''
  expect(pin).toMatch(/^\d{6}$/)

  const [csv] = await Promise.all([
    page.waitForEvent('download'),
    roster.getByRole('button', { name: 'Download PINs (CSV)' }).click(),
  ])
  expect(csv.suggestedFilename()).toBe('c-roster-pins.csv')
  expect(await downloaded(csv)).toContain(`32000101,Roster One,${pin},Console test c-roster`)

  // The PIN shown once is the student's PIN.
  const signedIn = await request.post('/api/tokens', {
    headers: { Authorization: `Basic ${Buffer.from(`32000101:${pin}`).toString('base64')}` },
  })
  expect(signedIn.status()).toBe(200)
  // The new students are in the overview, without a team.
  await expect(section(page, 'Overview').getByText('Roster One 32000101')).toBeVisible()

  // The roster table has them, with their roles and teams.
  await expect(people.getByRole('rowheader')).toHaveText([
    COORDINATOR.name,
    'Roster One',
    ivy.name,
    jo.name,
    'Roster Two',
  ])
  await expect(roster.getByRole('status').filter({ hasText: 'people:' })).toHaveText(
    '5 people: 1 coordinator, 4 students.',
  )
  const rowOf = (name: string) => people.getByRole('row').filter({ has: page.getByRole('rowheader', { name }) })
  await expect(rowOf(COORDINATOR.name).getByRole('cell')).toHaveText([
    COORDINATOR.number,
    'Coordinator',
    /.*/,
    'no team',
    /Reset PIN/,
  ])
  await expect(rowOf('Roster One').getByRole('cell')).toHaveText([
    '32000101',
    'Student',
    'none',
    'no team',
    /Reset PIN/,
  ])
  await expect(rowOf(ivy.name).getByRole('cell').nth(3)).toHaveText(`in team ${pid}`)
  // A member of a team cannot be unenrolled, and the page says why.
  const teamed = roster.getByRole('button', { name: `Unenrol ${ivy.name}` })
  await expect(teamed).toBeDisabled()
  await expect(teamed).toHaveAccessibleDescription(`Take them out of team ${pid} first (Teams, Manage).`)

  // The filter, by name or number.
  const filter = roster.getByLabel('Filter by name or number')
  await filter.fill('teamed')
  await expect(people.getByRole('rowheader')).toHaveText([ivy.name, jo.name])
  await filter.fill('32000102')
  await expect(people.getByRole('rowheader')).toHaveText(['Roster Two'])
  await expect(roster.getByRole('status').filter({ hasText: 'match' })).toHaveText('1 of 5 people match “32000102”.')
  await filter.fill('')

  // One person's new PIN, from their row: shown once, and it signs in.
  await roster.getByRole('button', { name: 'Reset PIN for Roster Two' }).click()
  const reset = roster.getByRole('status').filter({ hasText: 'New PIN for Roster Two' })
  await expect(reset).toContainText('New PIN for Roster Two (32000102): ')
  const newPin = /: (\d{6})\./.exec((await reset.textContent()) ?? '')?.[1] ?? ''
  expect(newPin).toMatch(/^\d{6}$/)
  const withNewPin = await request.post('/api/tokens', {
    headers: { Authorization: `Basic ${Buffer.from(`32000102:${newPin}`).toString('base64')}` },
  })
  expect(withNewPin.status()).toBe(200)
  await expect(pins.getByRole('row').filter({ hasText: '32000102' }).getByRole('cell').nth(2)).toHaveText(newPin)

  // Unenrolled after a question; the row goes and the focus is kept on the table's heading.
  await roster.getByRole('button', { name: 'Unenrol Roster One' }).click()
  const ask = page.getByRole('dialog', { name: 'Unenrol Roster One?' })
  await expect(ask).toContainText('Roster One (32000101) loses access to this unit.')
  await ask.getByRole('button', { name: 'Unenrol' }).click()
  await expect(roster.getByRole('status').filter({ hasText: 'no longer enrolled' })).toHaveText(
    'Roster One (32000101) is no longer enrolled in this unit.',
  )
  await expect(people.getByRole('rowheader')).toHaveText([COORDINATOR.name, ivy.name, jo.name, 'Roster Two'])
  await expect(roster.getByRole('heading', { name: 'Enrolled', exact: true })).toBeFocused()

  // A roster applied elsewhere (a resync of the unit) shows without a reload.
  const admin = await apiToken(request, SITE_ADMIN)
  const elsewhere = await request.post('/api/units/c-roster/roster', {
    headers: { ...auth(admin), 'Content-Type': 'text/csv' },
    data: `student_number,name,pin,role\n32000105,Roster Pushed,${PIN},student\n`,
  })
  expect(elsewhere.status(), await elsewhere.text()).toBe(200)
  await expect(people.getByRole('rowheader')).toHaveText([
    COORDINATOR.name,
    'Roster Pushed',
    ivy.name,
    jo.name,
    'Roster Two',
  ])

  // At a phone's width the table scrolls inside a region of its own, which takes the focus.
  await page.setViewportSize({ width: 360, height: 740 })
  const region = roster.getByRole('region', { name: 'Enrolled people table' })
  const { scrollWidth, clientWidth } = await region.evaluate((e) => ({
    scrollWidth: e.scrollWidth,
    clientWidth: e.clientWidth,
  }))
  expect(scrollWidth).toBeGreaterThan(clientWidth)
  await region.focus()
  await expect(region).toBeFocused()
  await page.keyboard.press('ArrowRight')
  await expect.poll(() => region.evaluate((e) => e.scrollLeft)).toBeGreaterThan(0)
  await page.setViewportSize({ width: 1280, height: 800 })
  await partScreenshots(page, roster, 'console-roster')
})

test('a coordinator generates a session: previewed, then made, and shown in the grid', async ({ page, request }) => {
  await consoleUnit(request, { code: 'c-session' })
  await openConsole(page, 'c-session')
  const slots = section(page, 'Slots')
  await expect(section(page, 'Overview')).toContainText('No slots yet')

  await slots.getByLabel('Rooms').fill('LAB A, LAB B')
  await slots.getByLabel('Date').fill(firstDay())
  await slots.getByLabel('Start').fill('13:00')
  await slots.getByLabel('End').fill('14:00')
  await slots.getByLabel('Slot length (minutes)').fill('30')
  await slots.getByLabel('Capacity (teams per slot)').fill('2')
  await slots.getByRole('button', { name: 'Preview slots' }).click()
  const preview = slots.getByRole('region', { name: 'Preview' })
  await expect(preview).toContainText('4 slots: 4 new.')
  await expect(preview.getByRole('listitem')).toHaveCount(4)

  await slots.getByRole('button', { name: 'Generate slots' }).click()
  await expect(slots.getByRole('status').filter({ hasText: 'Generated' })).toHaveText('Generated 4 new slots.')
  await expect(slots.getByRole('region', { name: 'All slots' }).getByRole('row')).toHaveCount(5)
  const overview = section(page, 'Overview')
  await expect(overview.getByRole('listitem', { name: 'LAB A 13:00, 0 of 2 booked' })).toBeVisible()
  await expect(overview.getByRole('listitem', { name: 'LAB B 13:30, 0 of 2 booked' })).toBeVisible()
  await screenshots(page, 'console')
  await partScreenshots(page, overview, 'console-overview')
  await partScreenshots(page, slots, 'console-slots')
})

test('a booking in another browser appears in the overview without a reload', async ({ page, request, openPage }) => {
  const ana: Student = { number: '32000201', name: 'Live Ana' }
  const ben: Student = { number: '32000202', name: 'Live Ben' }
  await consoleUnit(request, {
    code: 'c-live',
    students: [ana, ben],
    slots: { rooms: ['LAB L'], start: '09:00', end: '09:30' },
  })
  await openConsole(page, 'c-live')
  await live(page)
  const overview = section(page, 'Overview')
  await expect(overview.getByRole('listitem', { name: 'LAB L 09:00, 0 of 1 booked' })).toBeVisible()
  await expect(overview.getByText(`${ana.name} ${ana.number}`)).toBeVisible()
  await page.evaluate(() => ((window as unknown as { notReloaded: boolean }).notReloaded = true))

  const student = await openPage()
  await signIn(student, ana)
  await expect(student).toHaveURL(/\/u\/c-live$/)
  await student.getByLabel("Partner's student number").fill(ben.number)
  await student.getByLabel('Project description').fill('Booked while watched')
  await student.getByLabel('Demonstration lab').selectOption({ label: slot('LAB L', 0, '09:00') })
  await student.getByRole('button', { name: 'Create project' }).click()
  await expect(student.getByRole('status').filter({ hasText: 'Project created' })).toBeVisible()

  await expect(overview.getByRole('listitem', { name: 'LAB L 09:00, 1 of 1 booked' })).toBeVisible()
  await expect(count(overview, 'In a team')).toHaveText('2')
  await expect(overview.getByText(`${ana.name} ${ana.number}`)).toHaveCount(0)
  await expect(
    section(page, 'Teams')
      .getByRole('row')
      .filter({ hasText: `${ana.name} & ${ben.name}` }),
  ).toBeVisible()
  expect(await page.evaluate(() => (window as unknown as { notReloaded?: boolean }).notReloaded)).toBe(true)
})

test('a coordinator moves a team with a reason, and the student sees the new slot live', async ({
  page,
  request,
  openPage,
}) => {
  const cy: Student = { number: '32000301', name: 'Move Cy' }
  const di: Student = { number: '32000302', name: 'Move Di' }
  await consoleUnit(request, {
    code: 'c-move',
    students: [cy, di],
    slots: { rooms: ['LAB M', 'LAB N'], start: '11:00', end: '11:15' },
  })
  const token = await apiToken(request, cy)
  const labs = await request.get('/api/units/c-move/labs', { headers: auth(token) })
  const free = ((await labs.json()) as { available_labs: { lab_id: number; room: string }[] }).available_labs
  const from = free.find((l) => l.room === 'LAB M')!
  const created = await request.post(`/api/units/c-move/students/${cy.number}/project`, {
    headers: auth(token),
    data: { partnerNumbers: [di.number], description: 'About to move', lab_id: from.lab_id },
  })
  expect(created.status(), await created.text()).toBe(201)

  const student = await openPage()
  await signIn(student, cy)
  await live(student)
  const row = student.getByRole('table', { name: 'Projects' }).getByRole('row').filter({ hasText: 'About to move' })
  await expect(row).toContainText(slot('LAB M', 0, '11:00'))

  await openConsole(page, 'c-move')
  const teams = section(page, 'Teams')
  await teams.getByRole('button', { name: `Manage ${cy.name} & ${di.name}` }).click()
  await expect(teams.getByRole('heading', { name: `Manage ${cy.name} & ${di.name}` })).toBeFocused()
  const target = teams.getByLabel('Move to slot').locator('option', { hasText: 'LAB N' })
  await teams.getByLabel('Move to slot').selectOption((await target.getAttribute('value')) ?? '')
  // Force without a reason is refused before anything is sent.
  await teams.getByLabel('Beyond capacity (force)').check()
  await teams.getByRole('button', { name: 'Move team' }).click()
  await expect(teams.getByRole('alert').filter({ hasText: 'Give a reason' })).toBeVisible()
  await expect(teams.getByLabel('Reason', { exact: true })).toBeFocused()
  await teams.getByLabel('Beyond capacity (force)').uncheck()
  await teams.getByLabel('Reason', { exact: true }).fill('clash with an exam')
  await teams.getByRole('button', { name: 'Move team' }).click()
  await expect(teams.getByRole('status').filter({ hasText: 'moved to' })).toContainText(slot('LAB N', 0, '11:00'))
  await screenshots(page, 'console-move')

  // The student's page follows without a reload.
  await expect(row).toContainText(slot('LAB N', 0, '11:00'))

  // The audit log has it, with the reason.
  const audit = section(page, 'Audit log')
  await audit.getByLabel('Action').selectOption('project.moved')
  await audit.getByRole('button', { name: 'Filter', exact: true }).click()
  await expect(audit.getByRole('row').filter({ hasText: 'clash with an exam' })).toHaveCount(1)
  await partScreenshots(page, audit, 'console-audit')
})

test('the teams CSV, the unit’s calendar and a student’s own calendar file download', async ({
  page,
  request,
  openPage,
}) => {
  const ed: Student = { number: '32000401', name: 'Export Ed' }
  const flo: Student = { number: '32000402', name: 'Export Flo' }
  await consoleUnit(request, {
    code: 'c-export',
    students: [ed, flo],
    slots: { rooms: ['LAB X'], start: '15:00', end: '15:15' },
  })
  const token = await apiToken(request, ed)
  const labs = await request.get('/api/units/c-export/labs', { headers: auth(token) })
  const [lab] = ((await labs.json()) as { available_labs: { lab_id: number }[] }).available_labs
  const created = await request.post(`/api/units/c-export/students/${ed.number}/project`, {
    headers: auth(token),
    data: { partnerNumbers: [flo.number], description: 'Exported project', lab_id: lab!.lab_id },
  })
  expect(created.status()).toBe(201)

  await openConsole(page, 'c-export')
  const teams = section(page, 'Teams')
  const [csv] = await Promise.all([
    page.waitForEvent('download'),
    teams.getByRole('button', { name: 'Export teams (CSV)' }).click(),
  ])
  expect(csv.suggestedFilename()).toMatch(/\.csv$/)
  const text = await downloaded(csv)
  expect(text.split(/\r?\n/)[0]).toContain('student_number')
  expect(text).toContain(`${ed.number},${ed.name}`)
  expect(text).toContain('Exported project')

  const [ics] = await Promise.all([
    page.waitForEvent('download'),
    teams.getByRole('button', { name: 'Calendar (.ics)' }).click(),
  ])
  expect(ics.suggestedFilename()).toMatch(/\.ics$/)
  expect(await downloaded(ics)).toContain('BEGIN:VCALENDAR')

  const student = await openPage()
  await signIn(student, flo)
  const [own] = await Promise.all([
    student.waitForEvent('download'),
    student.getByRole('button', { name: 'Add to calendar' }).click(),
  ])
  expect(own.suggestedFilename()).toMatch(/\.ics$/)
  const event = await downloaded(own)
  expect(event).toContain('BEGIN:VEVENT')
  expect(event).toContain('LAB X')
})

test('a student cannot open a console, and the unit page offers them no link', async ({ page, request }) => {
  await consoleUnit(request, { code: 'c-refuse', students: [{ number: '32000501', name: 'Plain Student' }] })
  await signIn(page, { number: '32000501', name: 'Plain Student' })
  await expect(page.getByRole('link', { name: 'Console', exact: true })).toHaveCount(0)
  await page.goto('/u/c-refuse/admin')
  await expect(page.getByRole('alert')).toHaveText("Only the unit's coordinators and site admins can use its console.")
})

test('a policy change says what it would do before it is saved; an archived unit is read-only for its students', async ({
  page,
  request,
  openPage,
}) => {
  const gus: Student = { number: '32000701', name: 'Policy Gus' }
  const hal: Student = { number: '32000702', name: 'Policy Hal' }
  await consoleUnit(request, {
    code: 'c-policy',
    students: [gus, hal],
    slots: { rooms: ['LAB P'], start: '16:00', end: '16:15' },
  })
  const token = await apiToken(request, gus)
  const labs = await request.get('/api/units/c-policy/labs', { headers: auth(token) })
  const [lab] = ((await labs.json()) as { available_labs: { lab_id: number }[] }).available_labs
  const created = await request.post(`/api/units/c-policy/students/${gus.number}/project`, {
    headers: auth(token),
    data: { partnerNumbers: [hal.number], description: 'A pair for now', lab_id: lab!.lab_id },
  })
  expect(created.status()).toBe(201)

  await openConsole(page, 'c-policy')
  const policy = section(page, 'Policy')
  await policy.getByLabel('Largest team').fill('3')
  await policy.getByLabel('Smallest team').fill('3')
  await expect(policy.getByRole('status').filter({ hasText: 'below the new minimum' })).toContainText(
    '1 team is below the new minimum',
  )
  await partScreenshots(page, policy, 'console-policy')
  await policy.getByLabel('Sign-up closes').fill(`${firstDay()}T08:00`)
  await policy.getByRole('button', { name: 'Save policy' }).click()
  await expect(policy.getByRole('status').filter({ hasText: 'Policy saved.' })).toBeVisible()
  const saved = await request.get('/api/units/c-policy', { headers: auth(token) })
  expect(((await saved.json()) as { policy: unknown }).policy).toMatchObject({
    team_min: 3,
    team_max: 3,
    closes_at: expect.stringMatching(new RegExp(`^${firstDay()}T08:00:00(Z|\\+00:00)$`)),
  })

  const student = await openPage()
  await signIn(student, hal)
  // The student's page has the new closing time.
  await expect(student.getByRole('region', { name: 'My project' })).toContainText(
    /Sign-up is open until \w+ \d+ \w+ 08:00/,
  )

  const unit = section(page, 'Unit')
  await unit.getByRole('button', { name: 'Archive unit' }).click()
  await page.getByRole('dialog', { name: 'Archive this unit?' }).getByRole('button', { name: 'Archive' }).click()
  await expect(unit.getByRole('status').filter({ hasText: 'archived' })).toBeVisible()
  await student.reload()
  await expect(student.getByRole('region', { name: 'My project' })).toContainText('This unit is archived')
  await expect(student.getByRole('button', { name: 'Save changes' })).toHaveCount(0)
})
