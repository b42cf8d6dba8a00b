import type { VueWrapper } from '@vue/test-utils'
import { describe, expect, it } from 'vitest'

import { mountInApp, settle } from '@/test/app'
import { fakeNetwork, problem } from '@/test/network'
import SignInView from '@/views/SignInView.vue'

function control(w: VueWrapper, name: string) {
  const label = w.findAll('label').find((l) => l.text() === name)
  if (!label) throw new Error(`no label ${name}`)
  return w.get(`#${label.attributes('for')}`)
}

async function submit(w: VueWrapper, number: string, pin: string) {
  await control(w, 'Student number').setValue(number)
  await control(w, 'PIN').setValue(pin)
  await w.get('form').trigger('submit')
  await settle()
}

const ok = {
  'POST /api/tokens': { status: 200, body: { token: 'tok', expiry: '2099-01-01T00:00:00Z' } },
  'GET /api/me': { status: 200, body: { id: '21234567', name: 'Ada Lovelace', site_admin: false, units: [] } },
  // The home page that sign-in goes to finds the student's units.
  'GET /api/units': { status: 200, body: { units: [] } },
}

describe('SignInView', () => {
  it('asks for student number and PIN, starting in the first field', async () => {
    fakeNetwork()
    const { wrapper } = await mountInApp(SignInView)
    expect(wrapper.get('h1').text()).toBe('Sign in')
    expect(control(wrapper, 'PIN').attributes('type')).toBe('password')
    expect(control(wrapper, 'Student number').attributes('autocomplete')).toBe('username')
    expect(wrapper.get('button[type="submit"]').text()).toBe('Sign in')
    expect(document.activeElement).toBe(control(wrapper, 'Student number').element)
  })

  it('signs in and goes to the projects', async () => {
    const net = fakeNetwork({ ...ok })
    const { wrapper, router, session } = await mountInApp(SignInView)
    await submit(wrapper, '21234567', '1234')
    const request = net.calls('POST /api/tokens')[0]
    expect(request?.headers.get('Authorization')).toBe(`Basic ${btoa('21234567:1234')}`)
    expect(request?.credentials).toBe('omit')
    expect(session.current).toMatchObject({ token: 'tok', studentNumber: '21234567', name: 'Ada Lovelace' })
    expect(router.currentRoute.value.name).toBe('home')
  })

  it('checks the fields before asking the server', async () => {
    const net = fakeNetwork()
    const { wrapper } = await mountInApp(SignInView)
    await submit(wrapper, '1234', '')
    expect(net.seen).toHaveLength(0)
    expect(control(wrapper, 'Student number').attributes('aria-invalid')).toBe('true')
    expect(wrapper.get('#sign-in-number-error').text()).toBe('Enter your 8-digit student number.')
    expect(wrapper.get('#sign-in-pin-error').text()).toBe('Enter your PIN.')
    expect(document.activeElement).toBe(control(wrapper, 'Student number').element)
    // Announced once, by the alert region; the complaints next to the fields are not live regions.
    expect(wrapper.get('[role="alert"]').text()).toBe('Please correct the fields marked above.')
    expect(wrapper.findAll('.field-error[role], .field-error[aria-live]')).toHaveLength(0)
  })

  it('announces a complaint about the field that has the focus already', async () => {
    const net = fakeNetwork({
      'POST /api/tokens': {
        ...problem(401, 'unknown student number or wrong PIN'),
        headers: { 'WWW-Authenticate': 'Basic realm="pairup"' },
      },
    })
    const { wrapper } = await mountInApp(SignInView)
    await submit(wrapper, '21234567', '9999')
    const pin = control(wrapper, 'PIN')
    expect(document.activeElement).toBe(pin.element)
    // Enter again in the emptied PIN field: focusing it would say nothing, the alert region does.
    await wrapper.get('form').trigger('submit')
    await settle()
    expect(pin.attributes('aria-invalid')).toBe('true')
    expect(document.activeElement).toBe(pin.element)
    expect(wrapper.get('[role="alert"]').text()).toBe('Please correct the fields marked above.')
    expect(net.calls('POST /api/tokens')).toHaveLength(1)
  })

  it('says so inline on a wrong PIN, clears the PIN and focuses it', async () => {
    fakeNetwork({
      'POST /api/tokens': {
        ...problem(401, 'unknown student number or wrong PIN'),
        headers: { 'WWW-Authenticate': 'Basic realm="pairup"' },
      },
    })
    const { wrapper, router } = await mountInApp(SignInView)
    await submit(wrapper, '21234567', '9999')
    expect(wrapper.get('[role="alert"]').text()).toBe('Wrong student number or PIN.')
    expect((control(wrapper, 'PIN').element as HTMLInputElement).value).toBe('')
    expect(document.activeElement).toBe(control(wrapper, 'PIN').element)
    expect(router.currentRoute.value.name).toBe('sign-in')
  })

  it('shows the wait when throttled', async () => {
    fakeNetwork({ 'POST /api/tokens': { ...problem(429, 'too many'), headers: { 'Retry-After': '840' } } })
    const { wrapper } = await mountInApp(SignInView)
    await submit(wrapper, '21234567', '1234')
    expect(wrapper.get('[role="alert"]').text()).toBe('Too many failed attempts. Try again in 14 minutes.')
  })

  it('says when the server cannot be reached', async () => {
    fakeNetwork({ 'POST /api/tokens': 'offline' })
    const { wrapper } = await mountInApp(SignInView)
    await submit(wrapper, '21234567', '1234')
    expect(wrapper.get('[role="alert"]').text()).toBe(
      'Cannot reach the Pair-Up server. Check your connection and try again.',
    )
  })

  it('shows why the student is here and ties it to the first field', async () => {
    fakeNetwork()
    const { wrapper, session } = await mountInApp(SignInView, { route: '/sign-in' })
    session.end('Your session has ended. Please sign in again.')
    await settle()
    expect(wrapper.get('[role="status"]').text()).toBe('Your session has ended. Please sign in again.')
    expect(control(wrapper, 'Student number').attributes('aria-describedby')).toBe('sign-in-notice')
  })
})
