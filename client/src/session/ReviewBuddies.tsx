// Review buddies: the facilitator gives each task a reviewer who is not its owner, spread evenly
// over the people here (shared/src/pairing.ts `reviewBuddies`); everyone sees what they review.
// Stored in the guarded session field `reviewBuddies`, written by the facilitator only.
import { reviewBuddies, reviewBuddiesSchema, Root, type Task } from '@sandbox/shared'
import { usePeople } from '../board/usePeople.ts'
import '../styles/session-series.css'
import { PersonName, presentOwnerIds, useNamed } from './seriesPeople.tsx'
import { useSession } from './SessionContext.ts'
import { useActions } from './useActions.ts'
import { useYMapJSON } from './useSessionState.ts'

export function ReviewBuddies({ tasks }: { tasks: readonly Task[] }) {
  const { doc, connection, participant } = useSession()
  const { isFacilitator, write, report } = useActions()
  const session = useYMapJSON(doc, Root.session)
  const people = usePeople(connection.provider.awareness)
  const { nameOf, owners } = useNamed(doc)
  const parsed = reviewBuddiesSchema.safeParse(session.reviewBuddies ?? {})
  const buddies = parsed.success ? parsed.data : {}
  const assigned = tasks.filter((t) => buddies[t.id])
  const mine = assigned.filter((t) => buddies[t.id] === participant.id)
  if (tasks.length === 0) return null

  const assign = () => {
    const reviewers = presentOwnerIds(owners, people, true)
    const seed = (Date.now() ^ (typeof session.seed === 'number' ? session.seed : 0)) >>> 0
    const next = reviewBuddies(tasks, reviewers, seed)
    if (Object.keys(next).length === 0) {
      report('Review buddies need at least two people: nobody reviews their own task.', 'error')
      return
    }
    if (write({ session: { reviewBuddies: next } })) report(`${Object.keys(next).length} tasks have a review buddy.`)
  }

  return (
    <section className="panel-card" aria-labelledby="buddies-title">
      <h3 id="buddies-title" className="panel-card__title">
        Review buddies
      </h3>
      {assigned.length > 0 ? (
        <>
          {mine.length > 0 ? (
            <p className="pair-mine" role="status">
              You review: {mine.map((t) => `“${t.title}”`).join(', ')}
            </p>
          ) : null}
          <ul className="series-list" aria-label="Review buddies">
            {assigned.map((t) => (
              <li key={t.id} className="series-task__text">
                {t.title}
                <span className="series-task__meta">
                  {t.ownerName ?? 'No owner'} → reviewed by <PersonName person={nameOf(buddies[t.id] as string)} you={buddies[t.id] === participant.id} />
                </span>
              </li>
            ))}
          </ul>
        </>
      ) : (
        <p className="panel-card__hint">A second pair of eyes on every task: each gets a reviewer who is not its owner, spread evenly over the people here.</p>
      )}
      {isFacilitator ? (
        <button type="button" className="button button--secondary button--small" onClick={assign}>
          Review buddies
        </button>
      ) : null}
    </section>
  )
}
