import { inject, type InjectionKey, type Ref } from 'vue'

import type { Unit } from '@/api'
import type { useOverview, useRosterList, useSlots } from '@/composables/useConsole'
import type { useProjects } from '@/composables/useProjects'

/**
 * What the console's sections share (one live resource each, so one fetch and one realtime
 * subscription): the unit, the overview, the slots, the teams and the roster; `refresh` reloads
 * the four after an intervention, without waiting for the pushes.
 */
export interface ConsoleContext {
  unit: Ref<Unit>
  siteAdmin: Ref<boolean>
  overview: ReturnType<typeof useOverview>
  slots: ReturnType<typeof useSlots>
  teams: ReturnType<typeof useProjects>
  roster: ReturnType<typeof useRosterList>
  refresh: () => void
  /** The unit changed (policy saved, archived): reload it. */
  reloadUnit: () => void
}

export const CONSOLE: InjectionKey<ConsoleContext> = Symbol('console')

export function useConsoleContext(): ConsoleContext {
  const c = inject(CONSOLE)
  if (!c) throw new Error('a console section outside the console')
  return c
}
