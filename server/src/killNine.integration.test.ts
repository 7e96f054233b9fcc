// No acknowledged edit is lost to kill -9: a child-process server is killed at random moments while
// stock clients write with `ack=1`; after each kill the database on disk must hold everything any
// client was told is saved, and pass SQLite's integrity check.
import fs from 'node:fs'
import { describe, expect, it } from 'vitest'
import * as Y from 'yjs'
import * as decoding from 'lib0/decoding'
import { MessageType, Root, seededRandom } from '@sandbox/shared'
import { loadDoc } from './rooms/RoomManager.ts'
import { SqliteStorage } from './storage/SqliteStorage.ts'
import { connect, createSession, freePort, spawnServer, tempDataDir, waitFor, type Client, stickyMap } from './testing/harness.ts'

const ROUNDS = Number(process.env.KILL_ROUNDS ?? 10)
const CLIENTS = 4
const SEED = Number(process.env.KILL_SEED ?? 9)

describe('kill -9', () => {
  it('loses no acknowledged update, whenever the server dies', async () => {
    const rand = seededRandom(SEED)
    const dataDir = tempDataDir()
    const port = await freePort()
    let sessionId = ''
    let token = ''
    let acknowledgedUpdates = 0
    let lost = 0
    for (let round = 1; round <= ROUNDS; round++) {
      const { child, url } = await spawnServer(dataDir, port)
      const exited = new Promise((r) => child.once('exit', r))
      try {
        if (round === 1) {
          const session = await createSession(url, 'kill -9')
          sessionId = session.id
          token = session.tokens.participant
        }
        // What each client was told is durable: its own client id → clock.
        const acked = new Map<number, number>()
        /** Every write: its key and the writer's clock once it was made. */
        const written: { client: number; key: string; clock: number }[] = []
        const clients: Client[] = []
        for (let i = 0; i < CLIENTS; i++) {
          const c = connect(url, sessionId, token, undefined, { ack: '1' })
          c.provider.messageHandlers[MessageType.saved] = (_e, d) => {
            const sv = Y.decodeStateVector(decoding.readVarUint8Array(d))
            const clock = sv.get(c.doc.clientID)
            if (clock !== undefined && clock > (acked.get(c.doc.clientID) ?? 0)) acked.set(c.doc.clientID, clock)
          }
          clients.push(c)
        }
        await waitFor(() => clients.every((c) => c.provider.synced), 'clients synced', 10_000)
        // Steady, staggered writes until the kill.
        let stop = false
        const writers = clients.map(async (c, i) => {
          await new Promise((r) => setTimeout(r, i * 3))
          for (let n = 0; !stop; n++) {
            const key = `shape:r${round}c${i}n${n}`
            c.doc.getMap(Root.records).set(key, stickyMap(key, 'x'.repeat(n % 7 === 0 ? 2_000 : 40)))
            written.push({ client: c.doc.clientID, key, clock: Y.getState(c.doc.store, c.doc.clientID) })
            await new Promise((r) => setTimeout(r, 2 + Math.floor(rand() * 6)))
          }
        })
        // Every round tests something: the kill comes at a random moment after the first ack.
        await waitFor(() => acked.size > 0, 'a first acknowledgement', 15_000)
        await new Promise((r) => setTimeout(r, Math.floor(rand() * 600)))
        child.kill('SIGKILL')
        await exited
        stop = true
        await Promise.all(writers)
        for (const c of clients) c.destroy()

        // What is on disk after the crash holds every acknowledged clock.
        const storage = new SqliteStorage(dataDir)
        try {
          expect(storage.integrityCheck()).toBe('ok')
          const { doc } = await loadDoc(storage, sessionId)
          const records = doc.getMap(Root.records)
          for (const w of written) {
            if (w.clock > (acked.get(w.client) ?? 0)) continue
            acknowledgedUpdates++
            if (!records.has(w.key) || Y.getState(doc.store, w.client) < w.clock) lost++
          }
          doc.destroy()
        } finally {
          storage.close()
        }
      } finally {
        if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL')
      }
    }
    console.log(`kill -9: ${ROUNDS} rounds, ${acknowledgedUpdates} acknowledged updates checked on disk, ${lost} lost`)
    fs.rmSync(dataDir, { recursive: true, force: true })
    expect(acknowledgedUpdates).toBeGreaterThan(0)
    expect(lost).toBe(0)
  }, 240_000)
})
