import { afterEach, describe, expect, it } from 'vitest'
import { CHIME_GAIN, CHIME_NOTES_HZ, playChime, primeAudio, resetAudioForTests } from './chime.ts'

const g = globalThis as { AudioContext?: unknown }

afterEach(() => {
  delete g.AudioContext
  resetAudioForTests()
})

/** Just enough of an AudioContext to record what the chime schedules. */
function fakeAudio(state: AudioContextState = 'running') {
  const log = { gains: [] as number[], oscillators: [] as { hz: number; started: number; stopped: number }[], resumed: 0 }
  class FakeParam {
    value = 0
    setValueAtTime() {}
    exponentialRampToValueAtTime() {}
  }
  class FakeNode {
    connect() {}
  }
  class FakeContext {
    state = state
    currentTime = 10
    destination = new FakeNode()
    resume() {
      log.resumed++
      return Promise.resolve()
    }
    createGain() {
      const node = Object.assign(new FakeNode(), { gain: new FakeParam() })
      queueMicrotask(() => log.gains.push(node.gain.value))
      return node
    }
    createOscillator() {
      const entry = { hz: 0, started: 0, stopped: 0 }
      log.oscillators.push(entry)
      const frequency = new FakeParam()
      return Object.assign(new FakeNode(), {
        type: 'sine',
        frequency,
        start: (t: number) => ((entry.hz = frequency.value), (entry.started = t)),
        stop: (t: number) => (entry.stopped = t),
      })
    }
  }
  g.AudioContext = FakeContext
  return log
}

describe('the time-up chime', () => {
  it('plays two soft notes, one after the other, at a low gain', async () => {
    const log = fakeAudio()
    expect(playChime()).toBe(true)
    await Promise.resolve()
    expect(log.oscillators.map((o) => Math.round(o.hz))).toEqual(CHIME_NOTES_HZ.map(Math.round))
    expect(log.oscillators[1]!.started).toBeGreaterThan(log.oscillators[0]!.started)
    expect(log.gains[0]).toBe(CHIME_GAIN)
    expect(CHIME_GAIN).toBeLessThanOrEqual(0.1)
  })

  it('wakes a context the browser suspended until someone interacted', () => {
    const log = fakeAudio('suspended')
    primeAudio()
    expect(log.resumed).toBe(1)
  })

  it('stays silent without throwing where there is no Web Audio, or where it is blocked', () => {
    expect(playChime()).toBe(false)
    expect(() => primeAudio()).not.toThrow()
    g.AudioContext = class {
      constructor() {
        throw new Error('NotAllowedError')
      }
    }
    expect(playChime()).toBe(false)
    expect(() => primeAudio()).not.toThrow()
  })
})
