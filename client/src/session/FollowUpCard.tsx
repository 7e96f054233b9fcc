// Review: "Start a follow-up" (facilitator) creates the next session of the series, whose warm-up
// shows this session's tasks and carries the unfinished ones over. Like creating a session, the
// facilitator's browser keeps the new links ("Your sessions" on the home page shows the series).
import { useState } from 'react'
import type { FollowUpResponse } from '@sandbox/shared'
import { CopyField } from '../components/CopyField.tsx'
import { ApiError } from '../lib/api.ts'
import { rememberSession } from '../lib/storage.ts'
import { boardPath, Link } from '../router.tsx'
import '../styles/session-series.css'
import { startFollowUp, useSeries } from './seriesApi.ts'
import { useSession } from './SessionContext.ts'
import { useActions } from './useActions.ts'

export function FollowUpCard() {
  const { sessionId, token, title } = useSession()
  const { isFacilitator, report } = useActions()
  const { series, refresh } = useSeries(sessionId, token, title)
  const [created, setCreated] = useState<FollowUpResponse | null>(null)
  const [busy, setBusy] = useState(false)

  const start = async () => {
    setBusy(true)
    try {
      const next = await startFollowUp(sessionId, token)
      rememberSession(sessionId, title, {}, { id: next.seriesId, position: next.position - 1 })
      rememberSession(next.id, next.title, next.tokens, { id: next.seriesId, position: next.position })
      setCreated(next)
      refresh()
    } catch (e) {
      report(e instanceof ApiError ? e.message : 'The follow-up could not be created; try again.', 'error')
    } finally {
      setBusy(false)
    }
  }

  const sessions = series?.sessions ?? []
  const hasFollowUp = Boolean(series?.followUpId)
  return (
    <section className="panel-card" aria-labelledby="follow-up-title">
      <h3 id="follow-up-title" className="panel-card__title">
        What happens next
      </h3>
      {sessions.length > 1 ? (
        <ol className="series-sessions" aria-label="Sessions in this series">
          {sessions.map((s) => (
            <li key={s.id} className={`series-sessions__item${s.id === sessionId ? ' series-sessions__item--current' : ''}`} aria-current={s.id === sessionId ? 'true' : undefined}>
              {s.position}. {s.title}
            </li>
          ))}
        </ol>
      ) : null}
      {created ? (
        <>
          <p>
            “{created.title}” is ready. Share its join link; its warm-up shows these tasks as people finish them.
          </p>
          <CopyField label="Join link of the follow-up" copyLabel="Copy join link of the follow-up" value={created.joinUrl} />
          <Link href={boardPath(created.id, created.tokens.facilitator)} className="button button--primary button--small">
            Open the follow-up
          </Link>
        </>
      ) : isFacilitator ? (
        <>
          <p className="panel-card__hint">
            {hasFollowUp
              ? 'This session has its follow-up; get its links again here.'
              : 'Meet again later: a follow-up session starts from these action items, shows who finished what, and carries the rest over.'}
          </p>
          <button type="button" className="button button--primary button--small" disabled={busy} onClick={() => void start()}>
            {hasFollowUp ? 'Get the follow-up links' : 'Start a follow-up'}
          </button>
        </>
      ) : (
        <p className="panel-card__hint">
          {hasFollowUp ? 'The facilitator has started a follow-up session; ask them for its link.' : 'The facilitator can start a follow-up session from these action items.'}
        </p>
      )}
    </section>
  )
}
