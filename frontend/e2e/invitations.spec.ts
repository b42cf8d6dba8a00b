import type { Page } from '@playwright/test'

import { expect, INVITE, live, screenshots, signIn, test } from './fixtures'

const mine = (page: Page) => page.getByRole('region', { name: 'My project' })
const invitations = (page: Page) => page.getByRole('region', { name: 'Invitations' })

test('an invitation reaches the invitee live in a second browser, who accepts it; the team of two shows', async ({
  page,
  openPage,
}) => {
  const { ava, bea } = INVITE
  // Bea is signed in first, in a browser of her own, and waits.
  const beaPage = await openPage()
  await signIn(beaPage, bea)
  await expect(beaPage).toHaveURL(/\/u\/invite$/)
  await live(beaPage)
  await expect(invitations(beaPage).getByText('No invitations to you.')).toBeVisible()

  // Ava forms a project naming Bea: in this unit Bea is invited, and no slot is booked yet.
  await signIn(page, ava)
  await live(page)
  await expect(mine(page).getByText('The students you name are invited')).toBeVisible()
  await expect(mine(page).getByText('Your team books a demonstration slot once it has 2 members.')).toBeVisible()
  await mine(page).getByLabel("Partner's student number").fill(bea.number)
  await mine(page).getByLabel('Project description').fill('A trie for autocomplete')
  await mine(page).getByRole('button', { name: 'Create project' }).click()
  await expect(mine(page).getByRole('status')).toHaveText(
    'Project created. Your invitations are sent. Your team has no demonstration slot yet.',
  )
  await expect(
    invitations(page)
      .getByRole('listitem')
      .filter({ hasText: `Invited ${bea.name}` }),
  ).toContainText('Waiting for an answer')

  // Bea sees it without reloading, and accepts with the keyboard.
  const received = invitations(beaPage)
    .getByRole('listitem')
    .filter({ hasText: `${ava.name} invited you` })
  await expect(received).toBeVisible()
  await screenshots(beaPage, 'student-invitation-received')
  await received.getByRole('button', { name: 'Accept' }).focus()
  await beaPage.keyboard.press('Enter')
  await expect(invitations(beaPage).getByRole('status')).toHaveText(`You joined the team ${ava.name} & ${bea.name}.`)
  await expect(received).toContainText('Accepted.')
  await expect(mine(beaPage).getByRole('button', { name: 'Leave team' })).toBeVisible()

  // Ava's page shows the team of two, live, and the invitation accepted.
  await expect(mine(page).getByText(`${ava.name} & ${bea.name}`)).toBeVisible()
  await expect(
    invitations(page)
      .getByRole('listitem')
      .filter({ hasText: `Invited ${bea.name}` }),
  ).toContainText('Accepted.')
})
