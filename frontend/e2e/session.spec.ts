import { expect, PIN, screenshots, sessionToken, signIn, student, test, withoutLiveUpdates } from './fixtures'

test('a reload keeps the session; signing out returns to sign-in and the old token is refused', async ({
  page,
  request,
}) => {
  const margaret = student(10)
  await signIn(page, margaret)
  await expect(page.getByText(`${margaret.name} · ${margaret.number}`)).toBeVisible()
  const token = await sessionToken(page)

  await page.reload()
  await expect(page.getByRole('button', { name: 'Sign out' })).toBeVisible()
  expect(await sessionToken(page)).toBe(token)

  await page.getByRole('button', { name: 'Sign out' }).click()
  await expect(page.getByRole('heading', { name: 'Sign in' })).toBeVisible()
  await expect(page).toHaveURL(/\/sign-in$/)
  await expect(page.getByRole('status')).toHaveText('You have signed out.')
  await expect(page.getByRole('button', { name: 'Sign out' })).toHaveCount(0)
  expect(await page.evaluate(() => sessionStorage.getItem('pairup.session'))).toBeNull()

  const res = await request.get('/api/projects', { headers: { Authorization: `Bearer ${token}` } })
  expect(res.status()).toBe(401)

  // The app itself stays signed out, even on its own routes.
  await page.goto('/')
  await expect(page).toHaveURL(/\/sign-in$/)
})

test('a token refused by the server sends the student back to sign-in with a message', async ({ page, request }) => {
  const ken = student(11)
  // The live connection would notice the revocation by itself (live.spec.ts checks that); here
  // it is the REST call's 401 that must do it.
  await withoutLiveUpdates(page)
  await signIn(page, ken)
  // The same token is revoked elsewhere (say, by signing out in another tab).
  const token = await sessionToken(page)
  const res = await request.delete('/api/tokens', { headers: { Authorization: `Bearer ${token}` } })
  expect(res.status()).toBe(204)

  await page.getByRole('button', { name: 'Refresh' }).click()
  await expect(page.getByRole('heading', { name: 'Sign in' })).toBeVisible()
  await expect(page.getByRole('status')).toHaveText('Your session has ended. Please sign in again.')
  await expect(page.getByLabel('Student number', { exact: true })).toHaveAccessibleDescription(
    'Your session has ended. Please sign in again.',
  )
})

test('a wrong PIN shows the inline message in Chromium, with no login prompt in the way', async ({ page }) => {
  const dennis = student(12)
  let prompted = false
  page.on('dialog', () => (prompted = true))

  await page.goto('/')
  await screenshots(page, 'sign-in')
  await page.getByLabel('Student number', { exact: true }).fill(dennis.number)
  await page.getByLabel('PIN', { exact: true }).fill('9999')
  const answer = page.waitForResponse((r) => r.url().endsWith('/api/tokens'))
  await page.getByRole('button', { name: 'Sign in' }).click()
  const response = await answer
  expect(response.status()).toBe(401)
  expect(response.headers()['www-authenticate']).toMatch(/^Basic/)
  // The request carried the credentials itself: no cookie, nothing for the browser to add.
  expect(response.request().headers()['cookie']).toBeUndefined()

  await expect(page.getByRole('alert')).toHaveText('Wrong student number or PIN.')
  await expect(page.getByLabel('PIN', { exact: true })).toBeFocused()
  await expect(page.getByLabel('PIN', { exact: true })).toHaveValue('')
  await screenshots(page, 'sign-in-wrong-pin')
  expect(prompted).toBe(false)

  // The right PIN still works afterwards.
  await page.getByLabel('PIN', { exact: true }).fill(PIN)
  await page.getByRole('button', { name: 'Sign in' }).click()
  await expect(page.getByRole('button', { name: 'Sign out' })).toBeVisible()
})

test('throttled sign-in shows how long to wait, from Retry-After', async ({ page, request }) => {
  const niklaus = student(13)
  const basic = `Basic ${Buffer.from(`${niklaus.number}:0000`).toString('base64')}`
  for (let i = 0; i < 10; i++) {
    const res = await request.post('/api/tokens', { headers: { Authorization: basic } })
    expect(res.status()).toBe(401)
  }

  await page.goto('/')
  await page.getByLabel('Student number', { exact: true }).fill(niklaus.number)
  await page.getByLabel('PIN', { exact: true }).fill(PIN)
  await page.getByRole('button', { name: 'Sign in' }).click()
  await expect(page.getByRole('alert')).toHaveText(/^Too many failed attempts\. Try again in \d+ minutes?\.$/)
  await expect(page.getByRole('button', { name: 'Sign out' })).toHaveCount(0)
})
