/**
 * The services of one site in this process, on the real broker and store files, with a clock the test moves: for the
 * alarm tests that restart ingest and the api, or let ten minutes pass, without waiting for them.
 */
import { buildApp, createLive, loadConfig as loadApiConfig } from '@fm/api'
import { createIngest, loadConfig as loadIngestConfig } from '@fm/ingest'
import {
  ALARM_CHANGE_FILTER,
  type AlarmChange,
  decodeAlarmChange,
  decodeWorkOrderChange,
  WORK_ORDER_CHANGE_FILTER,
  type WorkOrderChange,
} from '@fm/protocol'
import { dataFiles, openStore, openTimeSeries } from '@fm/store'
import { connectAsync, type MqttClient } from 'mqtt'
import type { Logger } from 'pino'
import { expect } from 'vitest'

export type Cleanup = (close: () => unknown) => void

/** Messages of one kind on the services' tree, and a way to wait for one. */
export interface Watch<T> {
  changes: T[]
  /** Resolves once a change matching `matches` has been seen (now or later), from the `since`-th change on. */
  next(matches: (change: T) => boolean, since?: number): Promise<T>
}

/** Every message on `filter` that `decode` takes, as the api service sees them. */
async function watchServices<T>(
  mqttUrl: string,
  password: string,
  filter: string,
  decode: (payload: Uint8Array) => { ok: true; value: T } | { ok: false },
  cleanups: Cleanup,
): Promise<Watch<T>> {
  // as the api service: the only role besides ingest that may read the services' tree
  const client = await connectAsync(mqttUrl, {
    username: 'svc-api',
    password,
    clientId: `svc-api-watcher-${process.pid}-${filter.split('/')[3]}`,
    reconnectPeriod: 0,
  })
  cleanups(() => client.endAsync(true))
  const changes: T[] = []
  const waiters = new Set<() => void>()
  client.on('message', (_topic, payload) => {
    const decoded = decode(payload)
    if (!decoded.ok) return
    changes.push(decoded.value)
    for (const waiter of waiters) waiter()
  })
  await client.subscribeAsync(filter, { qos: 1 })
  return {
    changes,
    next(matches, since = 0) {
      return new Promise((resolve) => {
        const check = () => {
          const found = changes.slice(since).find(matches)
          if (!found) return
          waiters.delete(check)
          resolve(found)
        }
        waiters.add(check)
        check()
      })
    },
  }
}

/** Every alarm change on the broker, and a way to wait for one. */
export function watchAlarms(mqttUrl: string, password: string, cleanups: Cleanup): Promise<Watch<AlarmChange>> {
  return watchServices(mqttUrl, password, ALARM_CHANGE_FILTER, decodeAlarmChange, cleanups)
}

/** Every work order opened, changed or escalated, as published by ingest and the api. */
export function watchWorkOrders(mqttUrl: string, password: string, cleanups: Cleanup): Promise<Watch<WorkOrderChange>> {
  return watchServices(mqttUrl, password, WORK_ORDER_CHANGE_FILTER, decodeWorkOrderChange, cleanups)
}

export interface Services {
  apiUrl: string
  stop(): Promise<void>
}

export async function startServices(
  dataDir: string,
  mqttUrl: string,
  passwords: { ingest: string; api: string },
  now: () => number,
  logger: Logger,
): Promise<Services> {
  const files = dataFiles(dataDir)
  const ingestStore = openStore({ file: files.operational, now })
  const series = openTimeSeries({ file: files.timeseries })
  const ingest = createIngest(
    loadIngestConfig({ FM_DATA_DIR: dataDir, FM_MQTT_URL: mqttUrl, FM_INGEST_MQTT_PASSWORD: passwords.ingest }),
    { store: ingestStore, timeseries: series, logger, now },
  )
  await ingest.start()
  const apiStore = openStore({ file: files.operational, now })
  const apiSeries = openTimeSeries({ file: files.timeseries, readOnly: true })
  const config = loadApiConfig({
    FM_DATA_DIR: dataDir,
    FM_MQTT_URL: mqttUrl,
    FM_API_MQTT_PASSWORD: passwords.api,
    FM_API_HOST: '127.0.0.1',
    FM_API_PORT: '0',
  })
  const live = createLive({
    mqttUrl,
    username: config.mqttUsername,
    password: passwords.api,
    store: apiStore,
    logger,
    now,
  })
  await live.start()
  const app = await buildApp(config, { store: apiStore, timeseries: apiSeries, live, logger, now })
  await app.listen({ host: '127.0.0.1', port: 0 })
  const address = app.server.address()
  const port = typeof address === 'object' && address ? address.port : 0
  return {
    apiUrl: `http://127.0.0.1:${port}`,
    async stop() {
      await app.close()
      await live.stop()
      await apiSeries.close()
      apiStore.close()
      await ingest.stop()
      await series.close()
      ingestStore.close()
    },
  }
}

export async function signIn(apiUrl: string, user: { username: string; password: string }): Promise<string> {
  const response = await fetch(`${apiUrl}/api/auth/login`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify(user),
  })
  expect(response.status).toBe(200)
  const cookie = response.headers.getSetCookie().find((value) => value.startsWith('fm_session='))
  return cookie?.split(';')[0] ?? ''
}

export async function post(apiUrl: string, cookie: string, path: string, body: unknown, method = 'POST') {
  const response = await fetch(`${apiUrl}${path}`, {
    method,
    headers: { 'content-type': 'application/json', cookie },
    body: JSON.stringify(body),
  })
  expect(response.status, `${method} ${path}: ${await response.clone().text()}`).toBeLessThan(300)
  return response
}

/** A device connected with its own credentials: as `deviceSpec` makes them, or `password`. */
export async function device(
  mqttUrl: string,
  id: string,
  cleanups: Cleanup,
  password = devicePassword(id),
): Promise<MqttClient> {
  const client = await connectAsync(mqttUrl, {
    username: id,
    password,
    clientId: id,
    reconnectPeriod: 0,
  })
  cleanups(() => client.endAsync(true))
  return client
}

export const devicePassword = (id: string) => `${id}-alarm-test-secret`
