import { ref } from 'vue'

import { api, call, sentence, type Failure, type Project, type Result } from '@/api'
import type { components } from '@/api/schema'

export type MatchPreview = components['schemas']['MatchPreview']

/**
 * "Match the rest", for the console: a preview of teams for the students without one (which
 * changes nothing), then creating exactly those teams.
 */
export function useMatch(unit: string) {
  const preview = ref<MatchPreview | null>(null)
  const path = { params: { path: { unit } } }

  async function propose(seed?: number): Promise<Result<MatchPreview>> {
    const r = await call(api.POST('/units/{unit}/match/preview', { ...path, body: seed === undefined ? {} : { seed } }))
    if (r.ok) preview.value = r.data
    return r
  }

  /** Creates the previewed teams, all or none. */
  async function apply(p: MatchPreview): Promise<Result<{ seed: number; teams: Project[] }>> {
    const teams = p.teams.map((t) => t.members.map((m) => m.id))
    const r = await call(api.POST('/units/{unit}/match', { ...path, body: { seed: p.seed, teams } }))
    if (r.ok) preview.value = null
    return r
  }

  return { preview, propose, apply }
}

/** A refusal in words, naming the team at fault ("teams[1]" → "Team 2: …"). */
export function matchComplaint(f: Failure): string {
  for (const [field, text] of Object.entries(f.fields)) {
    const m = /^teams\[(\d+)\]$/.exec(field)
    if (m) return `Team ${Number(m[1]) + 1}: ${sentence(text)}`
  }
  return f.message
}
