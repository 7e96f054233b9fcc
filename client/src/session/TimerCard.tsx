// The shared countdown, in the phase bar so it is there in every phase. Its end is stored in
// server time, and each client adds its own clock offset, so every screen shows the same seconds
// even when laptop clocks disagree. The facilitator starts, pauses, extends and resets it;
// everyone sees it and can mute the chime on their own device.
import { useSyncExternalStore } from 'react'
import { formatCountdown, isTimeUp, pauseTimer, extendTimer, remainingMs, resetTimer, startTimer, type Timer } from '@sandbox/shared'
import { serverNow, useServerNow } from './serverClock.ts'
import { useActions } from './useActions.ts'
import '../styles/attention.css'

/** Lengths the facilitator can pick while the timer is idle, in seconds. */
const LENGTHS_S = [30, 60, 120, 180, 300, 600, 900, 1200, 1800] as const
const lengthLabel = (s: number): string => (s < 60 ? `${s} sec` : `${s / 60} min`)

const MUTE_KEY = 'sandbox.timerMuted'
const muteListeners = new Set<() => void>()

export function isTimerMuted(): boolean {
  try {
    return window.localStorage.getItem(MUTE_KEY) === '1'
  } catch {
    return false
  }
}

function setTimerMuted(muted: boolean): void {
  try {
    if (muted) window.localStorage.setItem(MUTE_KEY, '1')
    else window.localStorage.removeItem(MUTE_KEY)
  } catch {
    // Storage is unavailable: the choice lasts for this page only.
  }
  for (const listener of muteListeners) listener()
}

const subscribeMute = (listener: () => void) => {
  muteListeners.add(listener)
  const onStorage = (event: StorageEvent) => event.key === MUTE_KEY && listener()
  window.addEventListener('storage', onStorage)
  return () => {
    muteListeners.delete(listener)
    window.removeEventListener('storage', onStorage)
  }
}

export const useTimerMuted = (): boolean => useSyncExternalStore(subscribeMute, isTimerMuted)

export function TimerCard({ timer }: { timer: Timer }) {
  const { isFacilitator, write } = useActions()
  const muted = useTimerMuted()
  const now = useServerNow(timer.state === 'running')
  const left = remainingMs(timer, now)
  const timeUp = isTimeUp(timer, now)
  const set = (next: Timer) => write({ session: { timer: next } })
  const stateText = timeUp ? 'Time is up' : timer.state === 'running' ? 'Running' : timer.state === 'paused' ? 'Paused' : 'Not started'
  const fraction = timer.durationMs > 0 ? Math.min(1, left / timer.durationMs) : 0
  const lengthS = Math.round(timer.durationMs / 1000)

  return (
    <div className={`phase-timer phase-timer--${timeUp ? 'up' : timer.state}`} role="group" aria-label="Time box">
      <span className="phase-timer__clock" aria-hidden="true" style={{ ['--timer-fraction' as string]: fraction }} />
      <span className="phase-timer__digits" role="timer" aria-label="Time left">
        {formatCountdown(left)}
      </span>
      <span className="phase-timer__state" role="status">
        {stateText}
      </span>
      {isFacilitator ? (
        <>
          {timer.state === 'running' && !timeUp ? (
            <button type="button" className="button button--secondary button--small phase-timer__primary" onClick={() => set(pauseTimer(timer, serverNow()))}>
              Pause timer
            </button>
          ) : (
            <button type="button" className="button button--secondary button--small phase-timer__primary" onClick={() => set(startTimer(timer, serverNow()))}>
              {timer.state === 'paused' ? 'Resume timer' : 'Start timer'}
            </button>
          )}
          {timer.state !== 'idle' ? (
            <>
              <button type="button" className="button button--ghost button--small" aria-label="Add 1 minute" onClick={() => set(extendTimer(timer, serverNow(), 60_000))}>
                +1 min
              </button>
              <button type="button" className="button button--ghost button--small" aria-label="Add 5 minutes" onClick={() => set(extendTimer(timer, serverNow(), 300_000))}>
                +5 min
              </button>
              <button type="button" className="button button--ghost button--small" aria-label="Reset timer" onClick={() => set(resetTimer(timer))}>
                Reset
              </button>
            </>
          ) : (
            <select
              className="input phase-timer__length"
              aria-label="Timer length"
              value={LENGTHS_S.includes(lengthS as (typeof LENGTHS_S)[number]) ? String(lengthS) : ''}
              onChange={(e) => set(resetTimer(timer, Number(e.target.value) * 1000))}
            >
              {LENGTHS_S.includes(lengthS as (typeof LENGTHS_S)[number]) ? null : <option value="">{formatCountdown(timer.durationMs)}</option>}
              {LENGTHS_S.map((s) => (
                <option key={s} value={s}>
                  {lengthLabel(s)}
                </option>
              ))}
            </select>
          )}
        </>
      ) : null}
      <button
        type="button"
        className={`phase-timer__mute ${muted ? 'phase-timer__mute--on' : ''}`}
        aria-label="Mute the timer sound"
        aria-pressed={muted}
        title={muted ? 'The timer is silent on this device' : 'A soft chime plays when time is up'}
        onClick={() => setTimerMuted(!muted)}
      >
        <BellIcon muted={muted} />
      </button>
    </div>
  )
}

function BellIcon({ muted }: { muted: boolean }) {
  return (
    <svg width="16" height="16" viewBox="0 0 24 24" aria-hidden="true" fill="none" stroke="currentColor" strokeWidth="2" strokeLinecap="round" strokeLinejoin="round">
      <path d="M6 8a6 6 0 0 1 12 0c0 7 3 9 3 9H3s3-2 3-9" />
      <path d="M10.3 21a1.94 1.94 0 0 0 3.4 0" />
      {muted ? <path d="M3 3l18 18" /> : null}
    </svg>
  )
}
