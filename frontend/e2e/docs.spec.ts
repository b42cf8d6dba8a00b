import { expect, screenshots, test } from './fixtures'

/**
 * GET /api/docs renders openapi.yaml with Redoc from this origin: the page's only script is the
 * bundle the build copies into dist/docs/, and the fixture fails the test on any CSP violation
 * or page error (the page has a policy of its own: same-origin scripts, inline styles, blob:
 * workers).
 */
test('the API reference renders the contract, from this origin only', async ({ page, baseURL }) => {
  // Redoc lays out the whole contract (every operation, schema and example) before it is usable.
  test.slow()
  const origin = new URL(baseURL ?? '').origin
  const elsewhere: string[] = []
  page.on('request', (r) => {
    const url = new URL(r.url())
    if (!['data:', 'blob:'].includes(url.protocol) && url.origin !== origin) {
      elsewhere.push(r.url())
    }
  })

  const response = await page.goto('/api/docs')
  expect(response?.status()).toBe(200)
  await expect(page).toHaveTitle('Pair-Up API reference')
  // Redoc renders every operation with its summary as a heading, and its examples.
  await expect(page.getByRole('heading', { name: 'Create a project with a partner and book a lab slot' })).toBeVisible()
  await expect(page.getByRole('heading', { name: 'Sign in with student number and PIN' })).toBeVisible()
  await expect(page.getByText('A compiler for a tiny language').first()).toBeAttached()

  // The search runs in a blob: worker, which the page's policy allows.
  await page.getByPlaceholder('Search...').fill('revoking')
  await expect(page.getByRole('menuitem', { name: /Sign out, revoking the presented token/ }).first()).toBeVisible()

  await screenshots(page, 'api-docs', { fullPage: false })
  expect(elsewhere, 'requests to other origins').toEqual([])
})
