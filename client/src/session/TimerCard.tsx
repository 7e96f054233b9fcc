// The shared countdown. Its end is stored in server time, and each client adds its own clock
// offset, so every screen shows the same seconds even when laptop clocks disagree.
import { formatCountdown, isTimeUp, pauseTimer, extendTimer, remainingMs, resetTimer, startTimer, type Timer } from '@sandbox/shared'
import { serverNow, useServerNow } from './serverClock.ts'
import { useActions } from './useActions.ts'

const PRESETS_MIN = [5, 10, 15] as const

export function TimerCard({ timer }: { timer: Timer }) {
  const { isFacilitator, write } = useActions()
  const now = useServerNow(timer.state === 'running')
  const left = remainingMs(timer, now)
  const timeUp = isTimeUp(timer, now)
  const set = (next: Timer) => write({ session: { timer: next } })
  const stateText = timeUp ? 'Time is up' : timer.state === 'running' ? 'Running' : timer.state === 'paused' ? 'Paused' : 'Not started'
  const fraction = timer.durationMs > 0 ? Math.min(1, left / timer.durationMs) : 0

  return (
    <section className={`panel-card timer ${timeUp ? 'timer--up' : ''}`} aria-labelledby="timer-title">
      <h3 id="timer-title" className="panel-card__title">
        Time box
      </h3>
      <div className="timer__display">
        <span className="timer__digits" role="timer" aria-label="Time left">
          {formatCountdown(left)}
        </span>
        <span className="timer__state" role="status">
          {stateText}
        </span>
      </div>
      <div className="timer__track" aria-hidden="true">
        <div className="timer__fill" style={{ width: `${fraction * 100}%` }} />
      </div>
      {isFacilitator ? (
        <div className="timer__controls">
          {timer.state === 'running' && !timeUp ? (
            <button type="button" className="button button--primary button--small" onClick={() => set(pauseTimer(timer, serverNow()))}>
              Pause timer
            </button>
          ) : (
            <button type="button" className="button button--primary button--small" onClick={() => set(startTimer(timer, serverNow()))}>
              {timer.state === 'paused' ? 'Resume timer' : 'Start timer'}
            </button>
          )}
          <button type="button" className="button button--secondary button--small" aria-label="Add 1 minute" onClick={() => set(extendTimer(timer, serverNow(), 60_000))}>
            +1 min
          </button>
          <button type="button" className="button button--secondary button--small" aria-label="Add 5 minutes" onClick={() => set(extendTimer(timer, serverNow(), 300_000))}>
            +5 min
          </button>
          {timer.state !== 'idle' ? (
            <button type="button" className="button button--ghost button--small" onClick={() => set(resetTimer(timer))}>
              Reset
            </button>
          ) : (
            <span className="timer__presets" role="group" aria-label="Length">
              {PRESETS_MIN.map((m) => (
                <button
                  key={m}
                  type="button"
                  className={`chip ${timer.durationMs === m * 60_000 ? 'chip--on' : ''}`}
                  aria-pressed={timer.durationMs === m * 60_000}
                  onClick={() => set(resetTimer(timer, m * 60_000))}
                >
                  {m} min
                </button>
              ))}
            </span>
          )}
        </div>
      ) : null}
    </section>
  )
}
