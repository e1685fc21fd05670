import { useTranslation } from 'react-i18next'
import { Navigate, Outlet, Route, Routes, useLocation } from 'react-router'
import { AppHeader } from './components/layout/AppHeader.tsx'
import { ErrorBoundary } from './components/layout/ErrorBoundary.tsx'
import { useConnection, useSnapshotReady } from './live/store.ts'
import { AuditPage } from './pages/AuditPage.tsx'
import { DeviceAdminPage } from './pages/DeviceAdminPage.tsx'
import { DevicePage } from './pages/DevicePage.tsx'
import { LoginPage } from './pages/LoginPage.tsx'
import { NotFoundPage } from './pages/NotFoundPage.tsx'
import { OverviewPage } from './pages/OverviewPage.tsx'
import { PasswordPage } from './pages/PasswordPage.tsx'
import { SystemPage } from './pages/SystemPage.tsx'
import { UsersPage } from './pages/UsersPage.tsx'
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

function AppShell() {
  const { t } = useTranslation()
  const { user } = useSession()
  const location = useLocation()
  // A generated or admin-set password is known to someone else: nothing else until the user has chosen their own.
  if (user?.mustChangePassword && location.pathname !== PASSWORD_PATH) {
    return <Navigate to={withNext(PASSWORD_PATH, `${location.pathname}${location.search}`)} replace />
  }
  return (
    <>
      <a className="skip-link" href="#main">
        {t('app.skipToContent')}
      </a>
      <AppHeader />
      <StaleBanner />
      <main id="main">
        <ErrorBoundary fallback={<PageError />}>
          <Outlet />
        </ErrorBoundary>
      </main>
    </>
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
