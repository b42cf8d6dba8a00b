import { expect, signIn, slot, student, test } from './fixtures'

test('markup in a description is shown as text and never runs', async ({ page, openPage }) => {
  const frances = student(8)
  const john = student(9)
  const markup = '<img src=x onerror=alert(1)>'
  const dialogs: string[] = []
  const imageRequests: string[] = []
  for (const p of [page]) {
    p.on('dialog', (d) => {
      dialogs.push(d.message())
      void d.dismiss()
    })
    p.on('request', (r) => {
      if (new URL(r.url()).pathname.endsWith('/x')) imageRequests.push(r.url())
    })
  }

  await signIn(page, frances)
  await page.getByLabel("Partner's student number").fill(john.number)
  await page.getByLabel('Project description').fill(markup)
  await page.getByLabel('Demonstration lab').selectOption({ label: slot('EZONE 1.24', 0, '10:00') })
  await page.getByRole('button', { name: 'Create project' }).click()
  await expect(page.getByRole('status').filter({ hasText: 'Project created' })).toBeVisible()

  const cell = page.getByRole('cell', { name: markup, exact: true })
  await expect(cell).toBeVisible()
  await expect(cell).toHaveText(markup)
  await expect(page.locator('main img')).toHaveCount(0)
  await expect(page.getByLabel('Project description')).toHaveValue(markup)

  // The partner's freshly loaded page renders it as text too.
  const partner = await openPage()
  partner.on('dialog', (d) => {
    dialogs.push(d.message())
    void d.dismiss()
  })
  await signIn(partner, john)
  await expect(partner.getByRole('cell', { name: markup, exact: true })).toBeVisible()
  await expect(partner.locator('main img')).toHaveCount(0)

  expect(dialogs).toEqual([])
  expect(imageRequests).toEqual([])
})
