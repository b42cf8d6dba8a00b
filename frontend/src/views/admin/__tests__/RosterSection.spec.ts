import { describe, expect, it, vi } from 'vitest'

import { saver, type RosterReport, type RosterRow } from '@/api'
import { settle } from '@/test/app'
import { consoleRoutes, coordinatorSession, me, mountConsole } from '@/test/console'
import { button, control, section } from '@/test/dom'
import { fakeNetwork, problem } from '@/test/network'

const row = (line: number, n: string, name: string, pin: string | null = null): RosterRow => ({
  line,
  student_number: n,
  name,
  role: 'student',
  email: null,
  pin,
  note: null,
})

const empty: RosterReport = { applied: false, add: [], update: [], unchanged: [], remove: [], errors: [] }
const BAD = 'student_number,name,pin,role\n21234567,Ada Lovelace,,student\n2123,Bad Line,,student\n'
const GOOD = 'student_number,name,pin,role\n21234567,Ada Lovelace,,student\n21234569,Grace Hopper,,student\n'

const withErrors: RosterReport = {
  ...empty,
  add: [row(2, '21234567', 'Ada Lovelace')],
  errors: [{ line: 3, message: 'student_number "2123" is not 8 digits' }],
}
const clean: RosterReport = {
  ...empty,
  add: [row(2, '21234567', 'Ada Lovelace'), row(3, '21234569', 'Grace Hopper')],
  unchanged: [row(4, '21234570', 'Alan Turing')],
  remove: [row(0, '21234580', 'Gone Student')],
}
const applied: RosterReport = {
  ...clean,
  applied: true,
  add: [row(2, '21234567', 'Ada Lovelace', '493027'), row(3, '21234569', 'Grace Hopper', '118822')],
}

async function open(routes = {}) {
  const net = fakeNetwork({ ...consoleRoutes(), ...routes })
  const mounted = await mountConsole()
  return { net, ...mounted, s: () => section(mounted.wrapper, 'Roster') }
}

describe('the console roster', () => {
  it('previews a file with a bad line: the line is listed and announced, and it cannot be applied', async () => {
    const { net, s } = await open({ 'POST /api/units/default/roster/preview': { status: 200, body: withErrors } })
    expect(button(s(), 'Apply roster').element.disabled).toBe(true)
    await control(s(), 'Roster (CSV)').setValue(BAD)
    await button(s(), 'Preview roster').trigger('click')
    await settle()

    const [sent] = net.calls('POST /api/units/default/roster/preview')
    expect(sent?.body).toBe(BAD)
    expect(sent?.headers.get('Content-Type')).toBe('text/csv')
    expect(sent?.headers.get('Authorization')).toBe('Bearer token-grace')
    expect(s().get('.form-error[role="alert"]').text()).toBe(
      'The file has 1 error: line 3: student_number "2123" is not 8 digits. Fix it and preview again.',
    )
    const errors = s().get('.line-errors')
    expect(errors.findAll('li').map((l) => l.text())).toEqual(['Line 3: student_number "2123" is not 8 digits'])
    expect(document.activeElement).toBe(errors.element)
    expect(button(s(), 'Apply roster').element.disabled).toBe(true)
  })

  it('previews the fixed file, applies it with removals, and shows the new PINs once', async () => {
    const { net, s } = await open({
      'POST /api/units/default/roster/preview': { status: 200, body: clean },
      'POST /api/units/default/roster': { status: 200, body: { ...applied, remove: clean.remove } },
    })
    await control(s(), 'Roster (CSV)').setValue(GOOD)
    await button(s(), 'Preview roster').trigger('click')
    await settle()
    expect(s().get('.notice[role="status"]').text()).toBe(
      'Preview: 2 to add, 0 to update, 1 unchanged, 1 missing from the file. Nothing has changed yet.',
    )
    expect(
      s()
        .findAll('summary')
        .map((x) => x.text()),
    ).toEqual(['To add (2)', 'Unchanged (1)', 'Missing from the file (1)'])
    expect(s().get('.rows-add').text()).toContain('Line 2: 21234567 Ada Lovelace (student)')
    expect(button(s(), 'Apply roster').element.disabled).toBe(false)

    // An edit after the preview needs a new preview.
    await control(s(), 'Roster (CSV)').setValue(`${GOOD}21234571,Edsger Dijkstra,,student\n`)
    expect(button(s(), 'Apply roster').element.disabled).toBe(true)
    await control(s(), 'Roster (CSV)').setValue(GOOD)
    expect(button(s(), 'Apply roster').element.disabled).toBe(false)

    await control(s(), 'Also remove students missing from the file').setValue(true)
    await button(s(), 'Apply roster').trigger('click')
    await settle()
    const [sent] = net.calls('POST /api/units/default/roster')
    expect(sent?.query).toEqual({ remove: 'true' })
    expect(sent?.body).toBe(GOOD)
    expect(s().get('.notice[role="status"]').text()).toBe(
      'Roster applied: 2 added, 0 updated, 1 removed. 2 students got a new PIN: see below.',
    )
    const pins = s()
      .findAll('.pins tbody tr')
      .map((r) => r.findAll('td').map((d) => d.text()))
    expect(pins).toEqual([
      ['Ada Lovelace', '21234567', '493027'],
      ['Grace Hopper', '21234569', '118822'],
    ])
    expect(s().text()).toContain('Shown only this once')
    expect(button(s(), 'Apply roster').element.disabled).toBe(true)
    // The overview, slots and teams are refetched.
    expect(net.calls('GET /api/units/default/overview')).toHaveLength(2)
  })

  it('applies without removals unless asked', async () => {
    const { net, s } = await open({
      'POST /api/units/default/roster/preview': { status: 200, body: clean },
      'POST /api/units/default/roster': { status: 200, body: applied },
    })
    await control(s(), 'Roster (CSV)').setValue(GOOD)
    await button(s(), 'Preview roster').trigger('click')
    await settle()
    await button(s(), 'Apply roster').trigger('click')
    await settle()
    expect(net.calls('POST /api/units/default/roster')[0]?.query).toEqual({})
    expect(
      s()
        .findAll('summary')
        .map((x) => x.text()),
    ).toContain('Missing from the file (kept) (1)')
  })

  it('reads a chosen file into the text', async () => {
    const { s } = await open()
    const input = s().get('#roster-file')
    const file = new File([GOOD], 'roster.csv', { type: 'text/csv' })
    Object.defineProperty(input.element, 'files', { value: [file] })
    await input.trigger('change')
    await settle()
    expect((control(s(), 'Roster (CSV)').element as unknown as HTMLTextAreaElement).value).toBe(GOOD)
  })

  it('downloads the new PINs as CSV and prints one slip per student', async () => {
    const { s } = await open({
      'POST /api/units/default/roster/preview': { status: 200, body: clean },
      'POST /api/units/default/roster': { status: 200, body: applied },
    })
    await control(s(), 'Roster (CSV)').setValue(GOOD)
    await button(s(), 'Preview roster').trigger('click')
    await settle()
    await button(s(), 'Apply roster').trigger('click')
    await settle()

    const save = vi.spyOn(saver, 'save').mockImplementation(() => {})
    await button(s(), 'Download PINs (CSV)').trigger('click')
    const [blob, name] = save.mock.calls[0]!
    expect(name).toBe('default-pins.csv')
    expect(await blob.text()).toBe(
      'student_number,name,pin,unit\r\n' +
        '21234567,Ada Lovelace,493027,CITS3403 Agile Web Development\r\n' +
        '21234569,Grace Hopper,118822,CITS3403 Agile Web Development\r\n',
    )

    const slips = s().findAll('.pin-slips .slip')
    const parts = (x: (typeof slips)[number]) => x.findAll('p, dt, dd').map((e) => e.text())
    expect(slips.map(parts)).toEqual([
      [
        'CITS3403 Agile Web Development',
        'Ada Lovelace',
        'Student number',
        '21234567',
        'PIN',
        '493027',
        'Sign in at http://localhost:5173 with your student number and this PIN.',
      ],
      expect.arrayContaining(['Grace Hopper', '21234569', '118822']),
    ])
    let printing = false
    const print = vi.fn(() => void (printing = document.body.classList.contains('printing-slips')))
    vi.stubGlobal('print', print)
    await button(s(), 'Print PIN slips').trigger('click')
    expect(print).toHaveBeenCalledTimes(1)
    expect(printing).toBe(true)
    window.dispatchEvent(new Event('afterprint'))
    expect(document.body.classList.contains('printing-slips')).toBe(false)
  })

  it('resets one PIN, shown once, and enrols and unenrols one student', async () => {
    const { net, s } = await open({
      'POST /api/units/default/students/21234567/pin': { status: 200, body: { id: '21234567', pin: '555111' } },
      'PUT /api/units/default/enrolments/21234599': {
        status: 200,
        body: { id: '21234599', name: 'New Person', role: 'student', email: null, pin: '777333' },
      },
      'DELETE /api/units/default/enrolments/21234599': { status: 204 },
    })
    await button(s(), 'Reset PIN').trigger('click')
    expect(s().get('.one .form-error').text()).toBe('Please correct the student number.')
    expect(control(s(), 'Student number').attributes('aria-invalid')).toBe('true')
    expect(net.calls('POST /api/units/default/students/21234567/pin')).toHaveLength(0)

    await control(s(), 'Student number').setValue('21234567')
    await button(s(), 'Reset PIN').trigger('click')
    await settle()
    expect(s().get('.one .notice').text()).toBe('New PIN for 21234567: 555111. It is shown only once.')

    await control(s(), 'Student number').setValue('21234599')
    await control(s(), 'Name').setValue('New Person')
    await s().get('form.one').trigger('submit')
    await settle()
    expect(net.calls('PUT /api/units/default/enrolments/21234599')[0]?.body).toEqual({
      role: 'student',
      name: 'New Person',
    })
    expect(s().get('.one .notice').text()).toBe(
      'New Person (21234599) is enrolled as student. Their new PIN is listed below.',
    )
    expect(
      s()
        .findAll('.pins tbody tr')
        .map((r) => r.findAll('td')[2]?.text()),
    ).toEqual(['555111', '777333'])

    await button(s(), 'Unenrol').trigger('click')
    await button(s().get('dialog'), 'Unenrol').trigger('click')
    await settle()
    expect(net.calls('DELETE /api/units/default/enrolments/21234599')).toHaveLength(1)
    expect(s().get('.one .notice').text()).toBe('21234599 is no longer enrolled in this unit.')
  })

  it('lets a site admin appoint a coordinator, and shows the server’s complaint', async () => {
    const net = fakeNetwork({
      ...consoleRoutes(),
      'GET /api/me': { status: 200, body: me(true) },
      'PUT /api/units/default/enrolments/21234598': problem(409, 'a member of a team cannot be a coordinator'),
    })
    const { wrapper } = await mountConsole({ ...coordinatorSession, siteAdmin: true })
    const s = section(wrapper, 'Roster')
    await control(s, 'Student number').setValue('21234598')
    await control(s, 'Role').setValue('coordinator')
    await s.get('form.one').trigger('submit')
    await settle()
    expect(net.calls('PUT /api/units/default/enrolments/21234598')[0]?.body).toEqual({ role: 'coordinator' })
    expect(s.get('.one .form-error').text()).toBe(
      'Could not enrol the student. A member of a team cannot be a coordinator.',
    )
  })
})
