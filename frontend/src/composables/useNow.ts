import { onScopeDispose, ref } from 'vue'

/** The current time, updated every `every` ms while the calling component (or scope) lives. */
export function useNow(every = 60_000) {
  const now = ref(new Date())
  const timer = setInterval(() => (now.value = new Date()), every)
  onScopeDispose(() => clearInterval(timer))
  return now
}
