import { describe, expect, it } from 'vitest'
import { timerSchema, type Timer } from './schema.ts'
import { extendTimer, formatCountdown, isTimeUp, pauseTimer, remainingMs, resetTimer, startTimer } from './timer.ts'

const idle: Timer = { state: 'idle', durationMs: 600_000 }

describe('timer', () => {
  it('counts down from the moment it starts, in server time', () => {
    const running = startTimer(idle, 1_000_000)
    expect(running).toEqual({ state: 'running', endsAt: 1_600_000, durationMs: 600_000 })
    expect(remainingMs(running, 1_100_000)).toBe(500_000)
    expect(remainingMs(running, 2_000_000)).toBe(0)
    expect(isTimeUp(running, 1_600_000)).toBe(true)
  })

  it('pauses with what is left and resumes from there', () => {
    const paused = pauseTimer(startTimer(idle, 0), 200_000)
    expect(paused).toEqual({ state: 'paused', remainingMs: 400_000, durationMs: 600_000 })
    expect(remainingMs(paused, 9_999_999)).toBe(400_000)
    expect(startTimer(paused, 1_000_000)).toEqual({ state: 'running', endsAt: 1_400_000, durationMs: 600_000 })
  })

  it('extends by one or five minutes in every state', () => {
    expect(extendTimer(idle, 0, 60_000)).toEqual({ state: 'idle', durationMs: 660_000 })
    const running = startTimer(idle, 0)
    expect(remainingMs(extendTimer(running, 100_000, 300_000), 100_000)).toBe(800_000)
    const paused = pauseTimer(running, 100_000)
    expect(remainingMs(extendTimer(paused, 0, 60_000), 0)).toBe(560_000)
  })

  it('restarts a timer that ran out when time is added', () => {
    const ranOut = startTimer(idle, 0)
    const extended = extendTimer(ranOut, 700_000, 60_000)
    expect(remainingMs(extended, 700_000)).toBe(60_000)
    expect(startTimer(ranOut, 700_000)).toEqual({ state: 'running', endsAt: 1_300_000, durationMs: 600_000 })
  })

  it('always produces values the session schema accepts', () => {
    const huge = extendTimer(startTimer(idle, 0), 0, 10 * 86_400_000)
    for (const t of [huge, pauseTimer(huge, 1), resetTimer(huge), extendTimer(idle, 0, 1e12)]) {
      expect(timerSchema.safeParse(t).success).toBe(true)
    }
  })

  it('formats the countdown as m:ss, rounding up', () => {
    expect(formatCountdown(600_000)).toBe('10:00')
    expect(formatCountdown(545_000)).toBe('9:05')
    expect(formatCountdown(400)).toBe('0:01')
    expect(formatCountdown(0)).toBe('0:00')
    expect(formatCountdown(3_600_000 + 61_000)).toBe('1:01:01')
  })
})
