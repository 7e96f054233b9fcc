// Warm-up: a conversation starter while people arrive. Trust comes before collaboration; a minute
// of small talk makes it easier to say "I don't know" later.
import { WARMUP_QUESTIONS, warmupQuestion } from '@sandbox/shared'
import type { Person } from '../board/usePeople.ts'
import { useActions } from './useActions.ts'
import { PreviousTasks } from './PreviousTasks.tsx'
import { PairingCard } from './PairingCard.tsx'

export function WarmupPanel({ warmupIndex, people }: { warmupIndex: number; people: readonly Person[] }) {
  const { isFacilitator, write } = useActions()
  const shuffle = () => {
    // Any other question, never the same one twice in a row.
    const step = 1 + Math.floor(Math.random() * (WARMUP_QUESTIONS.length - 1))
    write({ session: { warmupIndex: (warmupIndex + step) % WARMUP_QUESTIONS.length } })
  }
  return (
    <>
      <section className="panel-card panel-card--question" aria-labelledby="warmup-title">
        <h3 id="warmup-title" className="panel-card__eyebrow">
          Conversation starter
        </h3>
        {/* The question is shown once, large, in the middle of the board (CanvasBanner, hidden from
            screen readers); here it is read out, not shown a second time. */}
        <p className="warmup-question visually-hidden">{warmupQuestion(warmupIndex)}</p>
        <p className="panel-card__hint">
          The question is in the middle of the board. Go round once; a sentence each is plenty. People share ideas more freely with people they know a little.
        </p>
        {isFacilitator ? (
          <button type="button" className="button button--secondary button--small" onClick={shuffle}>
            Another question
          </button>
        ) : null}
      </section>
      <PreviousTasks />
      <PairingCard people={people} />
      <section className="panel-card" aria-labelledby="here-title">
        <h3 id="here-title" className="panel-card__title">
          Here now <span className="count-pill">{people.length}</span>
        </h3>
        <ul className="people-list" aria-label="People here now">
          {people.map((p) => (
            <li key={p.id} className="people-list__item">
              <span className="dot" style={{ backgroundColor: p.color }} aria-hidden="true" />
              {p.name}
              {p.isSelf ? <span className="muted"> (you)</span> : null}
            </li>
          ))}
        </ul>
      </section>
    </>
  )
}
