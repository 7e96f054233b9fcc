// A full disk: the server stops acknowledging, keeps the room live in memory, reports 503 on
// /healthz and retries; once there is room again it catches up without losing anything, and the
// database passes SQLite's integrity check. DATA_DIR is a 2 MiB tmpfs, so this needs root; if the
// mount fails the test fails and says why (a skipped durability test would read as a pass).
import { execFileSync } from 'node:child_process'
import fs from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { afterAll, describe, expect, it } from 'vitest'
import * as Y from 'yjs'
import * as decoding from 'lib0/decoding'
import { MessageType, Root } from '@sandbox/shared'
import { SqliteStorage } from './storage/SqliteStorage.ts'
import { connect, createSession, startServer, synced, waitFor, type Client, stickyMap } from './testing/harness.ts'

const mountPoint = fs.mkdtempSync(path.join(os.tmpdir(), 'sandbox-diskfull-'))
let mounted = false
const cleanup: (() => unknown)[] = []
afterAll(async () => {
  while (cleanup.length) await cleanup.pop()?.()
  if (mounted) execFileSync('umount', [mountPoint])
  fs.rmSync(mountPoint, { recursive: true, force: true })
})

function mountTinyDisk(): void {
  try {
    execFileSync('mount', ['-t', 'tmpfs', '-o', 'size=2m', 'tmpfs', mountPoint], { stdio: 'pipe' })
    mounted = true
  } catch (error) {
    throw new Error(
      `diskFull test cannot run: mounting a 2 MiB tmpfs at ${mountPoint} failed (${(error as Error).message.trim()}). ` +
        'It needs root (or CAP_SYS_ADMIN); run the suite as root or in a privileged container.',
    )
  }
}

/** Fills the disk with one file; returns its path. */
function fill(dir: string): string {
  const file = path.join(dir, 'filler')
  const fd = fs.openSync(file, 'w')
  const chunk = Buffer.alloc(16 * 1024, 1)
  try {
    for (;;) fs.writeSync(fd, chunk)
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'ENOSPC') throw error
  }
  // Whatever is left, byte by byte in smaller pieces.
  for (const size of [4096, 512, 1]) {
    try {
      for (;;) fs.writeSync(fd, chunk.subarray(0, size))
    } catch {
      /* full at this size */
    }
  }
  fs.closeSync(fd)
  return file
}

const health = async (url: string) => (await fetch(`${url}/healthz`)).status

describe('disk full', () => {
  it('stops acknowledging, reports 503, keeps the room live, then catches up without loss', async () => {
    mountTinyDisk()
    const dataDir = path.join(mountPoint, 'data')
    const server = await startServer(dataDir)
    cleanup.push(() => server.close())
    const session = await createSession(server.url, 'disk full')
    const writer = connect(server.url, session.id, session.tokens.participant, undefined, { ack: '1' })
    const watcher = connect(server.url, session.id, session.tokens.participant)
    cleanup.push(() => writer.destroy(), () => watcher.destroy())
    let ackedClock = 0
    let acks = 0
    writer.provider.messageHandlers[MessageType.saved] = (_e, d) => {
      acks++
      ackedClock = Math.max(ackedClock, Y.decodeStateVector(decoding.readVarUint8Array(d)).get(writer.doc.clientID) ?? 0)
    }
    await Promise.all([synced(writer), synced(watcher)])
    const records = writer.doc.getMap(Root.records)
    let n = 0
    const write = () => {
      const id = `shape:n${n++}`
      records.set(id, stickyMap(id, `${n}`.padEnd(3_000, '~')))
    }
    const myClock = () => Y.getState(writer.doc.store, writer.doc.clientID)

    write()
    await waitFor(() => ackedClock >= myClock(), 'first ack')
    expect(await health(server.url)).toBe(200)

    const filler = fill(mountPoint)
    // Write until a commit fails: SQLite may still have free pages and WAL space for a while.
    const fillStarted = Date.now()
    while (server.persister.healthy) {
      if (Date.now() - fillStarted > 20_000) throw new Error('no commit failed within 20 s of filling the disk')
      write()
      await new Promise((r) => setTimeout(r, 5))
    }
    expect(await health(server.url)).toBe(503)
    const body = (await (await fetch(`${server.url}/healthz`)).json()) as { ok: boolean; pendingUpdates: number }
    expect(body.ok).toBe(false)
    expect(body.pendingUpdates).toBeGreaterThan(0)

    // While the disk is full: no acknowledgements, the room stays live for everyone.
    await new Promise((r) => setTimeout(r, 50))
    const acksAtFailure = acks
    const ackedAtFailure = ackedClock
    for (let i = 0; i < 20; i++) write()
    await waitFor(() => watcher.doc.getMap(Root.records).has(`shape:n${n - 1}`), 'live sync while the disk is full')
    await new Promise((r) => setTimeout(r, 700)) // covers two retries
    expect(acks).toBe(acksAtFailure)
    expect(ackedClock).toBe(ackedAtFailure)
    expect(ackedClock).toBeLessThan(myClock())
    expect(await health(server.url)).toBe(503)
    expect(server.rooms.loaded.has(session.id)).toBe(true)

    // Room again: the retry commits everything, acknowledgements resume, health comes back.
    fs.rmSync(filler)
    await waitFor(() => ackedClock >= myClock(), 'acknowledgements resume after space is freed', 10_000)
    expect(await health(server.url)).toBe(200)
    write()
    await waitFor(() => ackedClock >= myClock(), 'new writes acknowledged')

    // Everything is in the log, and the database is sound, live and after a restart.
    const expected = records.toJSON()
    const check = async (storage: SqliteStorage) => {
      expect(storage.integrityCheck()).toBe('ok')
      const replay = new Y.Doc()
      for (const u of (await storage.updatesAfter(session.id, 0))) Y.applyUpdate(replay, u.update)
      expect(Y.getState(replay.store, writer.doc.clientID)).toBe(myClock())
      expect(replay.getMap(Root.records).toJSON()).toEqual(expected)
      replay.destroy()
    }
    check(server.storage as SqliteStorage)
    writer.destroy()
    watcher.destroy()
    await server.close()
    const reopened = new SqliteStorage(dataDir)
    try {
      check(reopened)
    } finally {
      reopened.close()
    }
    console.log(`disk full: ${n} writes, ${acks} acknowledgements, none lost; integrity_check ok`)
  }, 60_000)
})
