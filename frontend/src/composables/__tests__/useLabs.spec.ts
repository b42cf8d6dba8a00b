import { describe, expect, it } from 'vitest'

import { dayLabel, groupLabs, useLabs } from '@/composables/useLabs'
import { labs, UNIT } from '@/test/fixtures'
import { fakeNetwork, problem } from '@/test/network'

describe('groupLabs', () => {
  it('groups by day and room, days in order, slots in time order', () => {
    const groups = groupLabs(labs)
    expect(groups.map((g) => g.label)).toEqual([
      'CSSE 2.01, Thursday 20 May',
      'EZONE 1.24, Thursday 20 May',
      'CSSE 2.01, Friday 21 May',
    ])
    expect(groups[0]?.labs.map((l) => l.lab_id)).toEqual([1, 2])
  })

  it('has nothing to group for no slots', () => {
    expect(groupLabs([])).toEqual([])
  })

  it('writes days the way students read them', () => {
    expect(dayLabel('2027-05-20')).toBe('Thursday 20 May')
    expect(dayLabel('nonsense')).toBe('nonsense')
  })
})

describe('useLabs', () => {
  it('loads the free slots', async () => {
    fakeNetwork({ 'GET /api/units/default/labs': { status: 200, body: { available_labs: labs } } })
    const l = useLabs(UNIT)
    const loading = l.load()
    expect(l.status.value).toBe('loading')
    await loading
    expect(l.status.value).toBe('done')
    expect(l.labs.value).toEqual(labs)
  })

  it('says when they cannot be loaded', async () => {
    fakeNetwork({ 'GET /api/units/default/labs': problem(500, 'boom') })
    const l = useLabs(UNIT)
    await l.load()
    expect(l.status.value).toBe('error')
    expect(l.error.value).toMatch(/^Could not load the free lab slots\. /)
  })
})
