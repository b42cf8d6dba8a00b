/*
 * Wall-clock times in a unit's time zone, for `<input type="datetime-local">`: its value
 * ("2027-05-14T17:00") is read in the unit's zone, not the browser's, and sent as RFC 3339 with
 * that zone's offset ("2027-05-14T17:00:00+08:00").
 */

const formats = new Map<string, Intl.DateTimeFormat>()

function formatIn(timeZone: string): Intl.DateTimeFormat {
  let f = formats.get(timeZone)
  if (!f) {
    const options: Intl.DateTimeFormatOptions = {
      year: 'numeric',
      month: '2-digit',
      day: '2-digit',
      hour: '2-digit',
      minute: '2-digit',
      second: '2-digit',
      hourCycle: 'h23',
    }
    try {
      f = new Intl.DateTimeFormat('en-US', { ...options, timeZone })
    } catch {
      f = new Intl.DateTimeFormat('en-US', { ...options, timeZone: 'UTC' }) // an unknown zone
    }
    formats.set(timeZone, f)
  }
  return f
}

/** The zone's wall clock at an instant, as the parts of a UTC date. */
function wallMillis(at: number, timeZone: string): number {
  const p: Record<string, number> = {}
  for (const { type, value } of formatIn(timeZone).formatToParts(new Date(at))) p[type] = Number(value)
  return Date.UTC(p.year ?? 1970, (p.month ?? 1) - 1, p.day ?? 1, p.hour ?? 0, p.minute ?? 0, p.second ?? 0)
}

/** The zone's offset from UTC at an instant, in minutes (+480 for Perth). */
export function offsetMinutes(at: number, timeZone: string): number {
  const whole = Math.floor(at / 1000) * 1000
  return Math.round((wallMillis(whole, timeZone) - whole) / 60_000)
}

const pad = (n: number) => String(n).padStart(2, '0')

function offsetText(minutes: number): string {
  if (minutes === 0) return 'Z'
  const sign = minutes < 0 ? '-' : '+'
  const m = Math.abs(minutes)
  return `${sign}${pad(Math.floor(m / 60))}:${pad(m % 60)}`
}

const LOCAL = /^(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2})(?::\d{2})?$/

/**
 * "2027-05-14T17:00" in the zone → "2027-05-14T17:00:00+08:00"; null for an empty or malformed
 * value. A wall-clock time that a change of daylight saving skips or repeats gets one of the offsets around it.
 */
export function zonedToRfc3339(local: string, timeZone: string): string | null {
  const m = LOCAL.exec(local.trim())
  if (!m) return null
  const [, y, mo, d, h, mi] = m.map(Number) as [number, number, number, number, number, number]
  const wall = Date.UTC(y, mo - 1, d, h, mi)
  let offset = offsetMinutes(wall, timeZone)
  const second = offsetMinutes(wall - offset * 60_000, timeZone)
  if (second !== offset && offsetMinutes(wall - second * 60_000, timeZone) === second) offset = second
  return `${y}-${pad(mo)}-${pad(d)}T${pad(h)}:${pad(mi)}:00${offsetText(offset)}`
}

/** An RFC 3339 instant → the zone's wall clock for a datetime-local input; '' for null. */
export function rfc3339ToZoned(iso: string | null, timeZone: string): string {
  if (iso === null) return ''
  const at = Date.parse(iso)
  if (Number.isNaN(at)) return ''
  const w = new Date(wallMillis(at, timeZone))
  return `${w.getUTCFullYear()}-${pad(w.getUTCMonth() + 1)}-${pad(w.getUTCDate())}T${pad(w.getUTCHours())}:${pad(w.getUTCMinutes())}`
}

/** Whether two RFC 3339 times (or nulls) name the same instant. */
export function sameInstant(a: string | null, b: string | null): boolean {
  if (a === null || b === null) return a === b
  return Date.parse(a) === Date.parse(b)
}
