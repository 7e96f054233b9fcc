import { describe, expect, it } from 'vitest'
import { balanceOwners } from './assignOwners.ts'
import type { Task } from './schema.ts'

const task = (id: string, ownerId: string | null = null, createdAt = 1): Task => ({
  id,
  title: id,
  ownerId,
  ownerName: ownerId,
  ownerColor: null,
  ownerSource: ownerId ? 'claim' : null,
  status: 'todo',
  note: '',
  description: '',
  sourceShapeIds: [],
  createdAt,
})
const people = [
  { id: 'p1', name: 'One', color: '#e03131' },
  { id: 'p2', name: 'Two', color: '#1971c2' },
  { id: 'p3', name: 'Three', color: '#2f9e44' },
]

describe('auto-balance', () => {
  it('gives the remaining tasks to whoever has fewest, respecting claims', () => {
    const tasks = [task('a', 'p1'), task('b', 'p1'), task('c'), task('d'), task('e'), task('f')]
    const result = balanceOwners(tasks, people, 7)
    expect(result.size).toBe(4)
    expect(result.has('a')).toBe(false)
    const load = new Map([['p1', 2], ['p2', 0], ['p3', 0]])
    for (const c of result.values()) load.set(c.id, (load.get(c.id) ?? 0) + 1)
    expect([...load.values()].sort()).toEqual([2, 2, 2])
  })

  it('is deterministic for a seed and fair across seeds', () => {
    const tasks = [task('a'), task('b'), task('c'), task('d')]
    const once = [...balanceOwners(tasks, people, 42)].map(([t, c]) => [t, c.id])
    const again = [...balanceOwners(tasks, people, 42)].map(([t, c]) => [t, c.id])
    expect(once).toEqual(again)
    const firstPicks = new Set(Array.from({ length: 30 }, (_, seed) => balanceOwners(tasks, people, seed).get('a')?.id))
    expect(firstPicks.size).toBeGreaterThan(1)
  })

  it('assigns nothing without candidates', () => {
    expect(balanceOwners([task('a')], [], 1).size).toBe(0)
  })
})
