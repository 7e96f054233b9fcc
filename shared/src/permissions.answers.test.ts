// The rules for `Y.Map('answers')`: each person answers the frame questions for themselves, in the
// frame phase; and "Bring everyone here" (`session.summon`) is the facilitator's alone.
import { describe, expect, it } from 'vitest'
import { authorizeChange, emptyGuardedState, type Actor, type GuardedState } from './permissions.ts'
import type { Participant } from './schema.ts'

const facilitator: Actor = { role: 'facilitator', participantId: 'f', identified: true }
const memberA: Actor = { role: 'participant', participantId: 'memberA', identified: true }
const viewer: Actor = { role: 'viewer', participantId: 'v', identified: true }
const anonymous: Actor = { role: 'participant', participantId: 'anon:7', identified: false }
/** Identified, but the server has no participant record for them. */
const stranger: Actor = { role: 'participant', participantId: 'ghost', identified: true }

const record = (id: string, role: Participant['role'] = 'participant'): Participant => ({ id, name: id, color: '#1971c2', role, joinedAt: 1 })
const people = { f: record('f', 'facilitator'), memberA: record('memberA'), memberB: record('memberB') }

const state = (phase: string, answers: Record<string, unknown> = {}): GuardedState => ({
  ...emptyGuardedState(),
  session: { phase },
  participants: people,
  answers,
})
const verdict = (actor: Actor, before: GuardedState, after: GuardedState) => authorizeChange(actor, before, after)

describe('answers to the frame questions', () => {
  const mine = { clarity: 'ambiguous', priority: 'buy-in' }

  it('lets every identified participant, the facilitator too, write and change their own answers in the frame phase', () => {
    expect(verdict(memberA, state('frame'), state('frame', { memberA: mine })).ok).toBe(true)
    expect(verdict(facilitator, state('frame'), state('frame', { f: { clarity: 'clear' } })).ok).toBe(true)
    const before = state('frame', { memberA: mine, memberB: { clarity: 'clear' } })
    expect(verdict(memberA, before, state('frame', { memberA: { ...mine, dependence: 'independent' }, memberB: { clarity: 'clear' } })).ok).toBe(true)
    // Taking one's answers back is fine too.
    expect(verdict(memberA, before, state('frame', { memberB: { clarity: 'clear' } })).ok).toBe(true)
  })

  it('refuses writing someone else’s answers, with a sentence that says why', () => {
    const before = state('frame', { memberB: { clarity: 'clear' } })
    expect(verdict(memberA, before, state('frame', { memberB: { clarity: 'ambiguous' } }))).toEqual({
      ok: false,
      reason: 'You can only answer the frame questions for yourself.',
    })
    expect(verdict(memberA, before, state('frame')).ok).toBe(false)
    // Not even the facilitator answers for someone.
    expect(verdict(facilitator, before, state('frame', { memberB: { clarity: 'ambiguous' } })).ok).toBe(false)
  })

  it('refuses answers outside the frame phase', () => {
    for (const phase of ['warmup', 'collaborate', 'review']) {
      const result = verdict(memberA, state(phase), state(phase, { memberA: mine }))
      expect(result).toEqual({ ok: false, reason: 'The frame questions are answered in the frame phase.' })
    }
  })

  it('refuses values that are not the offered options, or carry anything else', () => {
    for (const bad of [{ clarity: 'maybe' }, { clarity: 'clear', note: 'x'.repeat(10_000) }, 'ambiguous', null, [mine]]) {
      const result = verdict(memberA, state('frame'), state('frame', { memberA: bad }))
      expect(result.ok, JSON.stringify(bad).slice(0, 40)).toBe(false)
    }
  })

  it('refuses viewers, anonymous sockets and ids the server never recorded', () => {
    expect(verdict(viewer, state('frame'), state('frame', { v: mine })).ok).toBe(false)
    expect(verdict(anonymous, state('frame'), state('frame', { 'anon:7': mine }))).toMatchObject({ ok: false, reason: expect.stringContaining('Join the session with your name') })
    expect(verdict(stranger, state('frame'), state('frame', { ghost: mine }))).toMatchObject({ ok: false, reason: expect.stringContaining('joined this session as participants') })
  })
})

describe('bring everyone here', () => {
  const summon = { at: 1000, x: -200, y: 50, w: 1200, h: 800, by: 'f' }
  it('is written by the facilitator only, and only as a valid viewport', () => {
    const before = state('collaborate')
    const after = (value: unknown): GuardedState => ({ ...before, session: { ...before.session, summon: value } })
    expect(verdict(facilitator, before, after(summon)).ok).toBe(true)
    expect(verdict(memberA, before, after(summon)).ok).toBe(false)
    expect(verdict(facilitator, before, after({ ...summon, w: 0 })).ok).toBe(false)
    expect(verdict(facilitator, before, after({ ...summon, x: 'left' })).ok).toBe(false)
  })
})
