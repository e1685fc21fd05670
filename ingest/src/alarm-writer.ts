/**
 * Where the alarm engine's decisions meet the store: each call is one store transaction (the store enforces the
 * ISA-18.2 state machine), and each change the store made is counted and handed on, for ingest to publish. A store
 * failure is thrown to the caller, which keeps its own state as it was, so the same decision is taken again next time.
 */
import type { AlarmRaise, AlarmUpdate, Store } from '@fm/store'

export type AlarmWriterStore = Pick<
  Store,
  'raiseAlarm' | 'clearAlarm' | 'setAlarmDesignSuppression' | 'expireAlarmSuppressions'
>

/** Changes made since start, by kind. */
export interface AlarmCounts {
  /** new occurrences */
  raised: number
  /** raises of an occurrence not yet back to normal */
  retriggered: number
  cleared: number
  /** suppression by design set or lifted, shelves and out-of-service periods ended */
  other: number
}

export interface AlarmWriter {
  raise(raise: AlarmRaise): void
  clear(deviceId: string, ruleId: string, ts: number): void
  suppress(deviceId: string, ruleId: string, suppressed: boolean, ts: number): void
  /** Ends the timed shelves and out-of-service periods due by `now`. */
  expire(now: number): void
  counts(): AlarmCounts
}

export function createAlarmWriter(
  store: AlarmWriterStore,
  onChange: (update: AlarmUpdate) => void,
  onError: (part: string, error: unknown) => void,
): AlarmWriter {
  const counts: AlarmCounts = { raised: 0, retriggered: 0, cleared: 0, other: 0 }

  function changed(update: AlarmUpdate | undefined): void {
    if (!update) return
    if (update.transition === 'raised') counts.raised += 1
    else if (update.transition === 'retriggered') counts.retriggered += 1
    else if (update.transition === 'cleared') counts.cleared += 1
    else counts.other += 1
    // The change is in the store whatever happens to its announcement: the api reads the store on connect.
    try {
      onChange(update)
    } catch (error) {
      onError('publish', error)
    }
  }

  return {
    raise: (raise) => changed(store.raiseAlarm(raise)),
    clear: (deviceId, ruleId, ts) => changed(store.clearAlarm(deviceId, ruleId, ts)),
    suppress: (deviceId, ruleId, suppressed, ts) =>
      changed(store.setAlarmDesignSuppression(deviceId, ruleId, suppressed, ts)),
    expire(now) {
      for (const update of store.expireAlarmSuppressions(now)) changed(update)
    },
    counts: () => ({ ...counts }),
  }
}
