// The shared countdown (session.timer) as pure transitions. Every time is server time (epoch ms):
// each client adds its estimated clock offset before calling these, so all show the same seconds.
import type { Timer } from './schema.ts'

export const MAX_TIMER_MS = 86_400_000
const clamp = (ms: number): number => Math.max(0, Math.min(MAX_TIMER_MS, Math.round(ms)))

/** Milliseconds left at server time `now`; never negative. */
export function remainingMs(timer: Timer, now: number): number {
  switch (timer.state) {
    case 'idle':
      return timer.durationMs
    case 'paused':
      return timer.remainingMs
    case 'running':
      return Math.max(0, timer.endsAt - now)
  }
}

export const isTimeUp = (timer: Timer, now: number): boolean => timer.state === 'running' && timer.endsAt <= now

export function startTimer(timer: Timer, now: number): Timer {
  if (timer.state === 'running' && !isTimeUp(timer, now)) return timer
  const left = timer.state === 'paused' ? timer.remainingMs : timer.durationMs
  return { state: 'running', endsAt: Math.round(now + left), durationMs: timer.durationMs }
}

export function pauseTimer(timer: Timer, now: number): Timer {
  if (timer.state !== 'running') return timer
  return { state: 'paused', remainingMs: clamp(timer.endsAt - now), durationMs: timer.durationMs }
}

/** Adds time: to what is left if running or paused (a timer that ran out restarts with it), else to the duration. */
export function extendTimer(timer: Timer, now: number, ms: number): Timer {
  switch (timer.state) {
    case 'idle':
      return { state: 'idle', durationMs: clamp(timer.durationMs + ms) }
    case 'paused':
      return { state: 'paused', remainingMs: clamp(timer.remainingMs + ms), durationMs: clamp(timer.durationMs + ms) }
    case 'running': {
      const from = Math.max(timer.endsAt, now)
      return { state: 'running', endsAt: Math.round(Math.min(from + ms, now + MAX_TIMER_MS)), durationMs: clamp(timer.durationMs + ms) }
    }
  }
}

export const resetTimer = (timer: Timer, durationMs: number = timer.durationMs): Timer => ({ state: 'idle', durationMs: clamp(durationMs) })

/** "9:05" for 545 000 ms; rounds up so the display reaches 0:00 exactly when time is up. */
export function formatCountdown(ms: number): string {
  const total = Math.ceil(Math.max(0, ms) / 1000)
  const hours = Math.floor(total / 3600)
  const minutes = Math.floor((total % 3600) / 60)
  const seconds = String(total % 60).padStart(2, '0')
  return hours > 0 ? `${hours}:${String(minutes).padStart(2, '0')}:${seconds}` : `${minutes}:${seconds}`
}
