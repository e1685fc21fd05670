/**
 * Creates what the layout needs on an InfluxDB 2.x server (docs/storage.md): the three buckets with their retention
 * and the two roll-up tasks. Idempotent: what exists and matches is left alone, a bucket with another retention or a
 * task with other Flux (or switched off) is updated in place, so rerunning it after an upgrade applies the new
 * layout. Needs a token that may read and write buckets and tasks in the organisation (an operator token, or an
 * all-access token of the org).
 *
 * Unproven against a real server here (there is none on our machines); the contract suite run with INFLUX_URL
 * exercises it.
 */
import { HttpError, type InfluxDB } from '@influxdata/influxdb-client'
import { type Bucket, BucketsAPI, OrgsAPI, TasksAPI } from '@influxdata/influxdb-client-apis'
import { rollupTaskFlux, rollupTaskName } from './influx-flux.ts'
import { bucketOf, retentionSecondsOf } from './influx-layout.ts'
import { TIERS } from './tiers.ts'

export type SetupAction = 'created' | 'updated' | 'unchanged'

export interface InfluxSetupResult {
  orgID: string
  buckets: { name: string; retentionSeconds: number; action: SetupAction }[]
  tasks: { name: string; action: SetupAction }[]
}

/** InfluxDB answers 404 to a lookup by name of an organisation or bucket that does not exist. */
async function unlessNotFound<T>(lookup: Promise<T>): Promise<T | undefined> {
  try {
    return await lookup
  } catch (error) {
    if (error instanceof HttpError && error.statusCode === 404) return undefined
    throw error
  }
}

async function findOrgId(influx: InfluxDB, org: string): Promise<string> {
  const answer = await unlessNotFound(new OrgsAPI(influx).getOrgs({ org }))
  const id = answer?.orgs?.find((candidate) => candidate.name === org)?.id
  if (id === undefined) throw new Error(`InfluxDB organisation "${org}" does not exist (INFLUX_ORG)`)
  return id
}

/** 0 = infinite, as InfluxDB reports a bucket without an expiry rule. */
function retentionOf(bucket: Bucket): number {
  return bucket.retentionRules.find((rule) => (rule.type ?? 'expire') === 'expire')?.everySeconds ?? 0
}

async function ensureBucket(api: BucketsAPI, orgID: string, name: string, everySeconds: number): Promise<SetupAction> {
  const answer = await unlessNotFound(api.getBuckets({ orgID, name }))
  const existing = answer?.buckets?.find((bucket) => bucket.name === name)
  const retentionRules = [{ type: 'expire' as const, everySeconds }]
  if (!existing?.id) {
    await api.postBuckets({ body: { orgID, name, retentionRules, description: 'facility-monitor time series' } })
    return 'created'
  }
  if (retentionOf(existing) === everySeconds) return 'unchanged'
  await api.patchBucketsID({ bucketID: existing.id, body: { retentionRules } })
  return 'updated'
}

async function ensureTask(api: TasksAPI, orgID: string, name: string, flux: string): Promise<SetupAction> {
  const answer = await api.getTasks({ orgID, name })
  const existing = answer.tasks?.find((task) => task.name === name)
  if (!existing) {
    const description = 'facility-monitor roll-up: min, max, mean, last and count per field and window'
    await api.postTasks({ body: { orgID, flux, status: 'active', description } })
    return 'created'
  }
  if (existing.flux === flux && existing.status === 'active') return 'unchanged'
  await api.patchTasksID({ taskID: existing.id, body: { flux, status: 'active' } })
  return 'updated'
}

/** Buckets first: a task is checked against the buckets it reads and writes when it is saved. */
export async function setupInflux(influx: InfluxDB, org: string, bucket: string): Promise<InfluxSetupResult> {
  const orgID = await findOrgId(influx, org)
  const bucketsApi = new BucketsAPI(influx)
  const buckets: InfluxSetupResult['buckets'] = []
  for (const tier of TIERS) {
    const name = bucketOf(bucket, tier)
    const retentionSeconds = retentionSecondsOf(tier)
    buckets.push({ name, retentionSeconds, action: await ensureBucket(bucketsApi, orgID, name, retentionSeconds) })
  }
  const tasksApi = new TasksAPI(influx)
  const tasks: InfluxSetupResult['tasks'] = []
  for (const tier of ['1m', '1h'] as const) {
    const name = rollupTaskName(bucket, tier)
    tasks.push({ name, action: await ensureTask(tasksApi, orgID, name, rollupTaskFlux(bucket, org, tier)) })
  }
  return { orgID, buckets, tasks }
}
