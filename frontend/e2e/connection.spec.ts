import type { WebSocketRoute } from '@playwright/test'

import {
  apiToken,
  auth,
  consoleUnit,
  expect,
  labId,
  live,
  screenshots,
  signIn,
  slot,
  test,
  type Student,
} from './fixtures'

const LOST = 'Connection to the server lost — retrying'

test('the server goes away: a banner says so, the page retries by itself and catches up once it is back', async ({
  page,
  request,
}) => {
  test.setTimeout(60_000) // a unit of its own, an outage of a few seconds and two full-page screenshots
  const ann: Student = { number: '33200001', name: 'Conn Ann' }
  const ben: Student = { number: '33200002', name: 'Conn Ben' }
  const cy: Student = { number: '33200003', name: 'Conn Cy' }
  const booked = slot('LAB C', 0, '09:15')
  await consoleUnit(request, {
    code: 'conn',
    students: [ann, ben, cy],
    slots: { rooms: ['LAB C'], start: '09:00', end: '09:30' },
  })

  // The page's WebSockets go through the test to the server. While the server is down, new ones
  // are refused before they open, as a failed handshake is.
  let down = false
  const sockets: { page: WebSocketRoute; server: WebSocketRoute }[] = []
  await page.routeWebSocket(/\/api\/ws$/, async (ws) => {
    if (down) return ws.close({ code: 1011, reason: 'unavailable' })
    sockets.push({ page: ws, server: ws.connectToServer() })
  })

  await signIn(page, ann)
  await live(page)
  const team = page.getByRole('row').filter({ hasText: `${ben.name} & ${cy.name}` })
  await expect(team).toHaveCount(0)
  await page.evaluate(() => ((window as unknown as { notReloaded: boolean }).notReloaded = true))
  const banner = page.getByRole('status').filter({ hasText: LOST })
  await expect(banner).toHaveCount(0)

  // The server's database goes down: every API call answers 503, and the live connection drops.
  down = true
  await page.route('**/api/**', (r) =>
    r.fulfill({
      status: 503,
      headers: { 'Retry-After': '1', 'Content-Type': 'application/problem+json' },
      body: JSON.stringify({
        type: 'about:blank',
        title: 'Service Unavailable',
        status: 503,
        detail: 'the database is not answering',
      }),
    }),
  )
  const probed = page.waitForRequest((r) => new URL(r.url()).pathname === '/api/health/ready')
  expect(sockets).toHaveLength(1)
  await sockets[0]?.server.close()
  await sockets[0]?.page.close({ code: 1001, reason: 'going away' })

  await expect(banner).toHaveText(LOST)
  await expect(banner).toHaveAttribute('aria-live', 'polite')
  await probed // it asks by itself whether the server is back
  await screenshots(page, 'student-connection-lost')

  // Meanwhile two other students pair up, through the API: nothing of it can reach the page.
  const token = await apiToken(request, ben)
  const made = await request.post(`/api/units/conn/students/${ben.number}/project`, {
    headers: auth(token),
    data: {
      partnerNumbers: [cy.number],
      description: 'Made while the page was cut off',
      lab_id: await labId(request, token, booked, 'conn'),
    },
  })
  expect(made.status(), await made.text()).toBe(201)
  await expect(banner).toHaveText(LOST)
  await expect(team).toHaveCount(0)

  // The server is back: the banner goes and the page shows the new team, without a reload.
  down = false
  await page.unroute('**/api/**')
  await expect(banner).toHaveCount(0)
  await expect(team).toContainText(booked)
  await expect(team).toContainText('Made while the page was cut off')
  await live(page)
  expect(await page.evaluate(() => (window as unknown as { notReloaded?: boolean }).notReloaded)).toBe(true)
})
