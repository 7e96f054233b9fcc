// A full page for when there is no board to show: unknown session, bad link, server down.
import type { ReactNode } from 'react'
import { Link } from '../router.tsx'

export interface StatusPageProps {
  title: string
  children?: ReactNode
  action?: ReactNode
}

export function StatusPage({ title, children, action }: StatusPageProps) {
  return (
    <main className="status-page">
      <div className="status-page__card">
        <h1 className="status-page__title">{title}</h1>
        {children ? <div className="status-page__text">{children}</div> : null}
        <div className="status-page__actions">
          {action}
          <Link href="/" className="button button--secondary">
            Go to the home page
          </Link>
        </div>
      </div>
    </main>
  )
}
