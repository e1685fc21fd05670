/**
 * CSV export of the series on the chart, built in the browser from the buckets already loaded: no second request,
 * and the file holds exactly what the person saw, live buckets included.
 */
import type { HistoryPoint } from '@fm/protocol'

/**
 * Excel on a Chinese Windows opens a CSV without a byte-order mark as GBK and garbles "°C", "m³" and every CJK
 * character; with the BOM it reads UTF-8.
 */
export const UTF8_BOM = '\uFEFF'

const formats = new Map<string, Intl.DateTimeFormat | null>()

/** A formatter for `timeZone`, or null when the runtime does not know the zone (then times are written in UTC). */
function zoneFormat(timeZone: string): Intl.DateTimeFormat | null {
  let format = formats.get(timeZone)
  if (format === undefined) {
    try {
      format = new Intl.DateTimeFormat('en-US', {
        timeZone,
        year: 'numeric',
        month: '2-digit',
        day: '2-digit',
        hour: '2-digit',
        minute: '2-digit',
        second: '2-digit',
        hourCycle: 'h23',
        timeZoneName: 'longOffset',
      })
    } catch {
      format = null
    }
    formats.set(timeZone, format)
  }
  return format
}

interface ZonedParts {
  date: string
  time: string
  offset: string
}

function zonedParts(ts: number, timeZone: string | undefined): ZonedParts {
  const format = timeZone ? zoneFormat(timeZone) : null
  if (!format) {
    const iso = new Date(ts).toISOString()
    return { date: iso.slice(0, 10), time: iso.slice(11, 19), offset: 'Z' }
  }
  const parts = format.formatToParts(ts)
  const get = (type: Intl.DateTimeFormatPartTypes) => parts.find((p) => p.type === type)?.value ?? '00'
  // "GMT+08:00", or plain "GMT" at offset zero.
  const zone = get('timeZoneName').replace('GMT', '')
  return {
    date: `${get('year')}-${get('month')}-${get('day')}`,
    time: `${get('hour')}:${get('minute')}:${get('second')}`,
    offset: zone === '' ? '+00:00' : zone,
  }
}

/** ISO 8601 with the offset of `timeZone` ("2026-05-14T08:30:00+08:00"), or UTC ("…Z") without a usable zone. */
export function isoTime(ts: number, timeZone: string | undefined): string {
  const { date, time, offset } = zonedParts(ts, timeZone)
  const ms = ((ts % 1000) + 1000) % 1000
  return `${date}T${time}${ms ? `.${String(ms).padStart(3, '0')}` : ''}${offset}`
}

/** Whether times are written in the site's zone: the header says which, so nobody has to guess. */
function usesZone(timeZone: string | undefined): timeZone is string {
  return timeZone !== undefined && timeZone !== '' && zoneFormat(timeZone) !== null
}

function cell(text: string): string {
  return /[",\r\n]/.test(text) ? `"${text.replaceAll('"', '""')}"` : text
}

export interface CsvSeries {
  field: string
  unit?: string | undefined
  points: readonly HistoryPoint[]
  /** IANA zone of the site ("Asia/Shanghai"); times are written in UTC without one. */
  timeZone?: string | undefined
}

/**
 * Header plus one row per bucket: start time, mean, min, max, count. CRLF line ends, as RFC 4180 and Excel expect;
 * numbers at full precision with a dot, so a spreadsheet in any locale can recompute from them.
 */
export function historyCsv({ field, unit, points, timeZone }: CsvSeries): string {
  const zone = usesZone(timeZone) ? timeZone : undefined
  const unitText = unit ? ` [${unit}]` : ''
  const header = [
    // No comma in it, so the header needs no quoting and reads the same in any CSV viewer.
    `time of bucket start (ISO 8601 in ${zone ? `${zone} local time with offset` : 'UTC'})`,
    `${field} mean${unitText}`,
    `${field} min${unitText}`,
    `${field} max${unitText}`,
    `${field} count`,
  ]
  const rows = points.map((p) =>
    [isoTime(p.ts, zone), String(p.mean), String(p.min), String(p.max), String(p.count)].join(','),
  )
  return `${UTF8_BOM}${[header.map(cell).join(','), ...rows].join('\r\n')}\r\n`
}

/** "20260514-0830": sortable, and free of the colons Windows does not allow in a file name. */
function fileTime(ts: number, timeZone: string | undefined): string {
  const { date, time } = zonedParts(ts, usesZone(timeZone) ? timeZone : undefined)
  return `${date.replaceAll('-', '')}-${time.slice(0, 5).replace(':', '')}`
}

/** `<device id>_<field>_<from>_<to>.csv`, with anything a file system might refuse replaced. */
export function csvFileName(deviceId: string, field: string, from: number, to: number, timeZone?: string): string {
  const safe = (text: string) => text.replace(/[^\w.-]+/g, '_')
  return `${safe(deviceId)}_${safe(field)}_${fileTime(from, timeZone)}_${fileTime(to, timeZone)}.csv`
}

/** Hands the text to the browser as a download (Blob + object URL), then frees the URL. */
export function downloadText(text: string, fileName: string, type = 'text/csv;charset=utf-8'): void {
  const url = URL.createObjectURL(new Blob([text], { type }))
  const link = document.createElement('a')
  link.href = url
  link.download = fileName
  link.style.display = 'none'
  document.body.append(link)
  link.click()
  link.remove()
  // Some browsers start reading the URL only after the click handler returns.
  setTimeout(() => URL.revokeObjectURL(url), 0)
}
