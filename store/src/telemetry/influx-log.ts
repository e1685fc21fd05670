/**
 * Logging for the InfluxDB store. The client library logs through one process-wide logger (`setLogger`, console by
 * default); while an InfluxDB store with a logger is open, its messages go to that logger instead.
 */
import { type Logger as ClientLogger, setLogger } from '@influxdata/influxdb-client'

/** The part of a pino logger this store uses: structured details first, then the message. */
export interface InfluxLogger {
  error(details: object, message: string): void
  warn(details: object, message: string): void
  info(details: object, message: string): void
  debug?(details: object, message: string): void
}

/** Loggers of the open stores, newest last: the library's messages go to the newest. */
const sinks: InfluxLogger[] = []
let previous: ClientLogger | undefined

/**
 * The library logs every failed write ("Write to InfluxDB failed."), with a stack. `write()` rejects in that case and
 * the store logs the outage once when it starts and once when it ends (STYLE.md 2.5), so these go to debug.
 */
const WRITE_FAILED = 'Write to InfluxDB failed'

function forward(level: 'error' | 'warn', message: string, error: unknown): void {
  const sink = sinks.at(-1)
  if (!sink) {
    previous?.[level](message, error)
    return
  }
  const details = { source: '@influxdata/influxdb-client', ...(error == null ? {} : { err: error }) }
  if (message.startsWith(WRITE_FAILED)) sink.debug?.(details, message)
  else sink[level](details, message)
}

const adapter: ClientLogger = {
  error: (message, error) => forward('error', message, error),
  warn: (message, error) => forward('warn', message, error),
}

/** Routes the client library's log to `logger` until the returned function is called. */
export function routeClientLog(logger: InfluxLogger): () => void {
  if (sinks.length === 0) previous = setLogger(adapter)
  sinks.push(logger)
  let routed = true
  return () => {
    if (!routed) return
    routed = false
    sinks.splice(sinks.lastIndexOf(logger), 1)
    if (sinks.length === 0 && previous) {
      setLogger(previous)
      previous = undefined
    }
  }
}
