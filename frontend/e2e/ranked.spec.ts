import type { Page } from '@playwright/test'

import { COORDINATOR, expect, live, partScreenshots, RANKED, screenshots, signIn, slot, test } from './fixtures'

const panel = (page: Page) => page.getByRole('region', { name: 'Rank the slots' })

/** Adds the slot to the page's ranking through the "Add a slot" picker. */
async function add(page: Page, label: string): Promise<void> {
  await panel(page).getByLabel('Add a slot').selectOption({ label })
  await panel(page).getByRole('button', { name: 'Add', exact: true }).click()
}

test('a ranked unit: the teams rank slots, the coordinator allocates from the console, and the students see their slots', async ({
  page,
  openPage,
}) => {
  const at1100 = slot('CSSE 3.01', 0, '11:00')
  const at1115 = slot('CSSE 3.01', 0, '11:15')
  const at1130 = slot('CSSE 3.01', 0, '11:30')

  // Ann ranks 11:00, then moves 11:15 above it, and saves.
  await signIn(page, RANKED.ann)
  await expect(page).toHaveURL(/\/u\/ranked$/)
  await expect(panel(page).getByText('Your team has not ranked any slots yet.')).toBeVisible()
  await add(page, at1100)
  await add(page, at1115)
  await panel(page)
    .getByRole('button', { name: `Move ${at1115} up` })
    .click()
  await expect(panel(page).getByRole('listitem').locator('.lab')).toHaveText([at1115, at1100])
  await panel(page).getByRole('button', { name: 'Save ranking' }).click()
  await expect(panel(page).getByRole('status')).toHaveText('Ranking saved: 2 slots, best first.')
  await live(page)

  // Cy, in a browser of his own, ranks 11:15 then 11:30 with the keyboard.
  const cy = await openPage()
  await signIn(cy, RANKED.cy)
  await add(cy, at1115)
  await panel(cy).getByLabel('Add a slot').focus()
  await panel(cy).getByLabel('Add a slot').selectOption({ label: at1130 })
  await cy.keyboard.press('Tab')
  await cy.keyboard.press('Enter')
  await expect(panel(cy).getByRole('listitem').locator('.lab')).toHaveText([at1115, at1130])
  await panel(cy).getByRole('button', { name: 'Save ranking' }).press('Enter')
  await expect(panel(cy).getByRole('status')).toHaveText('Ranking saved: 2 slots, best first.')
  await live(cy)
  // A student cannot book a slot of a ranked unit; the ranking is the way.
  await screenshots(cy, 'student-ranked-ranking')

  // The coordinator allocates now from the console, with a seed.
  const coord = await openPage()
  await signIn(coord, COORDINATOR)
  await coord.goto('/u/ranked/admin')
  const section = coord.getByRole('region', { name: 'Ranked allocation', exact: true })
  await section.getByLabel('Seed (optional)').fill('7')
  await section.getByRole('button', { name: 'Allocate now' }).click()
  await coord
    .getByRole('dialog', { name: 'Allocate the slots now?' })
    .getByRole('button', { name: 'Allocate', exact: true })
    .click()
  await expect(section.getByRole('status')).toHaveText('Allocated: 2 of 2 teams booked.')
  await expect(section.locator('.seed-value')).toHaveText('7')
  // Both wanted 11:15 first: one got it, the other its second choice.
  const table = section.getByRole('table', { name: 'Rank distribution' })
  await expect(table.getByRole('row')).toHaveText([
    'OutcomeTeams',
    '1st choice1',
    '2nd choice1',
    'A slot not ranked0',
    'No slot0',
  ])
  await partScreenshots(coord, section, 'console-ranked-allocation')

  // Each student sees, live, the slot the team got and its rank.
  const annResult = panel(page).locator('.result')
  const cyResult = panel(cy).locator('.result')
  await expect(annResult).toHaveText(/^Your team got CSSE 3\.01 .* \(your (1st|2nd) choice\)\.$/)
  await expect(cyResult).toHaveText(/^Your team got CSSE 3\.01 .* \(your (1st|2nd) choice\)\.$/)
  if ((await annResult.textContent())?.includes('1st')) {
    await expect(annResult).toHaveText(`Your team got ${at1115} (your 1st choice).`)
    await expect(cyResult).toHaveText(`Your team got ${at1130} (your 2nd choice).`)
  } else {
    await expect(annResult).toHaveText(`Your team got ${at1100} (your 2nd choice).`)
    await expect(cyResult).toHaveText(`Your team got ${at1115} (your 1st choice).`)
  }
  await expect(panel(page).getByRole('button', { name: 'Save ranking' })).toHaveCount(0)
  await screenshots(page, 'student-ranked-result')
})
