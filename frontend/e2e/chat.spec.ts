import type { Page } from '@playwright/test'

import { apiToken, expect, live, partScreenshots, screenshots, signIn, slot, student, test } from './fixtures'

const chat = (page: Page) => page.getByRole('region', { name: 'Chat' })
const log = (page: Page) => chat(page).getByRole('log')

/** "Message" names the input alone, by a label the student can see (not the log, nor anything else). */
async function expectOneMessageField(page: Page): Promise<void> {
  await expect(page.getByLabel('Message')).toHaveCount(1)
  await expect(page.getByLabel('Message')).toHaveAttribute('name', 'message')
  await expect(chat(page).getByRole('textbox', { name: 'Message', exact: true })).toBeVisible()
  await expect(chat(page).locator('label', { hasText: 'Message' })).toBeVisible()
}

async function say(page: Page, text: string): Promise<void> {
  const input = chat(page).getByRole('textbox', { name: 'Message' })
  await input.fill(text)
  await input.press('Enter')
  await expect(input).toHaveValue('')
}

test('partners chat in their team room; a third student can neither see nor join it', async ({
  page,
  openPage,
  request,
}) => {
  const john = student(21)
  const sophie = student(22)
  const butler = student(23)
  const secret = 'Meet at the lab at ten, bring the <b>board</b>'

  // The partner and the third student are on the page before the team exists.
  const partner = await openPage()
  await signIn(partner, sophie)
  const third = await openPage()
  // The third student's page keeps its own socket, through which the test also speaks for it.
  const thirdFrames: { type: string; code?: string; room?: string; msg?: string }[] = []
  let thirdSocket: { send: (m: string) => void } | undefined
  await third.routeWebSocket(/\/api\/ws$/, (ws) => {
    const server = ws.connectToServer()
    thirdSocket = server
    server.onMessage((m) => {
      thirdFrames.push(JSON.parse(String(m)) as (typeof thirdFrames)[number])
      ws.send(m)
    })
  })
  await signIn(third, butler)
  await signIn(page, john)
  await Promise.all([live(page), live(partner), live(third)])

  await page.getByLabel("Partner's student number").fill(sophie.number)
  await page.getByLabel('Project description').fill('Lisp, on a whiteboard')
  await page.getByLabel('Demonstration lab').selectOption({ label: slot('CSSE 2.01', 1, '10:30') })
  await page.getByRole('button', { name: 'Create project' }).click()
  await expect(page.getByRole('status').filter({ hasText: 'Project created' })).toBeVisible()

  // Both partners get a Team room (the partner without reloading); the third student does not.
  for (const p of [page, partner]) {
    await chat(p).getByRole('tab', { name: 'Team' }).click()
    await expect(chat(p).getByRole('tab', { name: 'Team' })).toHaveAttribute('aria-selected', 'true')
    await expect(log(p)).toHaveAccessibleName('Team conversation')
    await expect(log(p)).not.toContainText('Joining')
  }
  await expect(chat(third).getByRole('tab')).toHaveText(['Lobby'])

  // The partner entered after John, who sees them come in.
  await expect(log(page)).toContainText(`${sophie.name} has entered the room.`)
  await say(page, secret)
  const line = log(partner).getByRole('listitem').filter({ hasText: secret })
  await expect(line).toContainText(john.name)
  await expect(line.locator('time')).toHaveAttribute('datetime', /^\d{4}-\d\d-\d\dT/)
  await expect(log(partner).locator('b')).toHaveCount(0)
  await say(partner, 'See you there.')
  await expect(log(page).getByRole('listitem').filter({ hasText: 'See you there.' })).toContainText(sophie.name)

  // The third student crafts a join for the team room on their page's own socket: refused.
  const token = await apiToken(request, john)
  const res = await request.get(`/api/students/${john.number}/project`, {
    headers: { Authorization: `Bearer ${token}` },
  })
  const { pid } = (await res.json()) as { pid: number }
  expect(thirdSocket).toBeDefined()
  thirdSocket?.send(JSON.stringify({ type: 'join', room: `team-${pid}` }))
  await expect.poll(() => thirdFrames.find((f) => f.type === 'error')?.code).toBe('forbidden')
  await expect(chat(third).getByRole('alert')).toHaveText('Only the members of a team may join its room.')
  await say(page, 'Another secret')
  await expect(log(partner)).toContainText('Another secret')
  expect(thirdFrames.filter((f) => f.room === `team-${pid}`)).toEqual([])
  await expect(third.getByText(secret)).toHaveCount(0)
  await expect(third.getByText('Another secret')).toHaveCount(0)
  // With messages in the log and both tabs there, on the home page as a whole.
  await expectOneMessageField(page)

  await screenshots(partner, 'home-chat')
  await partScreenshots(partner, chat(partner), 'chat-panel')
})

test('the lobby shows who enters and leaves', async ({ page, openPage }) => {
  const jean = student(24)
  const fran = student(25)

  await signIn(page, jean)
  await live(page)
  await expect(log(page)).toContainText(`${jean.name} has entered the room.`)

  const other = await openPage()
  await signIn(other, fran)
  await expect(log(page)).toContainText(`${fran.name} has entered the room.`)
  await say(other, 'Hello, lobby')
  await expect(log(page).getByRole('listitem').filter({ hasText: 'Hello, lobby' })).toContainText(fran.name)

  // Entering and leaving are status lines, set apart from messages.
  const status = log(page)
    .getByRole('listitem')
    .filter({ hasText: `${fran.name} has entered the room.` })
  await expect(status).toHaveClass(/status/)
  await expect(status.locator('time')).toHaveCount(0)

  await expectOneMessageField(page)
  await other.close()
  await expect(log(page)).toContainText(`${fran.name} has left the room.`)
  await partScreenshots(page, chat(page), 'chat-lobby')
})
