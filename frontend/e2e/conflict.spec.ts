import { apiToken, expect, labId, signIn, slot, student, test, withoutLiveUpdates } from './fixtures'

test('a slot taken between loading the form and submitting it shows the 409 next to the picker', async ({
  page,
  request,
}) => {
  const alan = student(4)
  const edsger = student(5)
  const barbara = student(6)
  const donald = student(7)
  const contested = slot('CSSE 2.01', 0, '10:15')
  const fallback = slot('CSSE 2.01', 0, '10:30')

  // Live updates would take the slot off the picker as soon as it is booked (live.spec.ts checks
  // that); without them the page finds out only when it submits, which is what this test is about.
  await withoutLiveUpdates(page)
  await signIn(page, alan)
  await page.getByLabel("Partner's student number").fill(edsger.number)
  await page.getByLabel('Project description').fill('Shortest paths on the campus map')
  await page.getByLabel('Demonstration lab').selectOption({ label: contested })

  // Meanwhile two other students book that very slot.
  const token = await apiToken(request, barbara)
  const res = await request.post(`/api/students/${barbara.number}/project`, {
    headers: { Authorization: `Bearer ${token}` },
    data: {
      partnerNumber: donald.number,
      description: 'Abstract data types',
      lab_id: await labId(request, token, contested),
    },
  })
  expect(res.status()).toBe(201)

  await page.getByRole('button', { name: 'Create project' }).click()

  await expect(page.getByRole('alert').filter({ hasText: 'Could not create the project' })).toContainText(
    'That lab slot is full.',
  )
  const picker = page.getByLabel('Demonstration lab')
  await expect(picker).toHaveAttribute('aria-invalid', 'true')
  await expect(picker).toHaveAccessibleDescription(/That lab slot is full\./)
  await expect(picker).toBeFocused()
  // The picker and the table are refreshed: the slot is gone and its new team is listed.
  await expect(picker.locator('option', { hasText: contested })).toHaveCount(0)
  await expect(page.getByRole('row').filter({ hasText: `${barbara.name} & ${donald.name}` })).toContainText(contested)
  // What the student typed is kept.
  await expect(page.getByLabel("Partner's student number")).toHaveValue(edsger.number)
  await expect(page.getByLabel('Project description')).toHaveValue('Shortest paths on the campus map')

  await picker.selectOption({ label: fallback })
  await expect(picker).toHaveAttribute('aria-invalid', 'false')
  await page.getByRole('button', { name: 'Create project' }).click()
  await expect(page.getByRole('status').filter({ hasText: 'Project created' })).toContainText(fallback)
})
