import { StrictMode } from 'react'
import { createRoot } from 'react-dom/client'
import { I18nextProvider } from 'react-i18next'
import { BrowserRouter } from 'react-router'
import { App } from './App.tsx'
import { createI18n } from './i18n/i18n.ts'
import { LiveSession } from './live/LiveSession.tsx'
import { createLiveStore, LiveStoreContext } from './live/store.ts'
import { SessionProvider } from './session/SessionProvider.tsx'
import { SiteProvider } from './site/SiteProvider.tsx'
import './styles/theme.css'

const root = document.getElementById('root')
if (!root) throw new Error('index.html has no #root element')

const i18n = createI18n()
// One store for the page; `LiveSession` fills it while someone is signed in and empties it when they leave.
const store = createLiveStore()

createRoot(root).render(
  <StrictMode>
    <I18nextProvider i18n={i18n}>
      <LiveStoreContext value={store}>
        <BrowserRouter>
          <SessionProvider>
            <LiveSession />
            <SiteProvider>
              <App />
            </SiteProvider>
          </SessionProvider>
        </BrowserRouter>
      </LiveStoreContext>
    </I18nextProvider>
  </StrictMode>,
)
