import type { BrokerStatus } from '@fm/protocol'
import type { ComponentProps, ReactNode } from 'react'
import { useTranslation } from 'react-i18next'
import { type BrokerState, brokerState, droppedByReason } from '../../health/broker.ts'
import { fillTone } from '../../health/fill.ts'
import { formatAgo, formatBytes, formatElapsed, formatMiB, formatNumber, formatRate } from '../../i18n/format.ts'
import { useLanguage } from '../../i18n/i18n.ts'
import { Figure, FigureList } from './Figures.tsx'
import { FillBar } from './FillBar.tsx'

interface MetricProps {
  /** The figure's path in `BrokerStatus` ("connections.clients"): the test hook and the label's key at once. */
  metric: string
  children: ReactNode
  hint?: ReactNode
  tone?: ComponentProps<typeof Figure>['tone']
}

function Metric({ metric, children, hint, tone }: MetricProps) {
  const { t } = useTranslation()
  return (
    <Figure
      label={t(`system.broker.metrics.${metric}`)}
      testId="broker-metric"
      data={{ 'data-metric': metric }}
      hint={hint}
      tone={tone}
    >
      {children}
    </Figure>
  )
}

function Group({ id, title, hint, children }: { id: string; title: string; hint?: string; children: ReactNode }) {
  return (
    <div className="figure-group" data-group={id}>
      <h3 className="figure-group__title">
        {title}
        {hint && <span className="figure-group__hint">{hint}</span>}
      </h3>
      <FigureList>{children}</FigureList>
    </div>
  )
}

const STATE_LEVEL: Record<Exclude<BrokerState, 'none'>, string> = {
  online: 'normal',
  stale: 'attention',
  offline: 'fault',
}
const STATE_WORD = { online: 'online', stale: 'staleBadge', offline: 'offline' } as const

function BrokerFigures({ broker }: { broker: BrokerStatus }) {
  const { t } = useTranslation()
  const language = useLanguage()
  const n = (value: number) => formatNumber(value, language, 0)
  const zero = (value: number) => (value === 0 ? 'muted' : undefined)
  const { connections, messages, throttled, queues, memory } = broker
  const perSec = (value: number) => t('system.perSec', { n: formatRate(value, language) })
  return (
    <div className="figure-groups">
      <Group id="connections" title={t('system.broker.groups.connections')}>
        <Metric
          metric="connections.clients"
          tone={fillTone(connections.clients, connections.max)}
          hint={t('system.broker.ofMax', { max: n(connections.max) })}
        >
          {n(connections.clients)}
          <FillBar value={connections.clients} limit={connections.max} />
        </Metric>
        <Metric metric="connections.devices">{n(connections.devices)}</Metric>
        <Metric metric="connections.authPending" tone={zero(connections.authPending)}>
          {n(connections.authPending)}
        </Metric>
      </Group>
      <Group id="messages" title={t('system.broker.groups.messages')}>
        <Metric metric="messages.inPerSec">{perSec(messages.inPerSec)}</Metric>
        <Metric metric="messages.outPerSec">{perSec(messages.outPerSec)}</Metric>
        <Metric metric="messages.inTotal">{n(messages.inTotal)}</Metric>
        <Metric metric="messages.outTotal">{n(messages.outTotal)}</Metric>
      </Group>
      <Group id="throttled" title={t('system.broker.groups.throttled')}>
        <Metric metric="throttled.clients" tone={throttled.clients === 0 ? 'muted' : 'warn'}>
          {n(throttled.clients)}
        </Metric>
        <Metric metric="throttled.total" tone={zero(throttled.total)}>
          {n(throttled.total)}
        </Metric>
      </Group>
      <Group id="queues" title={t('system.broker.groups.queues')}>
        <Metric metric="queues.outgoingBytes" tone={zero(queues.outgoingBytes)}>
          {formatBytes(queues.outgoingBytes, language)}
        </Metric>
        <Metric
          metric="queues.largestOutgoingBytes"
          tone={
            queues.largestOutgoingBytes === 0
              ? 'muted'
              : fillTone(queues.largestOutgoingBytes, queues.slowConsumerLimitBytes)
          }
          hint={t('system.broker.limit', { limit: formatBytes(queues.slowConsumerLimitBytes, language) })}
        >
          {formatBytes(queues.largestOutgoingBytes, language)}
          <FillBar value={queues.largestOutgoingBytes} limit={queues.slowConsumerLimitBytes} />
        </Metric>
      </Group>
      <Group id="memory" title={t('system.broker.groups.memory')}>
        <Metric metric="memory.rssBytes">{formatMiB(memory.rssBytes, language)}</Metric>
        <Metric metric="memory.heapUsedBytes">{formatMiB(memory.heapUsedBytes, language)}</Metric>
      </Group>
      <Group id="dropped" title={t('system.broker.groups.dropped')} hint={t('system.broker.sinceStart')}>
        {droppedByReason(broker.dropped).map(({ reason, known, count }) => (
          <Figure
            key={reason}
            label={known ? t(`system.dropReasons.${reason}`) : reason}
            tone={zero(count)}
            testId="broker-dropped"
            data={{ 'data-reason': reason, 'data-count': count }}
          >
            {n(count)}
          </Figure>
        ))}
      </Group>
    </div>
  )
}

/**
 * The broker's own status (`health.broker`), when it publishes one. A stale or offline status keeps its figures on
 * screen, dimmed, under a line that says how old they are: the last numbers before a crash are what an engineer
 * asks for.
 */
export function BrokerPanel({ broker, serverNow }: { broker: BrokerStatus | undefined; serverNow: number }) {
  const { t } = useTranslation()
  const language = useLanguage()
  const state = brokerState(broker, serverNow)
  return (
    <section
      className="panel system-panel system-panel--broker"
      data-testid="broker-status"
      data-state={state}
      aria-labelledby="broker-title"
    >
      <div className="system-panel__head">
        <h2 id="broker-title" className="panel__title">
          {t('system.broker.title')}
        </h2>
        {broker && state !== 'none' && (
          <span
            className="status-badge"
            data-level={STATE_LEVEL[state]}
            data-testid="broker-metric"
            data-metric="online"
          >
            <span className="status-badge__mark" aria-hidden="true" />
            <span>{t(`system.broker.${STATE_WORD[state]}`)}</span>
          </span>
        )}
      </div>
      {broker ? (
        <>
          <p className="system-panel__meta" data-stale={state === 'stale' ? 'true' : undefined}>
            <span data-testid="broker-metric" data-metric="age">
              {t(state === 'stale' ? 'system.broker.stale' : 'system.broker.updated', {
                ago: formatAgo(broker.ts, serverNow, language),
              })}
            </span>
            {/* Only while fresh: a broker that stopped reporting may no longer be running at all. */}
            {state === 'online' && (
              <span data-testid="broker-metric" data-metric="uptime">
                {t('system.broker.uptime')} {formatElapsed(serverNow - broker.startedAt, language, t)}
              </span>
            )}
          </p>
          <div className="system-panel__figures" data-dimmed={state === 'online' ? undefined : 'true'}>
            <BrokerFigures broker={broker} />
          </div>
        </>
      ) : (
        <div className="system-panel__empty">
          <p>{t('system.broker.none')}</p>
          <p className="system-panel__hint">{t('system.broker.noneHint')}</p>
        </div>
      )}
    </section>
  )
}
