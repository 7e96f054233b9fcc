// The storage contract: every behaviour the rooms, replay and HTTP routes rely on, run against
// both backends (contractBackends.ts). A backend that passes this suite, and the packed log's
// (packedLog.contract.test.ts), can stand in for the other.
import crypto from 'node:crypto'
import { expect, it } from 'vitest'
import * as Y from 'yjs'
import { loadDoc } from '../rooms/RoomManager.ts'
import type { Storage } from './Storage.ts'
import { describeOnBothBackends, edits, row, session } from './contractBackends.ts'

describeOnBothBackends('Storage contract', (backend) => {
  it('creates and reads sessions; an unknown id reads as null; an id is taken once', async () => {
    const { storage } = await backend.fresh()
    await storage.createSession(session('s1', 1_700_000_000_123))
    expect(await storage.getSession('s1')).toEqual(session('s1', 1_700_000_000_123))
    expect(await storage.getSession('nobody')).toBeNull()
    await expect(storage.createSession(session('s1'))).rejects.toThrow()
  })

  it('appends the log in order, with time and author, across sessions, all or nothing', async () => {
    const { storage } = await backend.fresh()
    const [u1, u2, u3] = edits(3) as [Uint8Array, Uint8Array, Uint8Array]
    expect(await storage.lastSeq('s1')).toBe(0)
    await storage.appendUpdates([row('s1', 1, 10, u1, 'p'), row('s2', 1, 11, u2), row('s1', 2, 12, u3)])
    await storage.appendUpdates([])
    expect(await storage.lastSeq('s1')).toBe(2)
    expect(await storage.lastSeq('s2')).toBe(1)
    const log = await storage.updatesAfter('s1', 0)
    expect(log.map((u) => [u.seq, u.at, u.participantId, u.integrity])).toEqual([
      [1, 10, 'p', 'verified'],
      [2, 12, null, 'verified'],
    ])
    expect(log.map((u) => [...u.update])).toEqual([[...u1], [...u3]])
    expect((await storage.updatesAfter('s1', 1)).map((u) => u.seq)).toEqual([2])
    expect((await storage.updatesAfter('s1', 0, 10)).map((u) => u.seq)).toEqual([1])
    expect((await storage.updatesAfter('s1', 0, undefined, 1)).map((u) => u.seq)).toEqual([1])
    // A duplicate seq rolls the whole batch back, the other session's row too.
    await expect(storage.appendUpdates([row('s2', 2, 13, u1), row('s1', 2, 13, u1)])).rejects.toThrow()
    expect(await storage.lastSeq('s1')).toBe(2)
    expect(await storage.lastSeq('s2')).toBe(1)
  })

  it('keeps long logs in order (more rows than one insert statement holds)', async () => {
    const { storage } = await backend.fresh()
    const rows = Array.from({ length: 12_000 }, (_, i) => row('s', i + 1, i, new Uint8Array([i % 251])))
    await storage.appendUpdates(rows)
    expect(await storage.lastSeq('s')).toBe(12_000)
    const tail = await storage.updatesAfter('s', 11_997)
    expect(tail.map((u) => [u.seq, u.update[0]])).toEqual([
      [11_998, 11_997 % 251],
      [11_999, 11_998 % 251],
      [12_000, 11_999 % 251],
    ])
  })

  it('pages the log by rows and by bytes, always at least one row, up to untilSeq', async () => {
    const { storage } = await backend.fresh()
    const big = new Uint8Array(1000)
    await storage.appendUpdates(Array.from({ length: 10 }, (_, i) => row('s', i + 1, i, big)))
    await storage.appendUpdates([row('other', 1, 1, big)])
    const seqs = async (after: number, limits: Parameters<Storage['updatesPage']>[2]) => (await storage.updatesPage('s', after, limits)).map((u) => u.seq)
    expect(await seqs(0, { maxUpdates: 4, maxBytes: 1e9 })).toEqual([1, 2, 3, 4])
    expect(await seqs(2, { maxUpdates: 100, maxBytes: 3_500 })).toEqual([3, 4, 5])
    expect(await seqs(2, { maxUpdates: 100, maxBytes: 3_000 })).toEqual([3, 4, 5])
    expect(await seqs(2, { maxUpdates: 100, maxBytes: 10 })).toEqual([3])
    expect(await seqs(2, { maxUpdates: 100, maxBytes: 1e9, untilSeq: 6 })).toEqual([3, 4, 5, 6])
    expect(await seqs(10, { maxUpdates: 100, maxBytes: 1e9 })).toEqual([])
    expect((await storage.updatesPage('s', 0, { maxUpdates: 1, maxBytes: 1e9 }))[0]?.integrity).toBe('verified')
  })

  it('keeps checkpoints until thinned: the latest, the one at or before a moment, the one at or before a seq', async () => {
    const { storage } = await backend.fresh()
    expect(await storage.latestCheckpoint('s')).toBeNull()
    await storage.writeCheckpoint('s', { seq: 5, at: 100, state: new Uint8Array([1]) })
    await storage.writeCheckpoint('s', { seq: 9, at: 200, state: new Uint8Array([2, 2]) })
    await storage.writeCheckpoint('other', { seq: 20, at: 50, state: new Uint8Array([3]) })
    const latest = await storage.latestCheckpoint('s')
    expect(latest && { seq: latest.seq, at: latest.at, state: [...latest.state], integrity: latest.integrity }).toEqual({ seq: 9, at: 200, state: [2, 2], integrity: 'verified' })
    expect((await storage.latestCheckpoint('s', 200))?.seq).toBe(9)
    expect((await storage.latestCheckpoint('s', 150))?.seq).toBe(5)
    expect(await storage.latestCheckpoint('s', 99)).toBeNull()
    expect((await storage.checkpointAtOrBeforeSeq('s', 9))?.seq).toBe(9)
    expect((await storage.checkpointAtOrBeforeSeq('s', 8))?.seq).toBe(5)
    expect(await storage.checkpointAtOrBeforeSeq('s', 4)).toBeNull()
    // Writing the same seq again replaces it.
    await storage.writeCheckpoint('s', { seq: 9, at: 210, state: new Uint8Array([4]) })
    expect([...((await storage.latestCheckpoint('s'))?.state ?? [])]).toEqual([4])
  })

  it('finds the log position at a moment (seqAt) and the history bounds', async () => {
    const { storage } = await backend.fresh()
    expect(await storage.historyBounds('s')).toBeNull()
    expect(await storage.seqAt('s', 1_000)).toBe(0)
    const [u1, u2, u3] = edits(3) as [Uint8Array, Uint8Array, Uint8Array]
    const t0 = 1_700_000_000_000
    await storage.appendUpdates([row('s', 1, t0 + 10, u1), row('s', 2, t0 + 20, u2), row('s', 3, t0 + 20, u3), row('other', 1, t0, u1)])
    expect(await storage.seqAt('s', t0 + 9)).toBe(0)
    expect(await storage.seqAt('s', t0 + 10)).toBe(1)
    expect(await storage.seqAt('s', t0 + 19)).toBe(1)
    expect(await storage.seqAt('s', t0 + 20)).toBe(3)
    expect(await storage.seqAt('s', t0 + 1e6)).toBe(3)
    expect(await storage.historyBounds('s')).toEqual({ first: t0 + 10, last: t0 + 20, count: 3 })
  })

  it('counts the bytes a session occupies: every log row and every checkpoint, no other session', async () => {
    const { storage } = await backend.fresh()
    expect(await storage.storedBytes('s')).toBe(0)
    await storage.appendUpdates([row('s', 1, 1, new Uint8Array(300)), row('s', 2, 2, new Uint8Array(200)), row('other', 1, 1, new Uint8Array(5_000))])
    // Random bytes do not deflate: stored as they are, and writeCheckpoint says so.
    expect(await storage.writeCheckpoint('s', { seq: 1, at: 1, state: crypto.randomBytes(50) })).toBe(50)
    await storage.writeCheckpoint('s', { seq: 2, at: 2, state: crypto.randomBytes(70) })
    await storage.writeCheckpoint('other', { seq: 1, at: 1, state: crypto.randomBytes(9_000) })
    expect(await storage.storedBytes('s')).toBe(300 + 200 + 50 + 70)
    expect(await storage.storedBytes('other')).toBe(14_000)
    expect(await storage.storedBytes('nobody')).toBe(0)
  })

  it('stores a checkpoint deflated and reads it back whole; storedBytes counts what it occupies', async () => {
    const { storage } = await backend.fresh()
    const doc = new Y.Doc()
    for (let i = 0; i < 200; i++) doc.getMap('m').set(`note${i}`, { text: 'The same kind of text, again and again', x: i, y: i * 2 })
    const state = Y.encodeStateAsUpdate(doc)
    const stored = await storage.writeCheckpoint('s', { seq: 1, at: 1, state })
    expect(stored).toBeLessThan(state.length / 2)
    expect(await storage.storedBytes('s')).toBe(stored)
    for (const read of [await storage.latestCheckpoint('s'), await storage.checkpointAtOrBeforeSeq('s', 1), await storage.latestCheckpoint('s', 1)]) {
      expect(read?.integrity).toBe('verified')
      expect(read?.storedBytes).toBe(stored)
      expect(Buffer.from(read?.state ?? []).equals(Buffer.from(state))).toBe(true)
    }
  })

  it('thins checkpoints: the chooser sees each one with its log bytes, the newest always stays, reads fall back to older ones', async () => {
    const { storage, raw } = await backend.fresh()
    const updates = edits(40)
    await storage.appendUpdates(updates.map((u, i) => row('s', i + 1, 100 + i, u)))
    await storage.appendUpdates([row('other', 1, 1, new Uint8Array(500))])
    const logUpTo = (seq: number) => updates.slice(0, seq).reduce((n, u) => n + u.length, 0)
    const stateAt = (seq: number) => {
      const doc = new Y.Doc()
      for (const u of updates.slice(0, seq)) Y.applyUpdate(doc, u)
      return Y.encodeStateAsUpdate(doc)
    }
    const sizes = new Map<number, number>()
    for (const seq of [10, 20, 30, 40]) sizes.set(seq, await storage.writeCheckpoint('s', { seq, at: 100 + seq - 1, state: stateAt(seq) }))
    await storage.writeCheckpoint('other', { seq: 1, at: 1, state: crypto.randomBytes(100) })
    // As a version before log bytes left two of them: filled in from the log when first needed.
    await raw(`UPDATE checkpoints SET log_bytes = NULL WHERE session_id = 's' AND seq IN (10, 30)`)
    const before = await storage.storedBytes('s')
    let seen: unknown = null
    const freed = await storage.thinCheckpoints('s', (kept) => {
      seen = kept.map((c) => ({ ...c }))
      return [20, 40, 999]
    })
    expect(seen).toEqual([10, 20, 30, 40].map((seq) => ({ seq, storedBytes: sizes.get(seq), logBytes: logUpTo(seq) })))
    // 40 is the newest: asked for, not deleted; 999 does not exist.
    expect(freed).toBe(sizes.get(20))
    expect(await storage.storedBytes('s')).toBe(before - freed)
    expect((await storage.latestCheckpoint('s'))?.seq).toBe(40)
    expect((await storage.checkpointAtOrBeforeSeq('s', 29))?.seq).toBe(10)
    expect((await storage.latestCheckpoint('s', 100 + 25))?.seq).toBe(10)
    expect((await storage.latestCheckpoint('other'))?.seq).toBe(1)
    // The next chooser sees what is left, with the log bytes it computed kept.
    await storage.thinCheckpoints('s', (kept) => {
      seen = kept.map((c) => [c.seq, c.logBytes])
      return []
    })
    expect(seen).toEqual([[10, logUpTo(10)], [30, logUpTo(30)], [40, logUpTo(40)]])
    expect(await storage.thinCheckpoints('nobody', () => [1])).toBe(0)
    // A new checkpoint's log bytes build on the nearest older one.
    await storage.appendUpdates([row('s', 41, 200, new Uint8Array(1_000))])
    await storage.writeCheckpoint('s', { seq: 41, at: 200, state: stateAt(40) })
    await storage.thinCheckpoints('s', (kept) => {
      seen = kept.at(-1)?.logBytes
      return []
    })
    expect(seen).toBe(logUpTo(40) + 1_000)
  })

  it('stores secrets per session, kind, owner and item: put, replace, delete one, list, delete all of a kind', async () => {
    const { storage } = await backend.fresh()
    const list = async (kind: 'sticky' | 'ballot', id = 's') =>
      (await storage.secrets(id, kind)).map((x) => [x.ownerId, x.itemId, x.value]).sort((a, b) => `${a[0]}${a[1]}`.localeCompare(`${b[0]}${b[1]}`))
    expect(await list('sticky')).toEqual([])
    await storage.putSecret('s', 'sticky', 'p1', 'shape:a', '{"v":1}')
    await storage.putSecret('s', 'sticky', 'p1', 'shape:b', '{"v":2}')
    await storage.putSecret('s', 'sticky', 'p2', 'shape:c', '{"v":3}')
    await storage.putSecret('s', 'ballot', 'p1', '', '{"shape:a":2}')
    await storage.putSecret('other', 'sticky', 'p1', 'shape:a', '{"v":"elsewhere"}')
    await storage.putSecret('s', 'sticky', 'p1', 'shape:a', '{"v":"replaced"}')
    expect(await list('sticky')).toEqual([
      ['p1', 'shape:a', '{"v":"replaced"}'],
      ['p1', 'shape:b', '{"v":2}'],
      ['p2', 'shape:c', '{"v":3}'],
    ])
    expect(await list('ballot')).toEqual([['p1', '', '{"shape:a":2}']])
    await storage.deleteSecret('s', 'sticky', 'p1', 'shape:b')
    await storage.deleteSecret('s', 'sticky', 'p1', 'shape:missing')
    expect((await list('sticky')).map((x) => x[1])).toEqual(['shape:a', 'shape:c'])
    await storage.deleteSecrets('s', 'sticky')
    expect(await list('sticky')).toEqual([])
    expect(await list('ballot')).toHaveLength(1)
    expect(await list('sticky', 'other')).toEqual([['p1', 'shape:a', '{"v":"elsewhere"}']])
  })

  it('marks a row whose bytes no longer match their checksum as a mismatch, in every read', async () => {
    const { storage, corrupt } = await backend.fresh()
    const [u1, u2] = edits(2) as [Uint8Array, Uint8Array]
    await storage.appendUpdates([row('s', 1, 1, u1), row('s', 2, 2, u2)])
    await storage.writeCheckpoint('s', { seq: 2, at: 2, state: u2 })
    const flipped = Buffer.from(u2)
    flipped.writeUInt8(flipped.readUInt8(flipped.length - 1) ^ 1, flipped.length - 1)
    await corrupt('updates', 's', 2, flipped)
    await corrupt('checkpoints', 's', 2, Y.encodeStateAsUpdate(new Y.Doc()))
    expect((await storage.updatesAfter('s', 0)).map((u) => u.integrity)).toEqual(['verified', 'mismatch'])
    expect((await storage.updatesPage('s', 0, { maxUpdates: 10, maxBytes: 1e6 })).map((u) => u.integrity)).toEqual(['verified', 'mismatch'])
    expect((await storage.latestCheckpoint('s'))?.integrity).toBe('mismatch')
    expect((await storage.checkpointAtOrBeforeSeq('s', 2))?.integrity).toBe('mismatch')
    // Loading passes over both and reports them.
    const loaded = await loadDoc(storage, 's')
    expect(loaded.doc.getMap('m').toJSON()).toEqual({ k0: 0 })
    expect(loaded.seq).toBe(2)
    expect(storage.corruption.snapshot().rows.map((r) => [r.kind, r.seq, r.reason]).sort()).toEqual([
      ['checkpoint', 2, 'checksum'],
      ['update', 2, 'checksum'],
    ])
  })

  it('loads a document from the latest checkpoint plus the log after it', async () => {
    const { storage } = await backend.fresh()
    const updates = edits(10)
    await storage.appendUpdates(updates.map((u, i) => row('s', i + 1, i, u)))
    const upToSix = new Y.Doc()
    for (const u of updates.slice(0, 6)) Y.applyUpdate(upToSix, u)
    await storage.writeCheckpoint('s', { seq: 6, at: 5, state: Y.encodeStateAsUpdate(upToSix) })
    const { doc, seq, checkpointSeq } = await loadDoc(storage, 's')
    expect([seq, checkpointSeq]).toEqual([10, 6])
    expect(Object.keys(doc.getMap('m').toJSON())).toHaveLength(10)
  })

  it('runs its migrations once: opening the same store again keeps every row', async () => {
    const { storage, reopen } = await backend.fresh()
    await storage.createSession(session('s'))
    await storage.appendUpdates([row('s', 1, 1, new Uint8Array([1, 2, 3]))])
    await storage.putSecret('s', 'ballot', 'p', '', '{}')
    const [again, third] = await Promise.all([reopen(), reopen()])
    for (const s of [again, third]) {
      expect(await s.getSession('s')).toEqual(session('s'))
      expect(await s.lastSeq('s')).toBe(1)
      expect(await s.secrets('s', 'ballot')).toHaveLength(1)
      await s.healthCheck()
    }
  })

  it('links follow-ups into one series, at most one after each session', async () => {
    const { storage } = await backend.fresh()
    for (const id of ['s1', 's2', 's3']) await storage.createSession(session(id))
    expect(await storage.seriesLink('s1')).toBeNull()
    expect(await storage.linkFollowUp('s2', 's1')).toEqual({ sessionId: 's2', seriesId: 's1', previousId: 's1', position: 2 })
    expect(await storage.linkFollowUp('s3', 's2')).toEqual({ sessionId: 's3', seriesId: 's1', previousId: 's2', position: 3 })
    expect(await storage.seriesLink('s1')).toEqual({ sessionId: 's1', seriesId: 's1', previousId: null, position: 1 })
    expect(await storage.followUpOf('s1')).toBe('s2')
    expect(await storage.followUpOf('s3')).toBeNull()
    expect((await storage.seriesSessions('s1')).map((e) => [e.sessionId, e.position, e.title])).toEqual([
      ['s1', 1, session('s1').title],
      ['s2', 2, session('s2').title],
      ['s3', 3, session('s3').title],
    ])
    await storage.createSession(session('s4'))
    await expect(storage.linkFollowUp('s4', 's1')).rejects.toThrow()
    expect(await storage.seriesLink('s4')).toBeNull()
  })

  it('keeps chat settings, and records each post once per key and channel, newest first', async () => {
    const { storage } = await backend.fresh()
    expect(await storage.chatSettings('s')).toBeNull()
    await storage.putChatSettings('s', { slackUrl: 'https://hooks.slack.com/x', teamsUrl: null, updates: '{"timeUp":true}' }, 1)
    await storage.putChatSettings('s', { slackUrl: null, teamsUrl: 'https://a.logic.azure.com/y', updates: '{}' }, 2)
    expect(await storage.chatSettings('s')).toEqual({ slackUrl: null, teamsUrl: 'https://a.logic.azure.com/y', updates: '{}' })
    expect(await storage.claimChatDelivery('s', 'taskDone:t1', 'slack', 'first', 10)).toBe(true)
    expect(await storage.claimChatDelivery('s', 'taskDone:t1', 'slack', 'second', 11)).toBe(false)
    expect(await storage.claimChatDelivery('s', 'taskDone:t1', 'teams', 'other channel', 12)).toBe(true)
    await storage.putChatDelivery('s', 'taskDone:t1', 'slack', 'posted', 20)
    await storage.putChatDelivery('s', 'review:1', 'slack', 'review', 15)
    expect((await storage.chatDeliveries('s', 2)).map((d) => [d.key, d.channel, d.status, d.updatedAt])).toEqual([
      ['taskDone:t1', 'slack', 'posted', 20],
      ['review:1', 'slack', 'review', 15],
    ])
    expect(await storage.chatDeliveries('other', 10)).toEqual([])
  })

  it('keeps one timeline summary per session that only moves forward; a changed one reads as a mismatch', async () => {
    const { storage, reopen, raw } = await backend.fresh()
    const bytes = (n: number) => new Uint8Array(Array.from({ length: n }, (_, i) => (i * 7 + n) % 256))
    expect(await storage.timelineSummary('s')).toBeNull()
    expect(await storage.putTimelineSummary('s', { seq: 500, version: 1, data: bytes(100) })).toBe(true)
    expect(await storage.putTimelineSummary('other', { seq: 9, version: 1, data: bytes(3) })).toBe(true)
    expect(await storage.timelineSummary('s')).toEqual({ seq: 500, version: 1, data: bytes(100), integrity: 'verified' })
    // Never back; the same seq again replaces it (a damaged summary is written over by a fresh build).
    expect(await storage.putTimelineSummary('s', { seq: 400, version: 1, data: bytes(50) })).toBe(false)
    expect((await storage.timelineSummary('s'))?.data).toEqual(bytes(100))
    expect(await storage.putTimelineSummary('s', { seq: 500, version: 1, data: bytes(51) })).toBe(true)
    expect((await storage.timelineSummary('s'))?.data).toEqual(bytes(51))
    expect(await storage.putTimelineSummary('s', { seq: 1_000, version: 1, data: bytes(200) })).toBe(true)
    // A newer format replaces whatever seq it covers.
    expect(await storage.putTimelineSummary('s', { seq: 10, version: 2, data: bytes(20) })).toBe(true)
    expect(await storage.timelineSummary('s')).toEqual({ seq: 10, version: 2, data: bytes(20), integrity: 'verified' })
    expect(await storage.putTimelineSummary('s', { seq: 5_000, version: 1, data: bytes(5) })).toBe(false)
    const again = await reopen()
    expect((await again.timelineSummary('other'))?.data).toEqual(bytes(3))
    await raw("UPDATE timeline_summaries SET checksum = checksum + 1 WHERE session_id = 'other'")
    expect((await again.timelineSummary('other'))?.integrity).toBe('mismatch')
  })

  it('answers the health check, and refuses once closed', async () => {
    const { storage } = await backend.fresh()
    await expect(storage.healthCheck()).resolves.toBeUndefined()
    await storage.close()
    await expect(storage.healthCheck()).rejects.toThrow()
  })
})
