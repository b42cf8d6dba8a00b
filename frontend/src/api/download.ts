import type { Result } from './result'

/**
 * Files from the API (CSV exports, calendars) need the bearer token, which a link cannot carry:
 * they are fetched with the client (`parseAs: 'blob'`) and handed to the browser as a download.
 */

/** The name the server gives the file (Content-Disposition), else the fallback. */
export function fileName(response: Response | undefined, fallback: string): string {
  const header = response?.headers.get('Content-Disposition') ?? ''
  const star = /filename\*=UTF-8''([^;]+)/i.exec(header)
  if (star?.[1]) {
    try {
      return decodeURIComponent(star[1].trim())
    } catch {
      // fall through to the plain name
    }
  }
  const plain = /filename="?([^";]+)"?/i.exec(header)
  return plain?.[1]?.trim() || fallback
}

/** Saves a blob as a file: a temporary object URL behind a link with `download`, clicked once. */
export const saver = {
  save(blob: Blob, name: string): void {
    const url = URL.createObjectURL(blob)
    const a = document.createElement('a')
    a.href = url
    a.download = name
    a.hidden = true
    document.body.append(a)
    a.click()
    a.remove()
    // The download has started by the next task; the URL is no longer needed then.
    setTimeout(() => URL.revokeObjectURL(url), 0)
  },
}

/** Saves a fetched file; returns the result so that the caller can show a failure. */
export async function download(request: Promise<Result<Blob>>, fallback: string): Promise<Result<Blob>> {
  const r = await request
  if (r.ok) saver.save(r.data, fileName(r.response, fallback))
  return r
}

/** A CSV field: quoted when it holds a comma, a quote or a line break. */
export function csvField(value: string): string {
  return /[",\r\n]/.test(value) ? `"${value.replace(/"/g, '""')}"` : value
}

/** CSV text from rows of fields (CRLF line ends, as RFC 4180 has them). */
export function csvText(rows: readonly (readonly string[])[]): string {
  return rows.map((r) => r.map(csvField).join(',')).join('\r\n') + '\r\n'
}
