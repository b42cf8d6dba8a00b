import { ref } from 'vue'

import { api, call, type Result } from '@/api'
import type { components } from '@/api/schema'

export type Ranking = components['schemas']['Ranking']
export type RankedLab = components['schemas']['RankedLab']
export type Allocation = components['schemas']['Allocation']
export type RankCount = components['schemas']['RankCount']

/** 1 → "1st", 2 → "2nd", 11 → "11th". */
export function ordinal(n: number): string {
  const tens = n % 100
  const suffix = tens >= 11 && tens <= 13 ? 'th' : ({ 1: 'st', 2: 'nd', 3: 'rd' } as Record<number, string>)[n % 10]
  return `${n}${suffix ?? 'th'}`
}

/** What the allocation gave the team, in one sentence ("" before it ran). */
export function resultSentence(r: Ranking['result']): string {
  if (!r.ran) return ''
  if (r.lab === null) return 'The allocation found no slot for your team. A coordinator will place it.'
  if (r.rank === null) return `Your team got ${r.lab} (a slot you did not rank).`
  return `Your team got ${r.lab} (your ${ordinal(r.rank)} choice).`
}

/** A distribution bucket's name: "1st choice", "A slot not ranked", "No slot". */
export function bucketLabel(c: RankCount): string {
  if (c.rank !== null) return `${ordinal(c.rank)} choice`
  return c.placed ? 'A slot not ranked' : 'No slot'
}

/**
 * A team's ranking of its unit's slots in a unit with ranked booking: read it, save a new order
 * (best first, up to 10), and what the allocation gave the team once it has run.
 */
export function useRanking(unit: string, pid: number) {
  const ranking = ref<Ranking | null>(null)
  const status = ref<'idle' | 'loading' | 'ready' | 'error'>('idle')
  const error = ref('')
  const path = { params: { path: { unit, pid } } }

  async function load(): Promise<void> {
    if (ranking.value === null) status.value = 'loading'
    error.value = ''
    const r = await call(api.GET('/units/{unit}/projects/{pid}/ranking', path))
    if (r.ok) {
      ranking.value = r.data
      status.value = 'ready'
    } else {
      error.value = `Could not load your team's ranking. ${r.failure.message}`
      status.value = 'error'
    }
  }

  async function save(labs: number[]): Promise<Result<Ranking>> {
    const r = await call(api.PUT('/units/{unit}/projects/{pid}/ranking', { ...path, body: { labs } }))
    if (r.ok) ranking.value = r.data
    return r
  }

  return { ranking, status, error, load, save }
}

/** The unit's ranked allocation, for the console: read it (null before it ran) and start it. */
export function useAllocation(unit: string) {
  const allocation = ref<Allocation | null>(null)
  const status = ref<'idle' | 'loading' | 'ready' | 'error'>('idle')
  const error = ref('')
  const path = { params: { path: { unit } } }

  async function load(): Promise<void> {
    status.value = 'loading'
    error.value = ''
    const r = await call(api.GET('/units/{unit}/allocation', path))
    if (r.ok) {
      allocation.value = r.data
      status.value = 'ready'
    } else if (r.failure.status === 404) {
      allocation.value = null // it has not run yet
      status.value = 'ready'
    } else {
      error.value = `Could not load the allocation. ${r.failure.message}`
      status.value = 'error'
    }
  }

  async function run(seed?: number): Promise<Result<Allocation>> {
    const r = await call(api.POST('/units/{unit}/allocation', { ...path, body: seed === undefined ? {} : { seed } }))
    if (r.ok) {
      allocation.value = r.data
      status.value = 'ready'
    }
    return r
  }

  return { allocation, status, error, load, run }
}
