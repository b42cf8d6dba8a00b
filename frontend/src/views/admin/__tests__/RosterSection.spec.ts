import type { DOMWrapper } from '@vue/test-utils'
import { describe, expect, it, vi } from 'vitest'

import { saver, type RosterReport, type RosterRow } from '@/api'
import { settle } from '@/test/app'
import { consoleRoutes, coordinatorSession, me, mountConsole, person, roster } from '@/test/console'
import { button, control, section } from '@/test/dom'
import { fakeNetwork, problem, type Reply } from '@/test/network'

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
    expect(s().get('.import .form-error[role="alert"]').text()).toBe(
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
    expect(s().get('.import .notice[role="status"]').text()).toBe(
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
    expect(s().get('.import .notice[role="status"]').text()).toBe(
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

  it('enrols one person by number, their new PIN listed once, and shows the roster again', async () => {
    const { net, s } = await open({
      'PUT /api/units/default/enrolments/21234599': {
        status: 200,
        body: { id: '21234599', name: 'New Person', role: 'student', email: null, pin: '777333' },
      },
    })
    expect(
      s()
        .findAll('form.one button')
        .map((b) => b.text()),
    ).toEqual(['Enrol'])
    await s().get('form.one').trigger('submit')
    expect(s().get('.one .form-error').text()).toBe('Please correct the student number.')
    expect(control(s(), 'Student number').attributes('aria-invalid')).toBe('true')
    expect(document.activeElement).toBe(control(s(), 'Student number').element)

    await control(s(), 'Student number').setValue('21234599')
    await control(s(), 'Name').setValue('New Person')
    net.routes['GET /api/units/default/roster'] = {
      status: 200,
      body: { people: [...roster, person('21234599', 'New Person')] },
    }
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
        .map((r) => r.findAll('td').map((d) => d.text())),
    ).toEqual([['New Person', '21234599', '777333']])
    expect(net.calls('GET /api/units/default/roster')).toHaveLength(2)
    expect(names(s())).toContain('New Person')
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

/** The roster table's rows, each as its cells' texts (the name is the row's header). */
function rows(s: DOMWrapper<Element>): string[][] {
  return s.findAll('.people-table tbody tr').map((r) => r.findAll('th, td').map((c) => c.text().replace(/\s+/g, ' ')))
}

const names = (s: DOMWrapper<Element>) => s.findAll('.people-table tbody th').map((c) => c.text())

describe('the console roster table', () => {
  it('shows everyone enrolled, in the server’s order, with a caption and column headers', async () => {
    const { net, s } = await open()
    expect(net.calls('GET /api/units/default/roster')).toHaveLength(1)
    const region = s().get('.scroll[role="region"][aria-label="Enrolled people table"]')
    expect(region.attributes('tabindex')).toBe('0')
    const table = region.get('table')
    expect(table.get('caption').text()).toBe('Enrolled people, coordinators first, then by name')
    expect(table.findAll('thead th').map((h) => [h.attributes('scope'), h.text()])).toEqual([
      ['col', 'Number'],
      ['col', 'Name'],
      ['col', 'Role'],
      ['col', 'E-mail'],
      ['col', 'Team'],
      ['col', 'Actions'],
    ])
    expect(rows(s()).map((r) => r.slice(0, 5))).toEqual([
      ['21000099', 'Grace Coordinator', 'Coordinator', 'grace@example.edu', 'no team'],
      ['21234567', 'Ada Lovelace', 'Student', 'ada@example.edu', 'in team 7'],
      ['21234570', 'Alan Turing', 'Student', 'none', 'in team 9'],
      ['21234572', 'Barbara Liskov', 'Student', 'none', 'no team'],
      ['21234571', 'Edsger Dijkstra', 'Student', 'none', 'no team'],
      ['21234573', 'Karen Spärck Jones', 'Student', 'none', 'no team'],
    ])
    expect(s().get('#roster-count').text()).toBe('6 people: 1 coordinator, 5 students.')
    expect(s().get('#roster-count').attributes('role')).toBe('status')
  })

  it('filters by name (any case, without accents) or by number, and says when no one matches', async () => {
    const { s } = await open()
    const box = control(s(), 'Filter by name or number')
    expect(box.attributes('type')).toBe('search')
    expect(box.attributes('aria-describedby')).toBe('roster-count')

    await box.setValue('  ALAN ')
    expect(names(s())).toEqual(['Alan Turing'])
    expect(s().get('#roster-count').text()).toBe('1 of 6 people match “ALAN”.')

    await box.setValue('sparck')
    expect(names(s())).toEqual(['Karen Spärck Jones'])
    await box.setValue('jones karen')
    expect(names(s())).toEqual(['Karen Spärck Jones'])

    await box.setValue('2123457')
    expect(names(s())).toEqual(['Alan Turing', 'Barbara Liskov', 'Edsger Dijkstra', 'Karen Spärck Jones'])

    await box.setValue('nobody')
    expect(s().find('.people-table').exists()).toBe(false)
    expect(s().get('#roster-count').text()).toBe('No one matches “nobody” (6 people enrolled).')

    await box.setValue('')
    expect(names(s())).toHaveLength(6)
  })

  it('says while it loads, and when no one is enrolled', async () => {
    let answer: (reply: Reply) => void = () => {}
    const { s } = await open({
      'GET /api/units/default/roster': () => new Promise<Reply>((resolve) => (answer = resolve)),
    })
    expect(s().get('[role="status"]').text()).toBe('Loading the roster…')
    expect(s().find('.people-table').exists()).toBe(false)
    answer({ status: 200, body: { people: [] } })
    await settle()
    expect(s().text()).toContain('No one is enrolled in this unit yet.')
    expect(s().find('#roster-filter').exists()).toBe(false)
  })

  it('says when it cannot load, and tries again', async () => {
    const { net, s } = await open({ 'GET /api/units/default/roster': problem(503, 'down') })
    expect(s().get('.form-error [role="alert"]').text()).toBe(
      'Could not load the roster. The Pair-Up server could not answer (error 503). Try again in a moment.',
    )
    expect(s().find('.people-table').exists()).toBe(false)
    net.routes['GET /api/units/default/roster'] = { status: 200, body: { people: roster } }
    await button(s(), 'Try again').trigger('click')
    await settle()
    expect(names(s())).toHaveLength(6)
  })

  it('resets one person’s PIN from their row: shown once, listed with the new PINs, the roster reloaded', async () => {
    const { net, s } = await open({
      'POST /api/units/default/students/21234571/pin': { status: 200, body: { id: '21234571', pin: '555111' } },
    })
    const reset = button(s(), 'Reset PIN for Edsger Dijkstra')
    expect(reset.get('.visually-hidden').text()).toBe('for Edsger Dijkstra')
    await reset.trigger('click')
    await settle()
    expect(net.calls('POST /api/units/default/students/21234571/pin')).toHaveLength(1)
    expect(s().get('.people .notice[role="status"]').text()).toBe(
      'New PIN for Edsger Dijkstra (21234571): 555111. It is shown only once, and listed under New PINs below.',
    )
    expect(
      s()
        .findAll('.pins tbody tr')
        .map((r) => r.findAll('td').map((d) => d.text())),
    ).toEqual([['Edsger Dijkstra', '21234571', '555111']])
    expect(net.calls('GET /api/units/default/roster')).toHaveLength(2)
  })

  it('says why a PIN cannot be reset', async () => {
    const { s } = await open({
      'POST /api/units/default/students/21234572/pin': problem(
        409,
        '21234572 is also enrolled in a unit you do not coordinate',
      ),
    })
    await button(s(), 'Reset PIN for Barbara Liskov').trigger('click')
    await settle()
    expect(s().get('.people .form-error[role="alert"]').text()).toBe(
      'Could not reset the PIN of Barbara Liskov. 21234572 is also enrolled in a unit you do not coordinate.',
    )
    expect(s().find('.pins').exists()).toBe(false)
  })

  it('unenrols a person after asking; their row goes, the focus goes to the table’s heading', async () => {
    const { net, s } = await open({ 'DELETE /api/units/default/enrolments/21234572': { status: 204 } })
    await button(s(), 'Unenrol Barbara Liskov').trigger('click')
    const dialog = s().get('dialog')
    expect(dialog.text()).toContain('Unenrol Barbara Liskov?')
    expect(dialog.text()).toContain('Barbara Liskov (21234572) loses access to this unit.')
    expect(document.activeElement).toBe(button(dialog, 'Cancel').element)
    net.routes['GET /api/units/default/roster'] = {
      status: 200,
      body: { people: roster.filter((p) => p.id !== '21234572') },
    }
    await button(dialog, 'Unenrol').trigger('click')
    await settle()
    expect(net.calls('DELETE /api/units/default/enrolments/21234572')).toHaveLength(1)
    expect(s().get('.people .notice[role="status"]').text()).toBe(
      'Barbara Liskov (21234572) is no longer enrolled in this unit.',
    )
    expect(names(s())).not.toContain('Barbara Liskov')
    expect(document.activeElement).toBe(s().get('#people-heading').element)
    // The overview, slots, teams and roster are refetched.
    expect(net.calls('GET /api/units/default/overview')).toHaveLength(2)
    expect(net.calls('GET /api/units/default/roster')).toHaveLength(2)
  })

  it('cancels an unenrolment without a request', async () => {
    const { net, s } = await open()
    await button(s(), 'Unenrol Edsger Dijkstra').trigger('click')
    await button(s().get('dialog'), 'Cancel').trigger('click')
    await settle()
    expect(s().find('dialog').exists()).toBe(false)
    expect(net.seen.filter((x) => x.method === 'DELETE')).toEqual([])
  })

  it('warns a coordinator who would unenrol themselves', async () => {
    const { s } = await open()
    await button(s(), 'Unenrol Grace Coordinator').trigger('click')
    expect(s().get('dialog').text()).toContain('This is you: you lose access to this unit and its console.')
  })

  it('does not offer to unenrol a member of a team, and says why', async () => {
    const { s } = await open()
    const unenrol = button(s(), 'Unenrol Ada Lovelace')
    expect(unenrol.element.disabled).toBe(true)
    const why = s().get(`#${unenrol.attributes('aria-describedby')}`)
    expect(why.text()).toBe('Take them out of team 7 first (Teams, Manage).')
    expect(button(s(), 'Reset PIN for Ada Lovelace').element.disabled).toBe(false)
  })

  it('shows the server’s refusal when a person joined a team meanwhile, and reloads the roster', async () => {
    const { net, s } = await open({
      'DELETE /api/units/default/enrolments/21234571': problem(
        409,
        '21234571 is in team 12 (Edsger Dijkstra & Barbara Liskov); take them out of it first',
      ),
    })
    net.routes['GET /api/units/default/roster'] = {
      status: 200,
      body: { people: roster.map((p) => (p.id === '21234571' || p.id === '21234572' ? { ...p, pid: 12 } : p)) },
    }
    await button(s(), 'Unenrol Edsger Dijkstra').trigger('click')
    await button(s().get('dialog'), 'Unenrol').trigger('click')
    await settle()
    expect(s().get('.people .form-error[role="alert"]').text()).toBe(
      'Could not unenrol Edsger Dijkstra. 21234571 is in team 12 (Edsger Dijkstra & Barbara Liskov); take them out of it first.',
    )
    expect(rows(s())[4]?.slice(1, 5)).toEqual(['Edsger Dijkstra', 'Student', 'none', 'in team 12'])
    expect(button(s(), 'Unenrol Edsger Dijkstra').element.disabled).toBe(true)
  })

  it('reloads after a roster is applied', async () => {
    const { net, s } = await open({
      'POST /api/units/default/roster/preview': { status: 200, body: clean },
      'POST /api/units/default/roster': { status: 200, body: applied },
    })
    await control(s(), 'Roster (CSV)').setValue(GOOD)
    await button(s(), 'Preview roster').trigger('click')
    await settle()
    net.routes['GET /api/units/default/roster'] = {
      status: 200,
      body: { people: [...roster, person('21234569', 'Grace Hopper'), person('21234568', 'Ada Two')] },
    }
    await button(s(), 'Apply roster').trigger('click')
    await settle()
    expect(net.calls('GET /api/units/default/roster')).toHaveLength(2)
    expect(names(s())).toContain('Grace Hopper')
  })

  it('reloads at once on a resync of its unit, and a moment after team changes; not for another unit', async () => {
    const net = fakeNetwork(consoleRoutes())
    const { wrapper, sockets } = await mountConsole()
    const s = () => section(wrapper, 'Roster')
    const calls = () => net.calls('GET /api/units/default/roster').length
    sockets.last.accept() // `ready` refetches at once
    await settle()
    expect(calls()).toBe(2)

    net.routes['GET /api/units/default/roster'] = {
      status: 200,
      body: { people: [...roster, person('21234590', 'Pushed Person')] },
    }
    sockets.last.push({ type: 'resync', unit: 'trio' })
    await settle()
    expect(calls()).toBe(2)
    sockets.last.push({ type: 'resync', unit: 'default' })
    await settle()
    expect(calls()).toBe(3)
    expect(names(s())).toContain('Pushed Person')

    vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout'] })
    try {
      sockets.last.push({ type: 'project.deleted', unit: 'default', pid: 7 })
      await vi.advanceTimersByTimeAsync(299)
      expect(calls()).toBe(3)
      await vi.advanceTimersByTimeAsync(1)
      await settle()
      expect(calls()).toBe(4)
    } finally {
      vi.useRealTimers()
    }
  })
})
