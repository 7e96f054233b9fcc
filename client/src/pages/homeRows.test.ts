import { describe, expect, it } from 'vitest'
import type { SessionEntry } from '../lib/storage.ts'
import { homeRows } from './homeRows.ts'

const entry = (id: string, lastOpenedAt: number, series?: { id: string; position: number }): SessionEntry => ({
  id,
  title: id,
  tokens: { facilitator: `tok-${id}` },
  lastOpenedAt,
  ...(series ? { series } : {}),
})

describe('homeRows', () => {
  it('gathers the sessions of a series on one row, in series order, where its latest session was', () => {
    const sessions = [entry('s2', 50, { id: 's1', position: 2 }), entry('other', 40), entry('s1', 30, { id: 's1', position: 1 }), entry('s3', 10, { id: 's1', position: 3 })]
    const rows = homeRows(sessions)
    expect(rows.map((r) => (r.kind === 'series' ? r.entries.map((e) => e.id) : r.entry.id))).toEqual([['s1', 's2', 's3'], 'other'])
  })

  it('keeps a session alone when it is the only one of its series this browser knows', () => {
    expect(homeRows([entry('s2', 5, { id: 's1', position: 2 })])).toEqual([{ kind: 'session', entry: entry('s2', 5, { id: 's1', position: 2 }) }])
  })
})
