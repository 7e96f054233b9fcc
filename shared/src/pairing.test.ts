import { describe, expect, it } from 'vitest'
import { authorizeChange, emptyGuardedState, type Actor } from './permissions.ts'
import { checkPairingChange, metPairsOf, pairKey, pairUp, PAIR_QUESTIONS, repeatsIn, reviewBuddies, withQuestions, type OwnedTask } from './pairing.ts'
import { seededRandom } from './random.ts'

const people = (n: number) => Array.from({ length: n }, (_, i) => `p${String(i).padStart(2, '0')}`)
const everyoneOnce = (groups: string[][], ids: string[]) => expect(groups.flat().sort()).toEqual([...ids].sort())

/** The fewest repeated pairs any split into twos (one trio when odd) has (brute force). */
function fewestRepeats(ids: readonly string[], met: ReadonlySet<string>): number {
  const go = (rest: readonly string[], trio: boolean): number => {
    if (rest.length === 0) return trio ? Infinity : 0
    const [first, ...others] = rest as [string, ...string[]]
    let best = Infinity
    if (!(trio && rest.length === 3)) {
      for (const q of others) best = Math.min(best, repeatsIn([first, q], met) + go(others.filter((x) => x !== q), trio))
    }
    if (trio) {
      for (let i = 0; i < others.length; i++)
        for (let j = i + 1; j < others.length; j++) {
          const g = [first, others[i] as string, others[j] as string]
          best = Math.min(best, repeatsIn(g, met) + go(others.filter((x) => !g.includes(x)), false))
        }
    }
    return best
  }
  return go(ids, ids.length % 2 === 1)
}

describe('pairUp', () => {
  it('pairs an even count in twos and an odd count in twos plus one trio', () => {
    for (let n = 2; n <= 13; n++) {
      const ids = people(n)
      const groups = pairUp(ids, [], 7)
      everyoneOnce(groups, ids)
      expect(groups.filter((g) => g.length === 3)).toHaveLength(n % 2)
      expect(groups.every((g) => g.length === 2 || g.length === 3)).toBe(true)
    }
  })

  it('makes no groups for fewer than two people', () => {
    expect(pairUp([], [], 1)).toEqual([])
    expect(pairUp(['p1'], [], 1)).toEqual([])
  })

  it('is deterministic with a seed, and the order people are given in does not matter', () => {
    const ids = people(9)
    expect(pairUp(ids, [], 42)).toEqual(pairUp([...ids].reverse(), [], 42))
    const seeds = new Set(Array.from({ length: 10 }, (_, s) => JSON.stringify(pairUp(ids, [], s))))
    expect(seeds.size).toBeGreaterThan(1)
  })

  it('repeats no pair that met before while that can be avoided, round after round', () => {
    for (const n of [4, 5, 6, 7, 8]) {
      const ids = people(n)
      const history: string[][][] = []
      for (let round = 0; round < 6; round++) {
        const met = metPairsOf(history.map((groups) => ({ at: 0, groups: groups.map((ids) => ({ ids, question: 'q' })) })))
        const metKeys = new Set(met.map(([a, b]) => pairKey(a, b)))
        const groups = pairUp(ids, met, round * 31 + n)
        everyoneOnce(groups, ids)
        expect(groups.reduce((sum, g) => sum + repeatsIn(g, metKeys), 0), `n=${n} round=${round}`).toBe(fewestRepeats(ids, metKeys))
        history.push(groups)
      }
    }
  })

  it('pairs a fresh even group in rounds with no repeat at all while fresh pairs remain', () => {
    const ids = people(6)
    const met: [string, string][] = []
    for (let round = 0; round < 5; round++) {
      const metKeys = new Set(met.map(([a, b]) => pairKey(a, b)))
      const groups = pairUp(ids, met, round)
      if (fewestRepeats(ids, metKeys) === 0) expect(groups.reduce((sum, g) => sum + repeatsIn(g, metKeys), 0)).toBe(0)
      for (const [a, b] of groups) met.push([a as string, b as string])
    }
  })

  it('repeats as few pairs as it must when every pair has met', () => {
    const ids = people(4)
    const all: [string, string][] = []
    for (let i = 0; i < 4; i++) for (let j = i + 1; j < 4; j++) all.push([ids[i] as string, ids[j] as string])
    const groups = pairUp(ids, all, 3)
    everyoneOnce(groups, ids)
    expect(groups).toHaveLength(2)
  })

  it('avoids the one pair that met, with three people, by putting them all in the trio only when it must', () => {
    const groups = pairUp(['a', 'b', 'c'], [['a', 'b']], 5)
    expect(groups).toEqual([expect.arrayContaining(['a', 'b', 'c'])])
  })
})

describe('withQuestions', () => {
  it('gives each group its own question from the bank, deterministically', () => {
    const groups = withQuestions(pairUp(people(8), [], 1), 1)
    expect(new Set(groups.map((g) => g.question)).size).toBe(4)
    for (const g of groups) expect(PAIR_QUESTIONS).toContain(g.question)
    expect(withQuestions(pairUp(people(8), [], 1), 1)).toEqual(groups)
  })
})

/** The smallest max−min spread any valid assignment reaches (brute force). */
function bestSpread(tasks: OwnedTask[], ids: string[]): number {
  let best = Infinity
  const loads = new Map(ids.map((p) => [p, 0]))
  const go = (i: number) => {
    if (i === tasks.length) {
      const values = [...loads.values()]
      best = Math.min(best, Math.max(...values) - Math.min(...values))
      return
    }
    let any = false
    for (const p of ids) {
      if (p === tasks[i]?.ownerId) continue
      any = true
      loads.set(p, (loads.get(p) as number) + 1)
      go(i + 1)
      loads.set(p, (loads.get(p) as number) - 1)
    }
    if (!any) go(i + 1)
  }
  go(0)
  return best
}

describe('reviewBuddies', () => {
  it('never gives a task to its owner, and balances reviews as well as the owners allow', () => {
    const random = seededRandom(99)
    for (let trial = 0; trial < 150; trial++) {
      const ids = people(2 + Math.floor(random() * 3))
      const tasks: OwnedTask[] = Array.from({ length: 1 + Math.floor(random() * 6) }, (_, i) => ({
        id: `t${i}`,
        ownerId: random() < 0.1 ? null : (ids[Math.floor(random() * ids.length)] as string),
      }))
      const buddies = reviewBuddies(tasks, ids, trial)
      expect(Object.keys(buddies).sort()).toEqual(tasks.map((t) => t.id).sort())
      for (const t of tasks) expect(buddies[t.id]).not.toBe(t.ownerId)
      const loads = ids.map((p) => Object.values(buddies).filter((r) => r === p).length)
      expect(Math.max(...loads) - Math.min(...loads), JSON.stringify({ tasks, ids })).toBe(bestSpread(tasks, ids))
    }
  })

  it('keeps max − min ≤ 1 when every person owns the same number of tasks', () => {
    const ids = people(5)
    const tasks = Array.from({ length: 15 }, (_, i) => ({ id: `t${i}`, ownerId: ids[i % 5] as string }))
    const loads = ids.map((p) => Object.values(reviewBuddies(tasks, ids, 3)).filter((r) => r === p).length)
    expect(Math.max(...loads) - Math.min(...loads)).toBeLessThanOrEqual(1)
  })

  it('is deterministic with a seed, and leaves out a task only its owner could review', () => {
    const tasks = [{ id: 't1', ownerId: 'a' }, { id: 't2', ownerId: 'b' }, { id: 't3', ownerId: 'a' }]
    expect(reviewBuddies(tasks, ['a', 'b', 'c'], 4)).toEqual(reviewBuddies([...tasks].reverse(), ['c', 'b', 'a'], 4))
    expect(reviewBuddies([{ id: 't1', ownerId: 'a' }], ['a'], 1)).toEqual({})
  })
})

describe('checkPairingChange and the server rules', () => {
  const participants = {
    pa: { id: 'pa', name: 'A', color: '#e03131', role: 'participant', joinedAt: 1 },
    pb: { id: 'pb', name: 'B', color: '#1971c2', role: 'participant', joinedAt: 1 },
    pf: { id: 'pf', name: 'F', color: '#2b7a3b', role: 'facilitator', joinedAt: 1 },
  }
  const task = { id: 't1', title: 'T', ownerId: 'pa', ownerName: 'A', ownerColor: '#e03131', ownerSource: 'assign', status: 'todo', note: '', description: '', sourceShapeIds: [], createdAt: 1 }
  const before = { ...emptyGuardedState(), session: { phase: 'warmup', pairing: null, reviewBuddies: {} }, participants, tasks: { t1: task } }
  const facilitator: Actor = { role: 'facilitator', participantId: 'pf', identified: true }
  const participant: Actor = { role: 'participant', participantId: 'pa', identified: true }
  const pairing = { at: 5, groups: [{ ids: ['pa', 'pb'], question: 'Q?' }] }
  const withSession = (session: Record<string, unknown>) => ({ ...before, session: { ...before.session, ...session } })

  it('lets the facilitator write pairs and buddies, and refuses them from a participant', () => {
    expect(authorizeChange(facilitator, before, withSession({ pairing }))).toEqual({ ok: true })
    expect(authorizeChange(participant, before, withSession({ pairing })).ok).toBe(false)
    expect(authorizeChange(facilitator, before, withSession({ reviewBuddies: { t1: 'pb' } }))).toEqual({ ok: true })
    expect(authorizeChange(participant, before, withSession({ reviewBuddies: { t1: 'pb' } })).ok).toBe(false)
  })

  it('refuses a person in two pairs, a stranger, an owner reviewing their own task, an unknown task', () => {
    const ids = { has: (p: string) => p in participants }
    const twice = { pairing: { at: 1, groups: [{ ids: ['pa', 'pb'], question: 'Q' }, { ids: ['pa', 'pf'], question: 'Q' }] } }
    expect(checkPairingChange(twice, ['pairing'], {}, ids).ok).toBe(false)
    expect(checkPairingChange({ pairing: { at: 1, groups: [{ ids: ['pa', 'px'], question: 'Q' }] } }, ['pairing'], {}, ids).ok).toBe(false)
    expect(checkPairingChange({ reviewBuddies: { t1: 'pa' } }, ['reviewBuddies'], { t1: task }, ids).ok).toBe(false)
    expect(checkPairingChange({ reviewBuddies: { t9: 'pb' } }, ['reviewBuddies'], { t1: task }, ids).ok).toBe(false)
    expect(checkPairingChange({ pairing: null }, ['pairing'], {}, ids).ok).toBe(true)
  })
})
