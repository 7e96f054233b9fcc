// Routes: home, board, my tasks, replay. Unknown paths get the not-found page.
import { StatusPage } from './components/StatusPage.tsx'
import { BoardPage } from './pages/BoardPage.tsx'
import { HomePage } from './pages/HomePage.tsx'
import { PlaceholderPage } from './pages/PlaceholderPage.tsx'
import { matchRoute, useLocation } from './router.tsx'

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
      return <PlaceholderPage title="My tasks" sessionId={route.sessionId} token={token} />
    case 'replay':
      return <PlaceholderPage title="Replay" sessionId={route.sessionId} token={token} />
    case 'notFound':
      return <StatusPage title="Page not found">The address does not match any page of Sandbox.</StatusPage>
  }
}
