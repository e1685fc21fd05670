import { useTranslation } from 'react-i18next'
import { Navigate, Outlet, Route, Routes, useLocation } from 'react-router'
import { AlarmAnnunciator } from './alarms/AlarmAnnunciator.tsx'
import { AlarmStrip } from './components/alarms/AlarmStrip.tsx'
import { SoundBanner } from './components/alarms/SoundBanner.tsx'
import { AppHeader } from './components/layout/AppHeader.tsx'
import { ErrorBoundary } from './components/layout/ErrorBoundary.tsx'
import { KioskBar } from './components/layout/KioskBar.tsx'
import { useConnection, useSnapshotReady } from './live/store.ts'
import { AlarmConsolePage } from './pages/AlarmConsolePage.tsx'
import { AlarmReportPage } from './pages/AlarmReportPage.tsx'
import { AlarmRulesPage } from './pages/AlarmRulesPage.tsx'
import { AuditPage } from './pages/AuditPage.tsx'
import { DeviceAdminPage } from './pages/DeviceAdminPage.tsx'
import { DevicePage } from './pages/DevicePage.tsx'
import { DispatchBoardPage } from './pages/DispatchBoardPage.tsx'
import { LoginPage } from './pages/LoginPage.tsx'
import { MaintenanceKpiPage } from './pages/MaintenanceKpiPage.tsx'
import { MyWorkPage } from './pages/MyWorkPage.tsx'
import { NotFoundPage } from './pages/NotFoundPage.tsx'
import { OverviewPage } from './pages/OverviewPage.tsx'
import { PasswordPage } from './pages/PasswordPage.tsx'
import { PmCalendarPage } from './pages/PmCalendarPage.tsx'
import { SlaPoliciesPage } from './pages/SlaPoliciesPage.tsx'
import { SystemPage } from './pages/SystemPage.tsx'
import { TechniciansPage } from './pages/TechniciansPage.tsx'
import { UsersPage } from './pages/UsersPage.tsx'
import { WorkOrderNewPage } from './pages/WorkOrderNewPage.tsx'
import { WorkOrderPage } from './pages/WorkOrderPage.tsx'
import { PASSWORD_PATH, withNext } from './session/paths.ts'
import { Restricted } from './session/Restricted.tsx'
import { useSession } from './session/SessionContext.ts'

/** Says so when the values on screen stopped being live: a frozen screen must never look like a quiet night. */
function StaleBanner() {
  const { t } = useTranslation()
  const connection = useConnection()
  const ready = useSnapshotReady()
  if (!ready || connection !== 'offline') return null
  return (
    <div className="stale-banner" role="alert">
      {t('connection.stale')}
    </div>
  )
}

function PageError() {
  const { t } = useTranslation()
  return (
    <div className="page">
      <div className="empty-state" role="alert">
        <h1>{t('app.error')}</h1>
        <button type="button" className="button" onClick={() => window.location.reload()}>
          {t('app.reload')}
        </button>
      </div>
    </div>
  )
}

const ALARMS_PATH = '/alarms'

/**
 * The frame of every page: the header (or, for the console on a wall screen, `?kiosk=1`, only the time and the link
 * state), the banners, and the alarms' sound and strip, which follow a guard to every page.
 */
function AppShell() {
  const { t } = useTranslation()
  const { user } = useSession()
  const location = useLocation()
  // A generated or admin-set password is known to someone else: nothing else until the user has chosen their own.
  if (user?.mustChangePassword && location.pathname !== PASSWORD_PATH) {
    return <Navigate to={withNext(PASSWORD_PATH, `${location.pathname}${location.search}`)} replace />
  }
  const onConsole = location.pathname === ALARMS_PATH
  const kiosk = onConsole && new URLSearchParams(location.search).get('kiosk') === '1'
  return (
    <AlarmAnnunciator>
      <a className="skip-link" href="#main">
        {t('app.skipToContent')}
      </a>
      {kiosk ? <KioskBar /> : <AppHeader />}
      <StaleBanner />
      <SoundBanner />
      {!onConsole && <AlarmStrip />}
      <main id="main">
        <ErrorBoundary fallback={<PageError />}>
          <Outlet />
        </ErrorBoundary>
      </main>
    </AlarmAnnunciator>
  )
}

/** Every page but the login needs a signed-in user (the api answers nothing else); some need a permission too. */
export function App() {
  return (
    <Routes>
      <Route path="login" element={<LoginPage />} />
      <Route
        element={
          <Restricted>
            <AppShell />
          </Restricted>
        }
      >
        <Route index element={<OverviewPage />} />
        <Route path="devices/:deviceId" element={<DevicePage />} />
        <Route path="alarms" element={<AlarmConsolePage />} />
        <Route path="alarms/report" element={<AlarmReportPage />} />
        <Route
          path="work-orders"
          element={
            <Restricted permission="workorders.manage">
              <DispatchBoardPage />
            </Restricted>
          }
        />
        {/* Guards, technicians and supervisors report; the page says "not allowed" to anyone else. */}
        <Route path="work-orders/new" element={<WorkOrderNewPage />} />
        {/* Whoever the api lets see it: a technician their own, a supervisor their sites'. */}
        <Route path="work-orders/:id" element={<WorkOrderPage />} />
        <Route
          path="my-work"
          element={
            <Restricted permission="workorders.work">
              <MyWorkPage />
            </Restricted>
          }
        />
        <Route
          path="maintenance/pm"
          element={
            <Restricted permission="workorders.manage">
              <PmCalendarPage />
            </Restricted>
          }
        />
        <Route
          path="maintenance/kpis"
          element={
            <Restricted permission="workorders.manage">
              <MaintenanceKpiPage />
            </Restricted>
          }
        />
        <Route
          path="system"
          element={
            <Restricted permission="system.read">
              <SystemPage />
            </Restricted>
          }
        />
        <Route path="account/password" element={<PasswordPage />} />
        <Route
          path="admin/users"
          element={
            <Restricted permission="users.manage">
              <UsersPage />
            </Restricted>
          }
        />
        <Route
          path="admin/devices"
          element={
            <Restricted permission="devices.manage">
              <DeviceAdminPage />
            </Restricted>
          }
        />
        <Route
          path="admin/alarm-rules"
          element={
            <Restricted permission="rules.manage">
              <AlarmRulesPage />
            </Restricted>
          }
        />
        <Route
          path="admin/sla-policies"
          element={
            <Restricted permission="rules.manage">
              <SlaPoliciesPage />
            </Restricted>
          }
        />
        <Route
          path="admin/technicians"
          element={
            <Restricted permission="workorders.manage">
              <TechniciansPage />
            </Restricted>
          }
        />
        <Route
          path="admin/audit"
          element={
            <Restricted permission="audit.read">
              <AuditPage />
            </Restricted>
          }
        />
        <Route path="*" element={<NotFoundPage />} />
      </Route>
    </Routes>
  )
}
