/**
 * Calendar periods in a site's time zone, for the KPI pages: a month there is not a month in UTC (Asia/Shanghai's
 * November starts on 31 October, 16:00 UTC). Intl only, no time-zone library.
 */

/** The wall-clock time in `format`'s time zone at `ms`, read as if it were UTC, minus `ms`: the zone's offset. */
function offsetMs(ms: number, format: Intl.DateTimeFormat): number {
  const parts = format.formatToParts(ms)
  const part = (type: Intl.DateTimeFormatPartTypes) => Number(parts.find((candidate) => candidate.type === type)?.value)
  const wall = Date.UTC(part('year'), part('month') - 1, part('day'), part('hour'), part('minute'), part('second'))
  return wall - (ms - (ms % 1000))
}

/**
 * A calendar month in a site's time zone, e.g. `monthRange('2026-11', 'Asia/Shanghai')`: `from` its first midnight
 * there, `to` the next month's, epoch ms. Throws a RangeError for a month that is not `YYYY-MM` or an unknown zone.
 */
export function monthRange(month: string, timeZone: string): { from: number; to: number } {
  const match = /^(\d{4})-(0[1-9]|1[0-2])$/.exec(month)
  if (!match) throw new RangeError(`a month is YYYY-MM, got ${month}`)
  const format = new Intl.DateTimeFormat('en-US', {
    timeZone,
    hourCycle: 'h23',
    year: 'numeric',
    month: 'numeric',
    day: 'numeric',
    hour: 'numeric',
    minute: 'numeric',
    second: 'numeric',
  })
  const midnight = (monthIndex: number) => {
    const wall = Date.UTC(Number(match[1]), monthIndex, 1)
    // the offset at the guess, once more in case the zone changed its offset between the two (summer time)
    const guess = wall - offsetMs(wall, format)
    return wall - offsetMs(guess, format)
  }
  const index = Number(match[2]) - 1
  return { from: midnight(index), to: midnight(index + 1) }
}
