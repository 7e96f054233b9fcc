// Routes: home, board, my tasks, replay. Unknown paths get the not-found page. The board and the
// replay carry tldraw (most of the client's weight) and my tasks carries Yjs: each loads its own
// code when first visited, so the home page works after a small download.
import { lazy, Suspense } from 'react'
import { StatusPage } from './components/StatusPage.tsx'
import { HomePage } from './pages/HomePage.tsx'
import { matchRoute, useLocation } from './router.tsx'

const BoardPage = lazy(() => import('./pages/BoardPage.tsx').then((m) => ({ default: m.BoardPage })))
const MyTasksPage = lazy(() => import('./session/MyTasksPage.tsx').then((m) => ({ default: m.MyTasksPage })))
const ReplayPage = lazy(() => import('./replay/ReplayPage.tsx').then((m) => ({ default: m.ReplayPage })))

function Loading() {
  return (
    <div className="page-loading" aria-busy="true">
      <p className="loading-text">Loading…</p>
    </div>
  )
}

export function App() {
  const location = useLocation()
  const route = matchRoute(location.pathname)
  const token = location.searchParams.get('token')
  switch (route.name) {
    case 'home':
      return <HomePage />
    case 'board':
      return (
        <Suspense fallback={<Loading />}>
          <BoardPage key={route.sessionId} sessionId={route.sessionId} token={token} />
        </Suspense>
      )
    case 'tasks':
      return (
        <Suspense fallback={<Loading />}>
          <MyTasksPage key={route.sessionId} sessionId={route.sessionId} token={token} />
        </Suspense>
      )
    case 'replay':
      return (
        <Suspense fallback={<Loading />}>
          <ReplayPage key={route.sessionId} sessionId={route.sessionId} token={token} at={Number(location.searchParams.get('t')) || null} />
        </Suspense>
      )
    case 'notFound':
      return <StatusPage title="Page not found">The address does not match any page of Sandbox.</StatusPage>
  }
}
