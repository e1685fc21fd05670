import type { AlarmView } from '@fm/protocol'
import { useLayoutEffect, useMemo, useRef, useState } from 'react'
import { useTranslation } from 'react-i18next'
import { Link, useSearchParams } from 'react-router'
import { useAnnunciator } from '../alarms/AnnunciatorContext.ts'
import { consoleSections, type FloodGroup, floodView, needsAck } from '../alarms/console-order.ts'
import { isFireAlarm } from '../alarms/rules.ts'
import { AlarmRow } from '../components/alarms/AlarmRow.tsx'
import { FloodBanner } from '../components/alarms/FloodBanner.tsx'
import { type AlarmResponder, useAlarmResponder } from '../components/alarms/useAlarmResponder.tsx'
import { ConfirmDialog } from '../components/forms/ConfirmDialog.tsx'
import { Loading } from '../components/layout/Loading.tsx'
import { localName } from '../i18n/format.ts'
import { useLanguage } from '../i18n/i18n.ts'
import { useAlarms, useFloods, useSnapshotReady } from '../live/store.ts'
import { useSite } from '../site/SiteContext.ts'
import '../components/alarms/Alarms.css'
import '../components/forms/forms.css'

/** Elements whose own keys win over the console's: typing a reason must not acknowledge anything. */
const OWN_KEYS = 'input, textarea, select, [contenteditable="true"], dialog'
/** Elements that Enter activates by themselves. */
const ACTIVATED_BY_ENTER = 'button, a[href], summary'

/** Alarms that "acknowledge all" may take at once: P0 and P1 must be looked at one by one. */
const BULK_ACK_PRIORITIES: ReadonlySet<string> = new Set(['P2', 'P3'])

interface RowListProps {
  alarms: readonly AlarmView[]
  selectedId: number | undefined
  isExpanded: (alarm: AlarmView) => boolean
  onOpen: (alarm: AlarmView) => void
  register: (id: number, element: HTMLButtonElement | null) => void
  responder: AlarmResponder
  testId?: string
}

function RowList({ alarms, selectedId, isExpanded, onOpen, register, responder, testId }: RowListProps) {
  return (
    <ul className="alarm-list" data-testid={testId}>
      {alarms.map((alarm) => (
        <AlarmRow
          key={alarm.id}
          alarm={alarm}
          selected={alarm.id === selectedId}
          expanded={isExpanded(alarm)}
          onOpen={() => onOpen(alarm)}
          buttonRef={(element) => register(alarm.id, element)}
          roving
          responder={responder}
        />
      ))}
    </ul>
  )
}

function FloodGroupHeading({ group }: { group: FloodGroup }) {
  const { t } = useTranslation()
  const language = useLanguage()
  const { site } = useSite()
  const building = site?.buildings.find((b) => b.id === group.buildingId)
  const name = building ? localName(building, language) : (group.buildingId ?? t('alarms.flood.siteWide'))
  return (
    <h2 className="flood-group__title">
      {name} <span className="flood-group__count">{t('alarms.flood.groupCount', { count: group.alarms.length })}</span>
    </h2>
  )
}

/**
 * `/alarms`: the control room's alarm console (ISA-18.2, EEMUA 191). The live list, unacknowledged alarms pinned on top
 * and flashing, then by priority and age; shelved and out-of-service alarms apart; in a flood only P0 and P1, by
 * building. Everything works from the keyboard (the help line lists the keys), and `?kiosk=1` fills a wall screen.
 * `?alarm=<id>` opens one alarm (the strip and the device page link here).
 */
export function AlarmConsolePage() {
  const { t } = useTranslation()
  const [params, setParams] = useSearchParams()
  const kiosk = params.get('kiosk') === '1'
  const linked = Number(params.get('alarm')) || undefined
  const ready = useSnapshotReady()
  const alarms = useAlarms()
  const floods = useFloods()
  const { site } = useSite()
  const annunciator = useAnnunciator()
  const { responder, error, dialogs } = useAlarmResponder()

  const { active, suppressed } = useMemo(() => consoleSections(alarms), [alarms])
  const flooding = useMemo(() => [...floods.values()].filter((flood) => flood.active), [floods])
  const flood = useMemo(() => (flooding.length > 0 ? floodView(active, site) : undefined), [flooding, active, site])
  const [showRest, setShowRest] = useState(false)
  const [suppressedOpen, setSuppressedOpen] = useState(false)
  const [selectedId, setSelectedId] = useState(linked)
  const [expanded, setExpanded] = useState<ReadonlySet<number>>(() => new Set(linked ? [linked] : []))
  // Fire alarms open by themselves (the checklist is the required record); these the operator closed.
  const [closed, setClosed] = useState<ReadonlySet<number>>(new Set())
  const [confirmAll, setConfirmAll] = useState(false)
  // The alarm that `s` could not shelve (a P0): the page says why.
  const [shelveRefused, setShelveRefused] = useState<number>()
  const buttons = useRef(new Map<number, HTMLButtonElement>())

  const visible = flood ? [...flood.groups.flatMap((group) => group.alarms), ...(showRest ? flood.rest : [])] : active
  const navigable = suppressedOpen ? [...visible, ...suppressed] : visible
  const selected = navigable.find((alarm) => alarm.id === selectedId) ?? navigable[0]
  const bulk = visible.filter((alarm) => needsAck(alarm) && BULK_ACK_PRIORITIES.has(alarm.priority))
  const waiting = active.filter(needsAck).length

  const isExpanded = (alarm: AlarmView) =>
    closed.has(alarm.id) ? false : expanded.has(alarm.id) || (isFireAlarm(alarm) && alarm.active)
  const toggle = (alarm: AlarmView) => {
    const open = isExpanded(alarm)
    const without = (set: ReadonlySet<number>) => new Set([...set].filter((id) => id !== alarm.id))
    setExpanded((set) => (open ? without(set) : new Set(set).add(alarm.id)))
    setClosed((set) => (open ? new Set(set).add(alarm.id) : without(set)))
  }
  const open = (alarm: AlarmView) => {
    setSelectedId(alarm.id)
    toggle(alarm)
  }
  const register = (id: number, element: HTMLButtonElement | null) => {
    if (element) buttons.current.set(id, element)
    else buttons.current.delete(id)
  }
  const select = (alarm: AlarmView | undefined) => {
    if (!alarm) return
    setSelectedId(alarm.id)
    buttons.current.get(alarm.id)?.focus()
  }

  /** Acknowledges the selected alarm; then the next one waiting is selected, so "a, a, a" works down the list. */
  const acknowledge = async (alarm: AlarmView) => {
    const next = navigable.find((other) => other.id !== alarm.id && needsAck(other))
    if ((await responder.acknowledge(alarm)) && next) select(next)
  }
  const shelve = (alarm: AlarmView) => {
    setShelveRefused(alarm.priority === 'P0' ? alarm.id : undefined)
    if (alarm.priority !== 'P0' && !alarm.shelved && !alarm.outOfService) responder.openShelve(alarm)
  }
  const acknowledgeAll = async () => {
    setConfirmAll(false)
    for (const alarm of bulk) if (!(await responder.acknowledge(alarm))) return
  }

  const keyHandler = useRef<(event: KeyboardEvent) => void>(() => {})
  keyHandler.current = (event) => {
    if (event.defaultPrevented || event.ctrlKey || event.metaKey || event.altKey) return
    if (responder.dialogOpen || confirmAll) return
    const target = event.target instanceof Element ? event.target : null
    if (target?.closest(OWN_KEYS)) return
    const index = selected ? navigable.indexOf(selected) : -1
    const respond = responder.canRespond && selected !== undefined
    switch (event.key) {
      case 'ArrowDown':
      case 'j':
        select(navigable[Math.min(navigable.length - 1, index + 1)])
        break
      case 'ArrowUp':
      case 'k':
        select(navigable[Math.max(0, index - 1)])
        break
      case 'Enter':
        if (target?.closest(ACTIVATED_BY_ENTER) || !selected) return
        open(selected)
        break
      case 'Escape':
        if (selected && isExpanded(selected)) toggle(selected)
        break
      case 'a':
        if (respond && needsAck(selected)) void acknowledge(selected)
        break
      case 's':
        if (respond) shelve(selected)
        break
      case 'r':
        if (respond && selected.latched && selected.active && !selected.conditionActive) void responder.reset(selected)
        break
      case 'm':
        // With a P0 siren on, the line under the head already says why nothing happens.
        if (annunciator.canSilence) annunciator.silence()
        break
      default:
        return
    }
    event.preventDefault()
  }
  // A layout effect: the keys work from the moment the console is on screen, not a frame later.
  useLayoutEffect(() => {
    const listener = (event: KeyboardEvent) => keyHandler.current(event)
    window.addEventListener('keydown', listener)
    return () => window.removeEventListener('keydown', listener)
  }, [])

  const setKiosk = (on: boolean) =>
    setParams(
      (previous) => {
        const next = new URLSearchParams(previous)
        if (on) next.set('kiosk', '1')
        else next.delete('kiosk')
        return next
      },
      { replace: true },
    )

  const rows = (list: readonly AlarmView[], testId?: string) => (
    <RowList
      alarms={list}
      selectedId={selected?.id}
      isExpanded={isExpanded}
      onOpen={open}
      register={register}
      responder={responder}
      testId={testId}
    />
  )

  return (
    <div
      className={kiosk ? 'page alarm-console alarm-console--kiosk' : 'page alarm-console'}
      data-testid="alarm-console"
      data-audio-state={annunciator.state}
      data-kiosk={kiosk}
      data-flood={flood !== undefined}
    >
      <title>{`${t('alarms.title')} · ${t('app.name')}`}</title>
      <div className="alarm-console__head">
        <div>
          <h1 className="alarm-console__title">{t('alarms.title')}</h1>
          <p className="alarm-console__counts" data-testid="alarm-counts">
            {t('alarms.counts', { waiting, active: active.length, suppressed: suppressed.length })}
          </p>
        </div>
        <div className="alarm-console__tools">
          {annunciator.enabled && (
            <button
              type="button"
              className="button"
              data-testid="alarm-silence"
              data-state={annunciator.state}
              disabled={!annunciator.canSilence}
              aria-describedby={annunciator.siren ? 'alarm-silence-reason' : undefined}
              onClick={annunciator.silence}
            >
              {t('alarms.actions.silence')}
            </button>
          )}
          {responder.canRespond && bulk.length > 0 && (
            <button type="button" className="button" data-testid="alarm-ack-all" onClick={() => setConfirmAll(true)}>
              {t('alarms.actions.ackAll', { count: bulk.length })}
            </button>
          )}
          <button
            type="button"
            className="button"
            data-testid="kiosk-toggle"
            aria-pressed={kiosk}
            onClick={() => setKiosk(!kiosk)}
          >
            {t(kiosk ? 'alarms.kiosk.leave' : 'alarms.kiosk.enter')}
          </button>
          {!kiosk && (
            <Link to="/alarms/report" className="button" data-testid="alarm-report-link">
              {t('alarms.report')}
            </Link>
          )}
        </div>
      </div>
      {annunciator.siren && (
        <p className="notice alarm-console__refusal" id="alarm-silence-reason" data-testid="alarm-silence-reason">
          {t('alarms.p0NoSilence')}
        </p>
      )}
      {shelveRefused !== undefined && shelveRefused === selected?.id && (
        <p className="notice alarm-console__refusal" role="status" data-testid="alarm-shelve-refused">
          {t('alarms.p0NoShelve')}
        </p>
      )}
      {annunciator.enabled && annunciator.state === 'unavailable' && (
        <p className="notice" data-testid="sound-unavailable">
          {t('alarms.sound.unavailable')}
        </p>
      )}
      {flooding.map((status) => (
        <FloodBanner key={status.siteId} flood={status} />
      ))}
      {error}
      <p className="alarm-console__keys" data-testid="alarm-keys">
        {t(responder.canRespond ? 'alarms.keys.respond' : 'alarms.keys.read')}
      </p>
      {!ready ? (
        <Loading text={t('app.waitingForData')} />
      ) : flood ? (
        <div className="flood-view" data-testid="flood-view">
          {flood.groups.map((group) => (
            <section
              key={group.key}
              className="flood-group"
              data-testid="flood-group"
              data-building-id={group.buildingId ?? 'site'}
            >
              <FloodGroupHeading group={group} />
              {rows(group.alarms)}
            </section>
          ))}
          {flood.rest.length > 0 && (
            <div className="flood-rest">
              <p data-testid="flood-rest" data-count={flood.rest.length}>
                {t('alarms.flood.rest', { count: flood.rest.length })}
              </p>
              <button
                type="button"
                className="button"
                data-testid="flood-show-rest"
                aria-expanded={showRest}
                onClick={() => setShowRest((value) => !value)}
              >
                {t(showRest ? 'alarms.flood.hideRest' : 'alarms.flood.showRest')}
              </button>
              {showRest && rows(flood.rest, 'flood-rest-list')}
            </div>
          )}
        </div>
      ) : active.length === 0 ? (
        <p className="alarm-console__empty" data-testid="alarm-empty">
          {t('alarms.empty')}
        </p>
      ) : (
        rows(active, 'alarm-list')
      )}
      {suppressed.length > 0 && (
        <section className="alarm-suppressed" data-testid="alarm-suppressed">
          <button
            type="button"
            className="alarm-suppressed__toggle"
            data-testid="alarm-suppressed-toggle"
            aria-expanded={suppressedOpen}
            onClick={() => setSuppressedOpen((value) => !value)}
          >
            {t('alarms.suppressedTitle', { count: suppressed.length })}
          </button>
          {suppressedOpen && rows(suppressed)}
        </section>
      )}
      {dialogs}
      {confirmAll && (
        <ConfirmDialog
          title={t('alarms.ackAllTitle', { count: bulk.length })}
          confirmLabel={t('alarms.actions.ackAllConfirm')}
          cancelLabel={t('alarms.dialog.cancel')}
          onConfirm={() => void acknowledgeAll()}
          onCancel={() => setConfirmAll(false)}
          testId="confirm-ack-all"
        >
          <p>{t('alarms.ackAllBody')}</p>
        </ConfirmDialog>
      )}
    </div>
  )
}
