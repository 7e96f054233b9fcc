// History routes on a long log of big updates, against a real server: every /updates page stays
// under the byte cap whatever `limit` asks, six at once neither balloon memory nor stall the server,
// following the pages yields every update once, and /state answers the size of the board, not of
// its overwrite history.
import { monitorEventLoopDelay } from 'node:perf_hooks'
import { describe, expect, it } from 'vitest'
import * as Y from 'yjs'
import { decodeFeed, Root, type FeedHeader } from '@sandbox/shared'
import { createSession, startServer } from '../testing/harness.ts'
import { teardownAfterEach } from '../testing/teardown.ts'
import { MAX_FEED_PAGE_BYTES } from './history.ts'

const cleanup = teardownAfterEach()

/** The log: after the seed, UPDATES rewrites of one drawing whose record carries POINT_BYTES of points. */
const UPDATES = 5_000
const POINT_BYTES = 16 * 1024
const CHECKPOINT_BEFORE_END = 300
const MiB = 1024 * 1024

function parseFeed(body: Buffer): { header: FeedHeader; seqs: number[]; updateBytes: number } {
  const feed = decodeFeed(body)
  if (!feed) throw new Error('not a feed chunk')
  return { header: feed.header, seqs: feed.updates.map((u) => u.seq), updateBytes: feed.updates.reduce((n, u) => n + u.update.length, 0) }
}

describe('history routes on a long log', () => {
  it('page /updates by bytes, keep memory and latency flat under six concurrent calls, and serve a garbage-collected /state', async () => {
    const server = await startServer()
    cleanup.push(() => server.close())
    const session = await createSession(server.url, 'Long drawing')
    const auth = { authorization: `Bearer ${session.tokens.viewer}` }

    // Straight into storage (as a long session would have logged it), in batches to keep the test small.
    const started = performance.now()
    const doc = new Y.Doc()
    for (const u of (await server.storage.updatesAfter(session.id, 0))) Y.applyUpdate(doc, u.update)
    const t0 = Date.now()
    let batch: { sessionId: string; seq: number; at: number; participantId: string | null; update: Uint8Array }[] = []
    for (let i = 1; i <= UPDATES; i++) {
      const seq = i + 1
      doc.once('update', (update: Uint8Array) => batch.push({ sessionId: session.id, seq, at: t0 + i, participantId: `p${i % 5}`, update }))
      doc.getMap(Root.records).set('shape:drawing', { points: String(i % 10).repeat(POINT_BYTES), version: i })
      if (batch.length === 500 || i === UPDATES) {
        await server.storage.appendUpdates(batch)
        batch = []
      }
      if (i === UPDATES - CHECKPOINT_BEFORE_END) (await server.storage.writeCheckpoint(session.id, { seq, at: t0 + i, state: Y.encodeStateAsUpdate(doc) }))
    }
    const lastSeq = await server.storage.lastSeq(session.id)
    const logBytes = await server.storage.storedBytes(session.id)
    const bytesStarted = performance.now()
    await server.storage.storedBytes(session.id)
    const storedBytesMs = performance.now() - bytesStarted
    console.log(`log: ${lastSeq} updates, ${(logBytes / MiB).toFixed(1)} MiB stored (storedBytes in ${storedBytesMs.toFixed(2)} ms), written in ${((performance.now() - started) / 1000).toFixed(1)} s`)
    expect(logBytes).toBeGreaterThan(UPDATES * POINT_BYTES)

    // Six concurrent pages asking for 20,000 updates each, while something else keeps asking /healthz.
    const rssBefore = process.memoryUsage().rss
    let rssPeak = rssBefore
    const sampler = setInterval(() => (rssPeak = Math.max(rssPeak, process.memoryUsage().rss)), 5)
    const loop = monitorEventLoopDelay({ resolution: 5 })
    loop.enable()
    let healthWorst = 0
    let calling = true
    const healthProbe = (async () => {
      while (calling) {
        const t = performance.now()
        await fetch(`${server.url}/healthz`)
        healthWorst = Math.max(healthWorst, performance.now() - t)
      }
    })()
    const callsStarted = performance.now()
    const bodies = await Promise.all(
      Array.from({ length: 6 }, async (_, k) => {
        const res = await fetch(`${server.url}/api/sessions/${session.id}/updates?after=${k * 700}&limit=20000`, { headers: auth })
        expect(res.status).toBe(200)
        return { after: k * 700, next: res.headers.get('x-sandbox-next-after'), body: Buffer.from(await res.arrayBuffer()) }
      }),
    )
    const callsMs = performance.now() - callsStarted
    calling = false
    await healthProbe
    clearInterval(sampler)
    loop.disable()
    const rssAfter = process.memoryUsage().rss
    console.log(
      `six concurrent /updates?limit=20000: ${callsMs.toFixed(0)} ms in all; RSS ${(rssBefore / MiB).toFixed(0)} MiB before, ` +
        `${(rssPeak / MiB).toFixed(0)} MiB peak, ${(rssAfter / MiB).toFixed(0)} MiB after; event loop delay max ${(loop.max / 1e6).toFixed(1)} ms; ` +
        `slowest /healthz meanwhile ${healthWorst.toFixed(1)} ms; page sizes ${bodies.map((b) => (b.body.length / MiB).toFixed(2)).join(', ')} MiB`,
    )
    for (const { after, next, body } of bodies) {
      const { header, seqs, updateBytes } = parseFeed(body)
      expect(updateBytes).toBeLessThanOrEqual(MAX_FEED_PAGE_BYTES)
      expect(updateBytes).toBeGreaterThan(MAX_FEED_PAGE_BYTES - 2 * POINT_BYTES)
      expect(seqs[0]).toBe(after + 1)
      expect(header).toMatchObject({ more: true, lastSeq: seqs.at(-1) })
      expect(next).toBe(String(header.lastSeq))
    }
    expect(rssPeak - rssBefore).toBeLessThan(200 * MiB)
    expect(loop.max / 1e6).toBeLessThan(1_000)

    // Following the pages from the start yields every update once, in order.
    let after = 0
    let seen = 0
    let pages = 0
    for (let more = true; more; pages++) {
      const res = await fetch(`${server.url}/api/sessions/${session.id}/updates?after=${after}&limit=20000`, { headers: auth })
      const { header, seqs } = parseFeed(Buffer.from(await res.arrayBuffer()))
      expect(seqs).toEqual(Array.from({ length: seqs.length }, (_, i) => after + i + 1))
      seen += seqs.length
      after = header.lastSeq
      more = header.more
    }
    expect(seen).toBe(lastSeq)
    expect(pages).toBeGreaterThanOrEqual(Math.floor(logBytes / MAX_FEED_PAGE_BYTES))

    // The board is one 16 kB drawing; its history is tens of MiB.
    const stateStarted = performance.now()
    const res = await fetch(`${server.url}/api/sessions/${session.id}/state?at=${t0 + UPDATES}`, { headers: auth })
    const state = new Uint8Array(await res.arrayBuffer())
    console.log(`/state at the end: ${state.length} bytes in ${(performance.now() - stateStarted).toFixed(0)} ms (checkpoint + ${CHECKPOINT_BEFORE_END} overwrites of ${POINT_BYTES / 1024} kB)`)
    expect(res.status).toBe(200)
    const board = new Y.Doc()
    Y.applyUpdate(board, state)
    expect((board.getMap(Root.records).get('shape:drawing') as { version: number }).version).toBe(UPDATES)
    expect(state.length).toBeLessThan(4 * POINT_BYTES)
  })
})
