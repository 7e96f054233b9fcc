// Start a session, hand out its three links, and find the sessions this browser has seen.
import { useState, type FormEvent } from 'react'
import { ApiError, createSession, type CreatedSession } from '../lib/api.ts'
import { bestToken, heldLinks, loadSessions, rememberSession, type SessionEntry } from '../lib/storage.ts'
import { CopyField } from '../components/CopyField.tsx'
import { ROLE_LABEL } from '../components/TopBar.tsx'
import { Link, boardPath, replayPath } from '../router.tsx'
import '../styles/session-links.css'
import type { Role } from '@sandbox/shared'
import { homeRows } from './homeRows.ts'
import { SeriesRow } from './SeriesRow.tsx'

/** How "Your sessions" names each link it keeps. */
const LINK_LABEL: Record<Role, string> = {
  facilitator: 'Facilitator link (yours — do not share)',
  participant: 'Join link',
  viewer: 'View-only link',
}
const LINK_NAME: Record<Role, string> = { facilitator: 'facilitator link', participant: 'join link', viewer: 'view-only link' }

export function HomePage() {
  const [title, setTitle] = useState('')
  const [busy, setBusy] = useState(false)
  const [error, setError] = useState<string | null>(null)
  const [created, setCreated] = useState<(CreatedSession & { title: string }) | null>(null)
  const [sessions, setSessions] = useState<SessionEntry[]>(loadSessions)

  const submit = async (event: FormEvent) => {
    event.preventDefault()
    if (busy) return
    const chosenTitle = title.trim() || 'Untitled session'
    setBusy(true)
    setError(null)
    try {
      const session = await createSession(chosenTitle)
      rememberSession(session.id, session.title ?? chosenTitle, session.tokens)
      setCreated({ ...session, title: session.title ?? chosenTitle })
      setSessions(loadSessions())
      setTitle('')
    } catch (e) {
      setError(e instanceof ApiError ? e.message : 'The session could not be created. Try again.')
    } finally {
      setBusy(false)
    }
  }

  return (
    <div className="home">
      <header className="home__header">
        <span className="brand-mark brand-mark--large" aria-hidden="true" />
        <h1 className="home__title">Sandbox</h1>
        <p className="home__pitch">
          Sessions where the group collaborates on sticky notes, then splits the chosen ones into tasks with one owner each.
        </p>
      </header>

      <main className="home__main">
        <section className="card" aria-labelledby="new-session-heading">
          <h2 id="new-session-heading" className="card__title">
            Start a session
          </h2>
          <form className="create-form" onSubmit={(e) => void submit(e)}>
            <label htmlFor="session-title" className="field-label">
              Session title
            </label>
            <div className="create-form__row">
              <input
                id="session-title"
                className="input"
                type="text"
                placeholder="e.g. Onboarding ideas for Q3"
                maxLength={200}
                value={title}
                onChange={(e) => setTitle(e.target.value)}
              />
              <button type="submit" className="button button--primary" disabled={busy}>
                {busy ? 'Creating…' : 'Create session'}
              </button>
            </div>
            {error ? (
              <p className="field-error" role="alert">
                {error}
              </p>
            ) : null}
          </form>

          {created ? (
            <div className="created" aria-labelledby="created-heading">
              <h3 id="created-heading" className="created__title">
                “{created.title}” is ready
              </h3>
              <p className="created__text">Share the join link with the group. Keep the facilitator link to yourself.</p>
              <CopyField label="Join link" copyLabel="Copy join link" value={created.joinUrl} hint="Everyone who brainstorms." />
              <CopyField
                label="Facilitator link"
                copyLabel="Copy facilitator link"
                value={created.facilitatorUrl}
                hint="Moves the group through the phases and assigns tasks."
              />
              <CopyField label="View-only link" copyLabel="Copy view-only link" value={created.viewUrl} hint="Watch without editing." />
              <Link href={boardPath(created.id, created.tokens.facilitator)} className="button button--primary created__open">
                Open board as facilitator
              </Link>
            </div>
          ) : null}
        </section>

        <section className="card" aria-labelledby="your-sessions-heading">
          <h2 id="your-sessions-heading" className="card__title">
            Your sessions
          </h2>
          {sessions.length === 0 ? (
            <p className="muted">Sessions you create or open a link of in this browser appear here, with every link you were given.</p>
          ) : (
            <ul className="session-list">
              {homeRows(sessions).map((row) =>
                row.kind === 'series' ? <SeriesRow key={row.id} entries={row.entries} /> : <SessionRow key={row.entry.id} entry={row.entry} />,
              )}
            </ul>
          )}
        </section>
      </main>
    </div>
  )
}

function SessionRow({ entry }: { entry: SessionEntry }) {
  const best = bestToken(entry)
  if (!best) return null
  const links = heldLinks(entry)
  const title = entry.title || 'Untitled session'
  return (
    <li className="session-list__item session-list__item--links">
      <div className="session-list__head">
        <div className="session-list__main">
          <Link href={boardPath(entry.id, best.token)} className="session-list__link">
            {title}
          </Link>
          <span className="session-list__meta">
            {ROLE_LABEL[best.role]} · {new Date(entry.lastOpenedAt).toLocaleDateString(undefined, { dateStyle: 'medium' })}
          </span>
        </div>
        <Link href={replayPath(entry.id, best.token)} className="button button--ghost button--small">
          Replay
        </Link>
      </div>
      {/* Every link this browser was given, so a facilitator can always hand out the join link again. */}
      <details className="session-links">
        <summary className="session-links__summary">
          {links.length === 1 ? 'Your link' : `Your ${links.length} links`}
          <span className="visually-hidden"> for {title}</span>
          <span className="session-links__roles" aria-hidden="true">
            {links.map((l) => ROLE_LABEL[l.role]).join(' · ')}
          </span>
        </summary>
        <div className="session-links__body">
          {links.map(({ role, token }) => (
            <CopyField
              key={role}
              label={LINK_LABEL[role]}
              copyLabel={`Copy ${LINK_NAME[role]} of ${title}`}
              value={new URL(boardPath(entry.id, token), window.location.origin).href}
            />
          ))}
        </div>
      </details>
    </li>
  )
}
