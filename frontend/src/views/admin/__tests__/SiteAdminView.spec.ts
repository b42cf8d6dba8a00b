import { describe, expect, it } from 'vitest'

import { mountInApp, settle } from '@/test/app'
import { coordinatorSession, me, perthUnit } from '@/test/console'
import { button, control } from '@/test/dom'
import { fakeNetwork, problem } from '@/test/network'
import SiteAdminView from '@/views/admin/SiteAdminView.vue'

const admin = { ...coordinatorSession, siteAdmin: true }

describe('SiteAdminView', () => {
  it('lists every unit with a link to its console', async () => {
    fakeNetwork({
      'GET /api/me': { status: 200, body: me(true) },
      'GET /api/units': { status: 200, body: { units: [perthUnit, { ...perthUnit, code: 'old', archived: true }] } },
    })
    const { wrapper } = await mountInApp(SiteAdminView, { session: admin, route: '/admin' })
    const links = wrapper.findAll('.units a')
    expect(links.map((a) => a.attributes('href'))).toEqual(['/u/default/admin', '/u/old/admin'])
    expect(wrapper.get('.units').text()).toContain('old, archived')
  })

  it('creates a unit and opens its console', async () => {
    const net = fakeNetwork({
      'GET /api/me': { status: 200, body: me(true) },
      'GET /api/units': { status: 200, body: { units: [] } },
      'POST /api/units': { status: 201, body: { ...perthUnit, code: 'cits9999' } },
    })
    const { wrapper, router } = await mountInApp(SiteAdminView, { session: admin, route: '/admin' })
    await button(wrapper, 'Create unit').trigger('click')
    await wrapper.get('form').trigger('submit')
    expect(wrapper.get('form .form-error').text()).toBe('Please correct the fields marked below.')
    expect(control(wrapper, 'Code').attributes('aria-invalid')).toBe('true')
    expect(net.calls('POST /api/units')).toHaveLength(0)

    await control(wrapper, 'Code').setValue('cits9999')
    await control(wrapper, 'Title').setValue('CITS9999 A New Unit')
    await control(wrapper, 'Time zone').setValue('Australia/Perth')
    await wrapper.get('form').trigger('submit')
    await settle()
    expect(net.calls('POST /api/units')[0]?.body).toEqual({
      code: 'cits9999',
      title: 'CITS9999 A New Unit',
      timezone: 'Australia/Perth',
    })
    expect(router.currentRoute.value.fullPath).toBe('/u/cits9999/admin')
  })

  it('shows a taken code next to the field', async () => {
    fakeNetwork({
      'GET /api/me': { status: 200, body: me(true) },
      'GET /api/units': { status: 200, body: { units: [] } },
      'POST /api/units': problem(409, 'code: a unit with this code exists', [
        { field: 'code', message: 'a unit with this code exists' },
      ]),
    })
    const { wrapper } = await mountInApp(SiteAdminView, { session: admin, route: '/admin' })
    await control(wrapper, 'Code').setValue('default')
    await control(wrapper, 'Title').setValue('Again')
    await wrapper.get('form').trigger('submit')
    await settle()
    expect(wrapper.get('#new-code-error').text()).toBe('A unit with this code exists.')
    expect(document.activeElement).toBe(control(wrapper, 'Code').element)
  })

  it('is for site admins only', async () => {
    fakeNetwork({ 'GET /api/me': { status: 200, body: me(false) } })
    const { wrapper } = await mountInApp(SiteAdminView, { session: coordinatorSession, route: '/admin' })
    expect(wrapper.get('[role="alert"]').text()).toBe('Only site admins can see this page.')
  })
})
