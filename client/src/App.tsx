// Routes: home, board, my tasks, replay. Unknown paths get the not-found page.
import { StatusPage } from './components/StatusPage.tsx'
import { BoardPage } from './pages/BoardPage.tsx'
import { HomePage } from './pages/HomePage.tsx'
import { ReplayPage } from './replay/ReplayPage.tsx'
import { matchRoute, useLocation } from './router.tsx'
import { MyTasksPage } from './session/MyTasksPage.tsx'

export function App() {
  const location = useLocation()
  const route = matchRoute(location.pathname)
  const token = location.searchParams.get('token')
  switch (route.name) {
    case 'home':
      return <HomePage />
    case 'board':
      return <BoardPage key={route.sessionId} sessionId={route.sessionId} token={token} />
    case 'tasks':
      return <MyTasksPage key={route.sessionId} sessionId={route.sessionId} token={token} />
    case 'replay':
      return <ReplayPage key={route.sessionId} sessionId={route.sessionId} token={token} at={Number(location.searchParams.get('t')) || null} />
    case 'notFound':
      return <StatusPage title="Page not found">The address does not match any page of Sandbox.</StatusPage>
  }
}
