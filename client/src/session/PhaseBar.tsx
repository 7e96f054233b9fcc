// The strip above the board: every phase in order, the current one and what it asks of people,
// and the shared timer. The facilitator moves the group one step at a time, runs the timer and
// can bring everyone to their view; everyone else watches it move.
import { useState } from 'react'
import { canMovePhase, nextPhase, PHASE_INFO, PHASES, phaseIndex, previousPhase, type ParticipantIds, type Phase, type Task } from '@sandbox/shared'
import { BringEveryoneHere } from './BringEveryoneHere.tsx'
import { serverNow } from './serverClock.ts'
import { useSession } from './SessionContext.ts'
import { TimerCard } from './TimerCard.tsx'
import { useActions } from './useActions.ts'
import { useSessionFields } from './useSessionState.ts'

export const MODE_LABEL = { together: 'Together · collaboration', alone: 'On your own · cooperation' } as const

export function PhaseBar({ phase, tasks, participantIds }: { phase: Phase; tasks: readonly Task[]; participantIds: ParticipantIds }) {
  const { isFacilitator, write } = useActions()
  const { timer } = useSessionFields(useSession().doc)
  const [refusal, setRefusal] = useState<{ from: Phase; to: Phase } | null>(null)
  const current = phaseIndex(phase)
  const info = PHASE_INFO[phase]
  const next = nextPhase(phase)
  const previous = previousPhase(phase)

  const move = (to: Phase | null) => {
    if (!to) return
    const verdict = canMovePhase(phase, to, tasks, participantIds)
    if (!verdict.ok) {
      setRefusal({ from: phase, to })
      return
    }
    setRefusal(null)
    write({ session: { phase: to, phaseChangedAt: Math.round(serverNow()) } })
  }
  // Re-judged on every change, so the reason follows the tasks (fewer unowned…) and goes away once fixed.
  const stillRefused = refusal?.from === phase ? canMovePhase(phase, refusal.to, tasks, participantIds) : null
  const shownRefusal = stillRefused && !stillRefused.ok ? stillRefused.reason : null

  return (
    <section className="phase-bar" aria-label="Session phase">
      <div className="phase-bar__row">
        <ol className="phase-steps" aria-label="Phases" tabIndex={0}>
          {PHASES.map((p, i) => (
            <li
              key={p}
              className={`phase-step ${i < current ? 'phase-step--done' : ''} ${i === current ? 'phase-step--current' : ''}`}
              aria-current={i === current ? 'step' : undefined}
            >
              <span className="phase-step__number" aria-hidden="true">
                {i < current ? '✓' : i + 1}
              </span>
              <span className="phase-step__label">{PHASE_INFO[p].label}</span>
            </li>
          ))}
        </ol>
        {isFacilitator ? (
          <div className="phase-bar__actions">
            <BringEveryoneHere />
            <button type="button" className="button button--secondary button--small" disabled={!previous} onClick={() => move(previous)}>
              Previous phase
            </button>
            <button type="button" className="button button--primary button--small" disabled={!next} onClick={() => move(next)}>
              Next phase
            </button>
          </div>
        ) : null}
      </div>
      <div className="phase-bar__line">
        <p className="phase-bar__ask">
          <span className="phase-bar__current">{info.label}</span>
          <span className={`mode-tag mode-tag--${info.mode}`}>{MODE_LABEL[info.mode]}</span>
          <span className="phase-bar__sentence">{info.ask}</span>
        </p>
        <TimerCard timer={timer} />
      </div>
      {shownRefusal ? (
        <p className="phase-bar__refusal" role="alert">
          {shownRefusal}
        </p>
      ) : null}
    </section>
  )
}
