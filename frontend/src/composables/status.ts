/** The life of a list loaded from the API. */
export type LoadStatus = 'idle' | 'loading' | 'done' | 'error'
