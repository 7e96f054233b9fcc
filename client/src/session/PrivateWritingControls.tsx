// Private writing: people write half-formed ideas without being judged for them. While it is on,
// each person's new stickies are theirs alone (the server keeps them off the shared board); the
// group sees only how many ideas each person has written, until the facilitator reveals them all.
import { useState } from 'react'
import { ideaCounts, privateWritingActive, type Participant } from '@sandbox/shared'
import { useActions } from './useActions.ts'

export interface PrivateWritingControlsProps {
  session: Readonly<Record<string, unknown>>
  participants: readonly Participant[]
}

export function PrivateWritingControls({ session, participants }: PrivateWritingControlsProps) {
  const { isFacilitator, write } = useActions()
  const [anonymous, setAnonymous] = useState(false)
  const active = privateWritingActive(session)
  const counts = ideaCounts(session)
  const writers = participants.filter((p) => (counts[p.id] ?? 0) > 0)
  const total = writers.reduce((sum, p) => sum + (counts[p.id] ?? 0), 0)
  if (!isFacilitator && !active) return null
  return (
    <section className={`panel-card ${active ? 'panel-card--private' : ''}`} aria-labelledby="private-title">
      <h3 id="private-title" className="panel-card__title">
        Write alone first
      </h3>
      {isFacilitator ? (
        <label className="switch-field">
          <input
            type="checkbox"
            role="switch"
            checked={active}
            onChange={(e) => {
              if (e.target.checked) write({ session: { privateWriting: true } })
              else write({ session: { privateWriting: false, anonymousReveal: anonymous } })
            }}
          />
          <span>Private writing</span>
        </label>
      ) : null}
      <p className="panel-card__hint">
        {active
          ? 'Your new stickies are yours alone until the facilitator reveals them: nobody else, not even the facilitator, can read them yet.'
          : 'Each person writes alone first, then everything is revealed at once: ideas are heard before anyone reacts to them.'}
      </p>
      {active ? (
        <p className="private-counts" role="status">
          {total === 0
            ? 'No private ideas yet.'
            : `${total} ${total === 1 ? 'idea' : 'ideas'} so far: ${writers.map((p) => `${p.name} ${counts[p.id]}`).join(', ')}.`}
        </p>
      ) : null}
      {isFacilitator && active ? (
        <>
          <label className="checkbox-field">
            <input type="checkbox" checked={anonymous} onChange={(e) => setAnonymous(e.target.checked)} />
            <span>Reveal without author labels</span>
          </label>
          <button
            type="button"
            className="button button--primary button--small"
            onClick={() => write({ session: { privateWriting: false, anonymousReveal: anonymous } })}
          >
            Reveal stickies
          </button>
        </>
      ) : null}
    </section>
  )
}
