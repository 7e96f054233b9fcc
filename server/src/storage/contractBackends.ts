// The two backends the storage contract runs against, and the rows its tests write. SQLite opens a
// file in a temporary DATA_DIR; PostgreSQL is a real cluster started per test file
// (testing/postgres.ts), one fresh database per test. Used by the *.contract.test.ts files.
import fs from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import Database from 'better-sqlite3'
import postgres from 'postgres'
import { afterAll, afterEach, beforeAll, describe } from 'vitest'
import * as Y from 'yjs'
import { startTestPostgres, type TestPostgres } from '../testing/postgres.ts'
import { PostgresStorage } from './PostgresStorage.ts'
import { SqliteStorage } from './SqliteStorage.ts'
import type { Storage } from './Storage.ts'

/** One backend: opens a store on a fresh location, reopens it, and changes a row behind its back. */
export interface Backend {
  name: string
  setup(): Promise<void>
  teardown(): Promise<void>
  /** A store on a fresh, empty location; `reopen` opens the same location again (migrations run again). */
  fresh(): Promise<{
    storage: Storage
    reopen(): Promise<Storage>
    corrupt(table: 'updates' | 'checkpoints', sessionId: string, seq: number, bytes: Uint8Array): Promise<void>
    /** Flips a byte in the middle of the body of the pack holding `seq`. */
    corruptPack(sessionId: string, seq: number): Promise<void>
    /** Log rows (one per update) and packs the session's log is stored in. */
    stored(sessionId: string): Promise<{ rows: number; packs: number }>
    /** Makes the store what schema version 6 left (no packs), as an older Sandbox wrote it. */
    downgradeToVersion6(): Promise<void>
    /** Runs SQL on the store behind its back (as an older version left it). */
    raw(statement: string): Promise<void>
  }>
}

const opened: Storage[] = []
const track = <S extends Storage>(s: S): S => {
  opened.push(s)
  return s
}

const sqlite = (): Backend => {
  const dirs: string[] = []
  return {
    name: 'SQLite',
    setup: async () => {},
    teardown: async () => {
      for (const d of dirs.splice(0)) fs.rmSync(d, { recursive: true, force: true })
    },
    fresh: async () => {
      const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'sandbox-contract-'))
      dirs.push(dir)
      const storage = track(new SqliteStorage(dir))
      return {
        storage,
        reopen: async () => track(new SqliteStorage(dir)),
        corrupt: async (table, sessionId, seq, bytes) => {
          const raw = new Database(storage.file)
          const column = table === 'updates' ? 'bytes' : 'state'
          raw.prepare(`UPDATE ${table} SET ${column} = ? WHERE session_id = ? AND seq = ?`).run(Buffer.from(bytes), sessionId, seq)
          raw.close()
        },
        corruptPack: async (sessionId, seq) => {
          const raw = new Database(storage.file)
          const pack = raw.prepare('SELECT rowid AS id, body FROM update_packs WHERE session_id = ? AND first_seq <= ? AND last_seq >= ?').get(sessionId, seq, seq) as { id: number; body: Buffer }
          raw.prepare('UPDATE update_packs SET body = ? WHERE rowid = ?').run(flipMiddle(pack.body), pack.id)
          raw.close()
        },
        stored: async (sessionId) => {
          const raw = new Database(storage.file)
          const rows = (raw.prepare('SELECT COUNT(*) AS n FROM updates WHERE session_id = ?').get(sessionId) as { n: number }).n
          const packs = (raw.prepare('SELECT COUNT(*) AS n FROM update_packs WHERE session_id = ?').get(sessionId) as { n: number }).n
          raw.close()
          return { rows, packs }
        },
        downgradeToVersion6: async () => {
          const raw = new Database(storage.file)
          raw.exec('DROP TABLE update_packs; DROP TABLE timeline_summaries; PRAGMA user_version = 6')
          raw.close()
        },
        raw: async (statement) => {
          const raw = new Database(storage.file)
          raw.exec(statement)
          raw.close()
        },
      }
    },
  }
}

const postgresql = (): Backend => {
  let cluster: TestPostgres | null = null
  return {
    name: 'PostgreSQL',
    setup: async () => {
      cluster = await startTestPostgres()
    },
    teardown: async () => {
      await cluster?.stop()
    },
    fresh: async () => {
      if (!cluster) throw new Error('PostgreSQL did not start (see the error in beforeAll)')
      const url = await cluster.createDatabase()
      const storage = track(await PostgresStorage.open(url))
      return {
        storage,
        reopen: async () => track(await PostgresStorage.open(url)),
        corrupt: async (table, sessionId, seq, bytes) => {
          const raw = postgres(url, { max: 1, onnotice: () => {} })
          try {
            if (table === 'updates') await raw`UPDATE updates SET bytes = ${Buffer.from(bytes)} WHERE session_id = ${sessionId} AND seq = ${seq}`
            else await raw`UPDATE checkpoints SET state = ${Buffer.from(bytes)} WHERE session_id = ${sessionId} AND seq = ${seq}`
          } finally {
            await raw.end({ timeout: 1 })
          }
        },
        corruptPack: async (sessionId, seq) => {
          const raw = postgres(url, { max: 1, onnotice: () => {} })
          try {
            const [pack] = await raw<{ last_seq: string; body: Buffer }[]>`SELECT last_seq, body FROM update_packs WHERE session_id = ${sessionId} AND first_seq <= ${seq} AND last_seq >= ${seq}`
            if (!pack) throw new Error(`no pack holds ${seq}`)
            await raw`UPDATE update_packs SET body = ${flipMiddle(pack.body)} WHERE session_id = ${sessionId} AND last_seq = ${pack.last_seq}`
          } finally {
            await raw.end({ timeout: 1 })
          }
        },
        stored: async (sessionId) => {
          const raw = postgres(url, { max: 1, onnotice: () => {} })
          try {
            const [r] = await raw<{ rows: number; packs: number }[]>`
              SELECT (SELECT COUNT(*) FROM updates WHERE session_id = ${sessionId})::int AS rows, (SELECT COUNT(*) FROM update_packs WHERE session_id = ${sessionId})::int AS packs`
            return r as { rows: number; packs: number }
          } finally {
            await raw.end({ timeout: 1 })
          }
        },
        downgradeToVersion6: async () => {
          const raw = postgres(url, { max: 1, onnotice: () => {} })
          try {
            await raw.unsafe('DROP TABLE update_packs; DROP TABLE timeline_summaries; DELETE FROM schema_migrations WHERE version >= 7')
          } finally {
            await raw.end({ timeout: 1 })
          }
        },
        raw: async (statement) => {
          const raw = postgres(url, { max: 1, onnotice: () => {} })
          try {
            await raw.unsafe(statement)
          } finally {
            await raw.end({ timeout: 1 })
          }
        },
      }
    },
  }
}

export const session = (id: string, createdAt = 1) => ({ id, title: `Title of ${id}`, createdAt, tokenHashes: { participant: 'a'.repeat(64), facilitator: 'b'.repeat(64), viewer: 'c'.repeat(64) } })

/** Updates that each add one key to Y.Map('m'). */
export function edits(n: number): Uint8Array[] {
  const doc = new Y.Doc()
  const out: Uint8Array[] = []
  doc.on('update', (u: Uint8Array) => out.push(u))
  for (let i = 0; i < n; i++) doc.getMap('m').set(`k${i}`, i)
  doc.destroy()
  return out
}

export const row = (sessionId: string, seq: number, at: number, update: Uint8Array, participantId: string | null = null) => ({ sessionId, seq, at, participantId, update })

export const flipMiddle = (bytes: Buffer): Buffer => {
  const copy = Buffer.from(bytes)
  copy.writeUInt8(copy.readUInt8(copy.length >> 1) ^ 0x5a, copy.length >> 1)
  return copy
}

/**
 * A long log (3,000 drags by 7 people, several per millisecond, one clock step back) written the
 * same into `packed` and `plain`; only `packed` gets a checkpoint, so its first 2,100 rows are
 * packed (into three packs: 1,024 + 1,024 + 52) and the rest stay rows.
 */
export const LONG = 3_000
export const PACKED_UP_TO = 2_100
export function longLog(): { at: (seq: number) => number; rows: (sessionId: string) => ReturnType<typeof row>[]; updates: Uint8Array[] } {
  const doc = new Y.Doc()
  const updates: Uint8Array[] = []
  doc.on('update', (u: Uint8Array) => updates.push(u))
  for (let i = 0; i < LONG; i++) doc.getMap('m').set(`note${i % 40}`, { x: i, y: i * 2 })
  doc.destroy()
  // Three updates per millisecond; seq 1,500 is stamped a little before its neighbours (a clock step).
  const at = (seq: number) => 1_700_000_000_000 + Math.floor(seq / 3) - (seq === 1_500 ? 10 : 0)
  return { at, updates, rows: (sessionId) => updates.map((u, i) => row(sessionId, i + 1, at(i + 1), u, i % 7 === 0 ? null : `p${i % 7}`)) }
}

/** `body` once per backend, as `<title>: SQLite` and `<title>: PostgreSQL`; stores opened with `fresh` are closed after each test. */
export function describeOnBothBackends(title: string, body: (backend: Backend) => void): void {
  describe.each([sqlite(), postgresql()])(`${title}: $name`, (backend) => {
    beforeAll(() => backend.setup(), 120_000)
    afterEach(async () => {
      for (const s of opened.splice(0)) await s.close()
    })
    afterAll(() => backend.teardown(), 60_000)

    body(backend)
  })
}
