import { StrictMode } from 'react'
import { createRoot } from 'react-dom/client'
import { App } from './App.tsx'
import { prefetchReplay } from './replay/replayPaths.ts'
import { matchRoute } from './router.tsx'
import './styles/app.css'

// Opening a replay: ask the server for the session and its log while the replay's code loads.
const opened = matchRoute(window.location.pathname)
const search = new URLSearchParams(window.location.search)
const openedToken = search.get('token')
if (opened.name === 'replay' && openedToken) prefetchReplay(opened.sessionId, openedToken, Number(search.get('t')) || null)

const root = document.getElementById('root')
if (!root) throw new Error('index.html has no #root element')
createRoot(root).render(
  <StrictMode>
    <App />
  </StrictMode>,
)
