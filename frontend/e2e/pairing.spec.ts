import { expect, screenshots, signIn, slot, slotGroup, student, test } from './fixtures'

test('a student pairs up and books a slot; the partner sees it and a third student cannot pick it', async ({
  page,
  openPage,
}) => {
  const ada = student(1)
  const charles = student(2)
  const grace = student(3)
  const booked = slot('CSSE 2.01', 0, '10:00')

  await signIn(page, ada)
  const form = page.getByRole('region', { name: 'My project' })
  await expect(form.getByRole('button', { name: 'Create project' })).toBeVisible()
  // The table is there for a student without a project too.
  await expect(page.getByRole('table', { name: 'Projects' })).toBeVisible()

  // The partner signs in too, in a context (and sessionStorage) of their own.
  const partner = await openPage()
  await signIn(partner, charles)
  await expect(partner.getByRole('button', { name: 'Create project' })).toBeVisible()

  await page.getByLabel("Partner's student number").fill(charles.number)
  await page.getByLabel('Project description').fill('A tiny compiler, written in itself')
  await page.getByLabel('Demonstration lab').selectOption({ label: booked })
  const sent = page.waitForRequest(
    (r) => r.method() === 'POST' && r.url().endsWith(`/api/units/default/students/${ada.number}/project`),
  )
  await page.getByRole('button', { name: 'Create project' }).click()
  const body = (await sent).postDataJSON() as Record<string, unknown>
  expect(body).toEqual({
    partnerNumbers: [charles.number],
    description: 'A tiny compiler, written in itself',
    lab_id: expect.any(Number),
  })

  await expect(page.getByRole('status').filter({ hasText: 'Project created' })).toContainText(booked)
  await expect(form.getByRole('button', { name: 'Save changes' })).toBeVisible()
  const team = `${ada.name} & ${charles.name}`
  const row = page.getByRole('row').filter({ hasText: team })
  await expect(row).toHaveAttribute('aria-current', 'true')
  await expect(row.getByRole('cell').nth(2)).toHaveText('A tiny compiler, written in itself')
  await expect(row.getByRole('cell').nth(3)).toHaveText(booked)
  await expect(page.getByLabel('Demonstration lab')).toHaveValue(/^\d+$/)

  // The partner reloads and sees the project as theirs, with the booked slot offered to keep.
  await partner.reload()
  const theirs = partner.getByRole('region', { name: 'My project' })
  await expect(theirs.getByRole('button', { name: 'Save changes' })).toBeVisible()
  await expect(theirs.getByText(team, { exact: true })).toBeVisible()
  await expect(partner.getByLabel('Project description')).toHaveValue('A tiny compiler, written in itself')
  await expect(partner.getByLabel('Demonstration lab').locator('option:checked')).toHaveText(booked)
  await expect(partner.getByRole('row').filter({ hasText: team })).toHaveAttribute('aria-current', 'true')

  // A third student sees the team in the table, but the slot is gone from their picker.
  const third = await openPage()
  await signIn(third, grace)
  await expect(third.getByRole('row').filter({ hasText: team })).toBeVisible()
  await expect(third.getByRole('row').filter({ hasText: team })).not.toHaveAttribute('aria-current', 'true')
  const picker = third.getByLabel('Demonstration lab')
  // (Other tests book other slots meanwhile; nobody books EZONE 1.24 on the first day at 10:30.)
  await expect(picker.locator('option', { hasText: slot('EZONE 1.24', 0, '10:30') })).toHaveCount(1)
  await expect(picker.locator('option', { hasText: booked })).toHaveCount(0)
  // Grouped by room and day.
  await expect(picker.locator(`optgroup[label="${slotGroup('EZONE 1.24', 0)}"]`)).toHaveCount(1)
  await expect(picker.locator(`optgroup[label="${slotGroup('EZONE 1.24', 1)}"]`)).toHaveCount(1)

  await screenshots(partner, 'home-with-project')
})
