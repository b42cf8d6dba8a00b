import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest'
import { defineComponent, h } from 'vue'

import { api, call } from '@/api'
import ConnectionBanner from '@/components/ConnectionBanner.vue'
import { useProjects } from '@/composables/useProjects'
import { mountInApp, settle } from '@/test/app'
import { otherProject, project, session, UNIT } from '@/test/fixtures'
import { fakeNetwork, problem, type Reply } from '@/test/network'

const TEXT = 'Connection to the server lost — retrying'
const PROJECTS = 'GET /api/units/default/projects'
const READY = 'GET /api/health/ready'

/** A screen as the app has them: the banner, and a list loaded over REST and kept live. */
const Screen = defineComponent({
  setup() {
    const { projects, load } = useProjects(UNIT)
    void load()
    return () =>
      h('div', [
        h(ConnectionBanner),
        h(
          'ul',
          projects.value.map((p) => h('li', { key: p.pid }, p.team)),
        ),
      ])
  },
})

const unavailable = (seconds?: number): Reply => ({
  ...problem(503, 'the database is not answering'),
  ...(seconds === undefined ? {} : { headers: { 'Retry-After': String(seconds) } }),
})
const ok = { status: 200, body: { status: 'ok' } }
const list = (...ps: (typeof project)[]) => ({ status: 200, body: { projectList: ps } })

async function mountScreen() {
  const mounted = await mountInApp(Screen, { session })
  const banner = () => mounted.wrapper.find('[role="status"]')
  const teams = () => mounted.wrapper.findAll('li').map((li) => li.text())
  return { ...mounted, banner, teams }
}

describe('ConnectionBanner', () => {
  beforeEach(() => void vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout'] }))
  afterEach(() => void vi.useRealTimers())

  it('is an empty, polite status region while the server answers', async () => {
    const net = fakeNetwork({ [PROJECTS]: list(project) })
    const { banner, teams } = await mountScreen()
    expect(teams()).toEqual([project.team])
    expect(banner().attributes('aria-live')).toBe('polite')
    expect(banner().text()).toBe('')
    await vi.advanceTimersByTimeAsync(60_000)
    expect(net.calls(READY)).toHaveLength(0)
  })

  it('shows on a 503 and asks the server again as late as its Retry-After says', async () => {
    const net = fakeNetwork({ [PROJECTS]: unavailable(3), [READY]: unavailable(3) })
    const { banner } = await mountScreen()
    expect(banner().text()).toBe(TEXT)
    expect(banner().attributes('role')).toBe('status')
    expect(banner().attributes('aria-live')).toBe('polite')
    await vi.advanceTimersByTimeAsync(2999)
    expect(net.calls(READY)).toHaveLength(0)
    await vi.advanceTimersByTimeAsync(1)
    expect(net.calls(READY)).toHaveLength(1)
    await vi.advanceTimersByTimeAsync(3000)
    expect(net.calls(READY)).toHaveLength(2)
    expect(banner().text()).toBe(TEXT)
  })

  it('shows on a network failure and asks again after 0.5 s, doubling up to 4 s', async () => {
    const net = fakeNetwork({ [PROJECTS]: 'offline', [READY]: 'offline' })
    const { banner } = await mountScreen()
    expect(banner().text()).toBe(TEXT)
    const probesAfter = async (ms: number) => {
      await vi.advanceTimersByTimeAsync(ms)
      await settle()
      return net.calls(READY).length
    }
    expect(await probesAfter(499)).toBe(0)
    expect(await probesAfter(1)).toBe(1)
    expect(await probesAfter(999)).toBe(1)
    expect(await probesAfter(1)).toBe(2)
    expect(await probesAfter(2000)).toBe(3)
    expect(await probesAfter(4000)).toBe(4)
    expect(await probesAfter(3999)).toBe(4)
    expect(await probesAfter(1)).toBe(5)
    expect(banner().text()).toBe(TEXT)
  })

  it('goes when the server answers again, and the screen refetches what it shows, without a reload', async () => {
    const net = fakeNetwork({ [PROJECTS]: list(project), 'GET /api/me': unavailable(1), [READY]: unavailable(1) })
    const { banner, teams, sockets } = await mountScreen()
    sockets.last.accept()
    await settle()
    expect(net.calls(PROJECTS)).toHaveLength(2) // the first load and `ready`
    await call(api.GET('/me'))
    await settle()
    expect(banner().text()).toBe(TEXT)

    // Meanwhile another team formed; the socket stayed open but heard nothing of it.
    net.routes[PROJECTS] = list(project, otherProject)
    await vi.advanceTimersByTimeAsync(1000)
    expect(net.calls(READY)).toHaveLength(1)
    expect(banner().text()).toBe(TEXT)
    net.routes[READY] = ok
    await vi.advanceTimersByTimeAsync(1000)
    await settle()
    expect(net.calls(READY)).toHaveLength(2)
    expect(banner().text()).toBe('')
    expect(net.calls(PROJECTS)).toHaveLength(3)
    expect(teams()).toEqual([project.team, otherProject.team])
    expect(sockets.all).toHaveLength(1)
    // Nothing asks any more.
    await vi.advanceTimersByTimeAsync(60_000)
    expect(net.calls(READY)).toHaveLength(2)
  })

  it('shows when the socket cannot reconnect, and reconnects it at once when the server is back', async () => {
    vi.spyOn(Math, 'random').mockReturnValue(0)
    const net = fakeNetwork({ [PROJECTS]: list(project), 'GET /api/me': 'offline', [READY]: 'offline' })
    const { banner, teams, sockets } = await mountScreen()
    sockets.last.accept()
    sockets.last.drop(1006) // the server went away
    await vi.advanceTimersByTimeAsync(500)
    expect(sockets.all).toHaveLength(2)
    sockets.last.drop(1006) // and refuses the new one: the page asks the API, which cannot be reached
    await settle()
    expect(net.calls('GET /api/me')).toHaveLength(1)
    expect(banner().text()).toBe(TEXT)

    // The server is back before the socket's next try (in 1 s): the probe finds it first.
    net.routes[READY] = ok
    net.routes[PROJECTS] = list(project, otherProject)
    await vi.advanceTimersByTimeAsync(499)
    expect(sockets.all).toHaveLength(2)
    await vi.advanceTimersByTimeAsync(1)
    await settle()
    expect(banner().text()).toBe('')
    expect(sockets.all).toHaveLength(3)
    sockets.last.accept()
    await settle()
    expect(teams()).toEqual([project.team, otherProject.team])
  })

  it('shows at once when the browser goes offline and asks at once when it is back online', async () => {
    const net = fakeNetwork({ [PROJECTS]: list(project), [READY]: ok })
    const { banner } = await mountScreen()
    window.dispatchEvent(new Event('offline'))
    await settle()
    expect(banner().text()).toBe(TEXT)
    window.dispatchEvent(new Event('online'))
    await settle()
    expect(net.calls(READY)).toHaveLength(1)
    expect(banner().text()).toBe('')
  })

  it('goes as soon as any request is answered, and forgets the outage when unmounted', async () => {
    const net = fakeNetwork({ [PROJECTS]: 'offline', [READY]: 'offline', 'GET /api/me': problem(404, 'nobody') })
    const first = await mountScreen()
    expect(first.banner().text()).toBe(TEXT)
    await call(api.GET('/me')) // a 404 is an answer
    await settle()
    expect(first.banner().text()).toBe('')

    await call(api.GET('/units/{unit}/projects', { params: { path: { unit: UNIT } } }))
    await settle()
    expect(first.banner().text()).toBe(TEXT)
    first.wrapper.unmount()
    await vi.advanceTimersByTimeAsync(60_000)
    expect(net.calls(READY)).toHaveLength(0) // nobody follows the connection: nothing probes

    // A screen mounted afresh starts with no outage: its list's answer has not come yet.
    net.routes[PROJECTS] = () => new Promise<Reply>(() => {})
    const second = await mountScreen()
    expect(second.banner().text()).toBe('')
    await vi.advanceTimersByTimeAsync(60_000)
    expect(net.calls(READY)).toHaveLength(0)
  })
})
