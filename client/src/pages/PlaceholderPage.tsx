// Stand-in for pages other engineers are building (my tasks, replay).
import { Link, boardPath } from '../router.tsx'

export function PlaceholderPage({ title, sessionId, token }: { title: string; sessionId: string; token: string | null }) {
  return (
    <main className="status-page">
      <div className="status-page__card">
        <h1 className="status-page__title">{title}</h1>
        <p className="status-page__text">This page is coming soon.</p>
        <div className="status-page__actions">
          {token ? (
            <Link href={boardPath(sessionId, token)} className="button button--primary">
              Back to the board
            </Link>
          ) : null}
          <Link href="/" className="button button--secondary">
            Go to the home page
          </Link>
        </div>
      </div>
    </main>
  )
}
