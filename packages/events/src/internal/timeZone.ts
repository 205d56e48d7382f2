/**
 * The local hour and weekday of an instant in a time zone: "UTC", a fixed offset ("+02:00",
 * "-05:30") or an IANA name ("Europe/Paris", through Intl, looked up once per hour).
 */
const hourMs = 3_600_000

export interface LocalHour {
  /** Monday = 0. */
  readonly weekday: number
  readonly hour: number
  /** When this local hour started, in epoch ms. */
  readonly hourStartMs: number
}

const fromOffset =
  (offsetMs: number) =>
  (ms: number): LocalHour => {
    const local = ms + offsetMs
    const hours = Math.floor(local / hourMs)
    // 1970-01-01 was a Thursday: Monday-first index 3.
    return {
      weekday: (((Math.floor(hours / 24) + 3) % 7) + 7) % 7,
      hour: ((hours % 24) + 24) % 24,
      hourStartMs: hours * hourMs - offsetMs,
    }
  }

const weekdays = ["Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun"]

/** Whether a time zone is known: "UTC", "+HH:MM"/"-HH:MM", or an IANA name. */
export const isTimeZone = (zone: string): boolean => {
  if (zone === "UTC" || /^[+-]\d{2}:\d{2}$/.test(zone)) return true
  try {
    new Intl.DateTimeFormat("en-US", { timeZone: zone })
    return true
  } catch {
    return false
  }
}

export const localCalendar = (zone: string): ((ms: number) => LocalHour) => {
  if (zone === "UTC") return fromOffset(0)
  const fixed = zone.match(/^([+-])(\d{2}):(\d{2})$/)
  if (fixed !== null)
    return fromOffset((fixed[1] === "-" ? -1 : 1) * (Number(fixed[2]) * 60 + Number(fixed[3])) * 60_000)
  const format = new Intl.DateTimeFormat("en-US", {
    timeZone: zone,
    hourCycle: "h23",
    weekday: "short",
    hour: "numeric",
    minute: "numeric",
    second: "numeric",
  })
  let cached: LocalHour | undefined
  return (ms) => {
    if (cached !== undefined && ms >= cached.hourStartMs && ms < cached.hourStartMs + hourMs) return cached
    const parts = Object.fromEntries(format.formatToParts(ms).map((p) => [p.type, p.value]))
    const intoHourMs =
      (Number(parts.minute) * 60 + Number(parts.second)) * 1000 + (((ms % 1000) + 1000) % 1000)
    cached = {
      weekday: weekdays.indexOf(parts.weekday!),
      hour: Number(parts.hour),
      hourStartMs: ms - intoHourMs,
    }
    return cached
  }
}
