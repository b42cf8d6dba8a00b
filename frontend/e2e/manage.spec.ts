import { expect, screenshots, signIn, slot, student, test } from './fixtures'

test('edit a project and delete it after confirming, with screenshots of each screen', async ({ page }) => {
  const radia = student(14)
  const tony = student(15)
  const first = slot('EZONE 1.24', 1, '10:00')
  const second = slot('EZONE 1.24', 1, '10:15')

  await signIn(page, radia)
  await expect(page.getByRole('table', { name: 'Projects' })).toBeVisible()
  await screenshots(page, 'home-no-project')

  // Client-side checks: nothing is sent, the first field at fault takes the focus.
  await page.getByRole('button', { name: 'Create project' }).click()
  await expect(page.getByRole('alert').filter({ hasText: 'Please correct' })).toBeVisible()
  await expect(page.getByLabel("Partner's student number")).toBeFocused()
  await expect(page.getByLabel("Partner's student number")).toHaveAccessibleDescription(/8-digit student number/)
  await screenshots(page, 'home-form-errors')

  // A partner who is not on the roster: the server's 400 lands next to the partner field.
  await page.getByLabel("Partner's student number").fill('39999999')
  await page.getByLabel('Project description').fill('Distributed routing')
  await page.getByLabel('Demonstration lab').selectOption({ label: first })
  await page.getByRole('button', { name: 'Create project' }).click()
  await expect(page.getByLabel("Partner's student number")).toHaveAttribute('aria-invalid', 'true')
  await expect(page.getByLabel("Partner's student number")).toHaveAccessibleDescription(/not a student of this unit/)
  await expect(page.getByLabel("Partner's student number")).toBeFocused()

  await page.getByLabel("Partner's student number").fill(tony.number)
  await page.getByRole('button', { name: 'Create project' }).click()
  await expect(page.getByRole('status').filter({ hasText: 'Project created' })).toBeVisible()

  await page.getByLabel('Project description').fill('Distributed routing, with a live demo')
  await page.getByLabel('Demonstration lab').selectOption({ label: second })
  await page.getByRole('button', { name: 'Save changes' }).click()
  await expect(page.getByRole('status').filter({ hasText: 'Changes saved' })).toContainText(second)
  const row = page.getByRole('row').filter({ hasText: `${radia.name} & ${tony.name}` })
  await expect(row).toContainText('Distributed routing, with a live demo')
  await expect(row).toContainText(second)
  // The old slot is free again and offered; the new one is the current slot.
  const picker = page.getByLabel('Demonstration lab')
  await expect(picker.locator('option', { hasText: first })).toHaveCount(1)
  await expect(picker.locator('optgroup[label="Your current slot"] option')).toHaveText(second)

  await page.getByRole('button', { name: 'Delete project' }).click()
  await expect(page.getByRole('button', { name: 'Cancel' })).toBeFocused()
  await screenshots(page, 'home-confirm-delete')
  await page.keyboard.press('Escape')
  await expect(page.getByRole('button', { name: 'Delete project' })).toBeFocused()

  await page.getByRole('button', { name: 'Delete project' }).click()
  await page.getByRole('button', { name: 'Delete', exact: true }).click()
  await expect(page.getByRole('status').filter({ hasText: 'Project deleted' })).toBeVisible()
  await expect(page.getByRole('button', { name: 'Create project' })).toBeVisible()
  await expect(row).toHaveCount(0)
  await expect(page.getByLabel('Demonstration lab').locator('option', { hasText: second })).toHaveCount(1)
})

test('everything works from the keyboard', async ({ page }) => {
  const leslie = student(16)
  const shafi = student(17)

  await page.goto('/')
  // The student number field has the focus on arrival.
  await expect(page.getByLabel('Student number', { exact: true })).toBeFocused()
  await page.keyboard.type(leslie.number)
  await page.keyboard.press('Tab')
  await page.keyboard.type('1357')
  await page.keyboard.press('Enter')
  await expect(page.getByRole('heading', { level: 1 })).toBeFocused()

  // Once the form is there, the first stop after the heading is its first field.
  await expect(page.getByRole('button', { name: 'Create project' })).toBeVisible()
  await page.keyboard.press('Tab')
  await expect(page.getByLabel("Partner's student number")).toBeFocused()
  await page.keyboard.type(shafi.number)
  await page.keyboard.press('Tab')
  await expect(page.getByLabel('Project description')).toBeFocused()
  await page.keyboard.type('Zero-knowledge proofs for voting')
  await page.keyboard.press('Tab')
  await expect(page.getByLabel('Demonstration lab')).toBeFocused()
  // (Choosing with the arrow keys would take whichever slot is first free, which the tests running
  // alongside may be booking; selectOption leaves the focus where it is.)
  await page.getByLabel('Demonstration lab').selectOption({ label: slot('CSSE 2.01', 1, '10:00') })
  await page.keyboard.press('Tab')
  await expect(page.getByRole('button', { name: 'Create project' })).toBeFocused()
  await page.keyboard.press('Enter')
  await expect(page.getByRole('status').filter({ hasText: 'Project created' })).toBeVisible()
  await expect(page.getByRole('heading', { name: 'My project' })).toBeFocused()
})
