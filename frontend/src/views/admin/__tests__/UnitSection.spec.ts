import { describe, expect, it } from 'vitest'

import { settle } from '@/test/app'
import { consoleRoutes, me, mountConsole, perthUnit } from '@/test/console'
import { button, control, section } from '@/test/dom'
import { fakeNetwork } from '@/test/network'

describe('the console unit section', () => {
  it('archives the unit after asking', async () => {
    const archived = { ...perthUnit, archived: true }
    const net = fakeNetwork({ ...consoleRoutes(), 'POST /api/units/default/archive': { status: 200, body: archived } })
    const { wrapper } = await mountConsole()
    const s = () => section(wrapper, 'Unit')
    await button(s(), 'Archive unit').trigger('click')
    net.routes['GET /api/units/default'] = { status: 200, body: archived }
    await button(s().get('dialog'), 'Archive').trigger('click')
    await settle()
    expect(net.calls('POST /api/units/default/archive')).toHaveLength(1)
    expect(s().get('.notice').text()).toBe('The unit is archived: it is read-only for everyone now.')
    expect(wrapper.get('.archived').text()).toBe('This unit is archived: it is read-only for everyone.')
  })

  it('deletes the unit only once its code is typed, then goes to the person’s units', async () => {
    const net = fakeNetwork({ ...consoleRoutes(), 'DELETE /api/units/default': { status: 204 } })
    const { wrapper, router } = await mountConsole()
    const s = () => section(wrapper, 'Unit')
    await control(s(), "Type the unit's code (default) to confirm").setValue('defualt')
    expect(button(s(), 'Delete unit').attributes('aria-disabled')).toBe('true')
    await s().get('form.delete').trigger('submit')
    expect(s().get('.form-error').text()).toBe('Could not delete the unit. Type its code, default, to confirm.')
    expect(net.calls('DELETE /api/units/default')).toHaveLength(0)

    await control(s(), "Type the unit's code (default) to confirm").setValue('default')
    net.routes['GET /api/me'] = { status: 200, body: { ...me(), units: [] } }
    net.routes['GET /api/units'] = { status: 200, body: { units: [] } }
    await s().get('form.delete').trigger('submit')
    await settle()
    expect(net.calls('DELETE /api/units/default')[0]?.query).toEqual({ confirm: 'default' })
    expect(router.currentRoute.value.name).toBe('home')
  })
})
