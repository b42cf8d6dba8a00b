import { enableAutoUnmount } from '@vue/test-utils'
import { afterEach, beforeEach } from 'vitest'

enableAutoUnmount(afterEach)

beforeEach(() => {
  sessionStorage.clear()
  document.body.replaceChildren()
})
