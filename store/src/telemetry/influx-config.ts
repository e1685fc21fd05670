/**
 * InfluxDB 2.x connection settings, read from the variables the InfluxDB tools themselves use (`influx` CLI,
 * Telegraf, the client libraries), so that one environment serves both: INFLUX_URL, INFLUX_TOKEN, INFLUX_ORG and
 * INFLUX_BUCKET. None set means "no InfluxDB" (the embedded store is used); any set means all four are required.
 */

export interface InfluxConfig {
  /** Base URL of the server, e.g. `http://127.0.0.1:8086` (a path prefix behind a reverse proxy is kept). */
  readonly url: string
  /** Secret: an API token allowed to write and read the buckets (and, for `setup`, to manage buckets and tasks). */
  readonly token: string
  readonly org: string
  /** The raw bucket; the roll-ups go to `<bucket>_1m` and `<bucket>_1h`. */
  readonly bucket: string
}

export const INFLUX_ENV_NAMES = ['INFLUX_URL', 'INFLUX_TOKEN', 'INFLUX_ORG', 'INFLUX_BUCKET'] as const

export class InfluxConfigError extends Error {
  readonly problems: readonly string[]

  constructor(problems: readonly string[]) {
    super(`invalid InfluxDB configuration:\n  - ${problems.join('\n  - ')}`)
    this.name = 'InfluxConfigError'
    this.problems = problems
  }
}

type Env = Readonly<Record<string, string | undefined>>

function checkUrl(value: string, problems: string[]): void {
  let url: URL
  try {
    url = new URL(value)
  } catch {
    problems.push(`INFLUX_URL is not a URL: "${value}"`)
    return
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') {
    problems.push(`INFLUX_URL must use http: or https:, got "${url.protocol}"`)
  }
  // The URL is printed in logs; the token has its own variable.
  if (url.username || url.password) problems.push('INFLUX_URL must not carry credentials; use INFLUX_TOKEN')
  if (url.search || url.hash) problems.push(`INFLUX_URL must not have a query or fragment, got "${value}"`)
}

// InfluxDB refuses bucket names that start with "_" (system buckets) or contain a double quote; we also keep them
// printable and short enough for the "_1m"/"_1h" roll-up suffixes.
const BUCKET_RE = /^[^_"\s][^"\s]{0,60}$/

/**
 * Reads the InfluxDB settings. Returns undefined when none of the four variables is set; throws an
 * `InfluxConfigError` listing every problem when some are set but the set is incomplete or invalid.
 */
export function loadInfluxConfig(env: Env): InfluxConfig | undefined {
  const values = INFLUX_ENV_NAMES.map((name) => env[name]?.trim() ?? '')
  if (values.every((value) => value === '')) return undefined
  const [url = '', token = '', org = '', bucket = ''] = values
  const problems: string[] = []
  INFLUX_ENV_NAMES.forEach((name, index) => {
    if (values[index] === '') problems.push(`${name} is required when any of ${INFLUX_ENV_NAMES.join(', ')} is set`)
  })
  if (url !== '') checkUrl(url, problems)
  if (bucket !== '' && !BUCKET_RE.test(bucket)) {
    problems.push(
      `INFLUX_BUCKET must be 1–61 characters without spaces or '"' and must not start with "_", got "${bucket}"`,
    )
  }
  if (problems.length > 0) throw new InfluxConfigError(problems)
  return Object.freeze({ url, token, org, bucket })
}
