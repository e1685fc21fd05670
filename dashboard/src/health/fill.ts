/**
 * How worrying a fill level is: connections against the broker's maximum, a client's queue against the
 * slow-consumer limit, the spool against its size limit. From 80 % the api reports the spool degraded (its
 * `SPOOL_WARN_RATIO`); the same line is used for the others, whose limits also cut something off when reached.
 */
export const FILL_WARN_RATIO = 0.8

export type FillTone = 'ok' | 'warn' | 'fault'

export function fillTone(value: number, limit: number): FillTone {
  if (limit <= 0 || value >= limit) return 'fault'
  return value >= limit * FILL_WARN_RATIO ? 'warn' : 'ok'
}
