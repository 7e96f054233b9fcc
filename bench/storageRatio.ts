// Storage ratio benchmark: how much a long session occupies on disk against what it is made of.
// A real server (createServer, in this process, with its real storage) takes a session from
// participants on their own websockets, each editing through their own Y.Doc as the client does;
// at the end the server shuts down as it does on SIGTERM (final checkpoint), and the bench reads
//   on disk:  SQLite — the database file after `wal_checkpoint(TRUNCATE)` (WAL folded in, so the
//             file is everything); PostgreSQL — pg_total_relation_size of `updates`, `update_packs`
//             (the packed log, where the build has it) and `checkpoints` (rows, indexes, TOAST)
//             after a plain VACUUM, which autovacuum would run anyway;
//   payload:  Storage.storedBytes (log rows + stored checkpoints: what the quota counts);
// each divided by (update bytes in the log + the final document's bytes).
//
// Scenarios (time is compressed: edits are sent as fast as the server takes them):
//   meeting — 20 people, a 90-minute retrospective: each writes a dozen stickies, types in them
//             (every edit rewrites the sticky's props, as the client does), drags them around
//             (one update per pointer move) and deletes a few;
//   moves   — 200 stickies, then 20,000 moves of them;
//   long    — the replay benchmark's 100,000-update session (20 people, 90 minutes), generated
//             straight into storage as a room writes it (not through a server: 100,000 updates
//             through sockets take minutes on a shared machine).
//
//   node bench/storageRatio.ts [--backend sqlite,postgres] [--scenario meeting,moves,long] [--server-root DIR [--every 500]]
//
// `--server-root` runs the same sessions against another checkout's server (e.g. the commit before
// checkpoints were spaced by size, extracted with `git archive`), for before/after figures; that
// build's generator for `long` needs `--every 500` (its room's rule).
import fs from 'node:fs'
import path from 'node:path'
import { fileURLToPath } from 'node:url'
import Database from 'better-sqlite3'
import postgres from 'postgres'
import WebSocket from 'ws'
import * as Y from 'yjs'
import * as decoding from 'lib0/decoding'
import * as encoding from 'lib0/encoding'
import { MessageType, POSITION_KEY, recordToYMap, Root, seededRandom } from '@sandbox/shared'
import { indexKey, noteRecord } from './docs.ts'

type Harness = typeof import('../server/src/testing/harness.ts')
type Backend = 'sqlite' | 'postgres'
export type StorageScenario = 'meeting' | 'moves' | 'long'

export interface StorageRatioResult {
  scenario: StorageScenario
  backend: Backend
  updates: number
  updateBytes: number
  docBytes: number
  checkpoints: number
  /** Storage.storedBytes: log rows + stored checkpoints. */
  payloadBytes: number
  diskBytes: number
  payloadRatio: number
  diskRatio: number
  /** Of the disk bytes, the log's: the `updates` table and its indexes. */
  logDiskBytes: number
  seconds: number
}

const here = path.dirname(fileURLToPath(import.meta.url))
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms))

/** One participant: a joined identity, a socket, and a Y.Doc its edits are made in. */
class Person {
  readonly doc = new Y.Doc()
  readonly stickies: string[] = []
  private ws!: WebSocket
  sent = 0

  static async join(h: Harness, url: string, sessionId: string, token: string, name: string): Promise<Person> {
    const person = new Person()
    const id = await h.join(url, sessionId, token, name)
    const ws = new WebSocket(`${h.wsBase(url)}/${sessionId}?token=${token}&pid=${id.participantId}&pkey=${id.participantKey}`)
    person.ws = ws
    // The board as it is, once (sync step 2); what others write afterwards is not needed: each
    // person edits only their own stickies.
    const synced = new Promise<void>((resolve, reject) => {
      ws.on('error', reject)
      ws.on('message', (data: Buffer) => {
        const d = decoding.createDecoder(new Uint8Array(data))
        if (decoding.readVarUint(d) !== MessageType.sync || decoding.readVarUint(d) !== 1) return
        Y.applyUpdate(person.doc, decoding.readVarUint8Array(d), 'server')
        resolve()
      })
    })
    await new Promise<void>((resolve, reject) => ws.once('open', resolve).once('error', reject))
    const e = encoding.createEncoder()
    encoding.writeVarUint(e, MessageType.sync)
    encoding.writeVarUint(e, 0)
    encoding.writeVarUint8Array(e, Y.encodeStateVector(new Y.Doc()))
    ws.send(encoding.toUint8Array(e))
    await synced
    person.doc.on('update', (update: Uint8Array, origin: unknown) => {
      if (origin === 'server') return
      person.sent += 1
      ws.send(h.syncUpdateFrame(update))
    })
    return person
  }

  edit(fn: (records: Y.Map<Y.Map<unknown>>) => void): void {
    this.doc.transact(() => fn(this.doc.getMap<Y.Map<unknown>>(Root.records)))
  }

  close(): void {
    this.ws.close()
    this.doc.destroy()
  }
}

/**
 * The edits of one scenario, one person at a time. Every 100 edits it waits for the server to
 * have committed everything (`settle`): a room checkpoints only with its log committed, and
 * people pause; a session replayed flat out with no pause would never checkpoint on PostgreSQL.
 */
async function play(scenario: StorageScenario, people: Person[], random: () => number, settle: () => Promise<void>): Promise<void> {
  let n = 0
  const breathe = async () => {
    if (++n % 100 === 0) await settle()
  }
  const pick = <T>(xs: readonly T[]): T => xs[Math.floor(random() * xs.length)] as T
  const create = (p: Person, text: string) => {
    const id = `shape:${p.doc.clientID.toString(36)}_${p.stickies.length}`
    p.stickies.push(id)
    p.edit((r) => r.set(id, recordToYMap(noteRecord(id, Math.floor(random() * 4000), Math.floor(random() * 3000), text, indexKey(n)))))
  }
  const drag = async (p: Person, moves: number) => {
    const id = pick(p.stickies)
    let [x, y] = [Math.floor(random() * 4000), Math.floor(random() * 3000)]
    for (let i = 0; i < moves; i++) {
      x += Math.floor(random() * 9) - 4
      y += Math.floor(random() * 9) - 4
      p.edit((r) => r.get(id)?.set(POSITION_KEY, [x, y]))
      await breathe()
    }
  }
  if (scenario === 'moves') {
    for (let i = 0; i < 200; i++) {
      create(people[i % people.length] as Person, `Idea ${i}`)
      await breathe()
    }
    for (let i = 0; i < 20_000; i += 20) await drag(pick(people), 20)
    return
  }
  // meeting: three rounds of writing, typing and arranging, then a round of tidying up.
  const words = ['deploys', 'were', 'slow', 'on', 'Fridays', 'and', 'the', 'review', 'queue', 'grew', 'but', 'pairing', 'helped']
  for (let round = 0; round < 3; round++) {
    for (let turn = 0; turn < 4; turn++) {
      for (const p of people) {
        create(p, '')
        // Typing: a props rewrite every word or so, as the editor sends them.
        const id = p.stickies.at(-1) as string
        let text = ''
        for (let w = 0; w < 18; w++) {
          text += `${text ? ' ' : ''}${pick(words)}`
          const props = { ...(noteRecord(id, 0, 0, text).props as Record<string, unknown>) }
          p.edit((r) => r.get(id)?.set('props', props))
          await breathe()
        }
      }
    }
    for (let drags = 0; drags < 25; drags++) for (const p of people) await drag(p, 6 + Math.floor(random() * 40))
  }
  for (const p of people) {
    const id = p.stickies.shift() as string
    p.edit((r) => r.delete(id))
  }
}

/** Writes the session through a real server, with people on websockets; returns its id and final document size. */
async function throughServer(h: Harness, scenario: 'meeting' | 'moves', dataDir: string, databaseUrl: string | null, people: Person[]): Promise<{ sessionId: string; docBytes: number }> {
  // Limits meant for people typing are lifted: the session is replayed faster than it was lived.
  const server = await h.startServer(dataDir, {
    messagesPerSecond: 1e6,
    messageBurst: 1e6,
    bytesPerSecond: 1e9,
    burstBytes: 1e9,
    slowClientBytes: 1e9,
    ...(databaseUrl ? { databaseUrl } : {}),
  })
  const session = await h.createSession(server.url, `Storage bench: ${scenario}`)
  const count = scenario === 'meeting' ? 20 : 10
  for (let i = 0; i < count; i++) people.push(await Person.join(h, server.url, session.id, session.tokens.participant, `Person ${i + 1}`))
  const room = await server.rooms.get(session.id)
  const seqAtStart = await server.storage.lastSeq(session.id)
  const sent = () => people.reduce((n, p) => n + p.sent, 0)
  // Everything sent so far is applied, logged and committed.
  const settle = () =>
    h.waitFor(async () => room.pendingSaves === 0 && server.persister.pendingCount === 0 && (await server.storage.lastSeq(session.id)) >= seqAtStart + sent(), 'edits logged', 120_000)
  await play(scenario, people, seededRandom(scenario === 'meeting' ? 90 : 200), async () => {
    await settle()
    await sleep(1)
  })
  await settle()
  for (const p of people.splice(0)) p.close()
  const docBytes = room.fullState().length
  await server.close()
  return { sessionId: session.id, docBytes }
}

/**
 * The replay benchmark's 100,000-update session (bench/replaySeek.ts: 20 people, 90 minutes, the
 * session behind the "124 MB for 4.1 MB of updates"), written straight into storage with
 * checkpoints as that build's room writes them (`every`: every that many updates instead).
 */
async function generated(serverRoot: string, dataDir: string, databaseUrl: string | null, every: number | null): Promise<{ sessionId: string; docBytes: number }> {
  const { generateSession } = await import(path.join(serverRoot, 'bench/replaySeek.ts'))
  const { rebuildDoc } = await import(path.join(serverRoot, 'server/src/storage/rebuild.ts'))
  const storage = databaseUrl
    ? await (await import(path.join(serverRoot, 'server/src/storage/PostgresStorage.ts'))).PostgresStorage.open(databaseUrl)
    : new (await import(path.join(serverRoot, 'server/src/storage/SqliteStorage.ts'))).SqliteStorage(dataDir)
  const sessionId = 'bench_long_session'
  try {
    await generateSession(storage, sessionId, { updates: 100_000, participants: 20, checkpointEvery: every })
    const { doc } = (await rebuildDoc(storage, sessionId)) as { doc: Y.Doc }
    const docBytes = Y.encodeStateAsUpdate(doc).length
    doc.destroy()
    return { sessionId, docBytes }
  } finally {
    await storage.close()
  }
}

export async function runStorageScenario(
  scenario: StorageScenario,
  backend: Backend,
  serverRoot = path.resolve(here, '..'),
  every: number | null = null,
): Promise<StorageRatioResult> {
  const started = performance.now()
  const h = (await import(path.join(serverRoot, 'server/src/testing/harness.ts'))) as Harness
  const pgMod = await import(path.join(serverRoot, 'server/src/testing/postgres.ts'))
  const cluster = backend === 'postgres' ? await (pgMod.startTestPostgres as () => Promise<{ createDatabase(): Promise<string>; stop(): Promise<void> }>)() : null
  const databaseUrl = cluster ? await cluster.createDatabase() : null
  const dataDir = h.tempDataDir()
  const people: Person[] = []
  try {
    const { sessionId, docBytes } =
      scenario === 'long' ? await generated(serverRoot, dataDir, databaseUrl, every) : await throughServer(h, scenario, dataDir, databaseUrl, people)
    const storage = cluster && databaseUrl ? await (await import(path.join(serverRoot, 'server/src/storage/PostgresStorage.ts'))).PostgresStorage.open(databaseUrl) : new (await import(path.join(serverRoot, 'server/src/storage/SqliteStorage.ts'))).SqliteStorage(dataDir)
    let updates = 0
    let updateBytes = 0
    for (let after = 0; ; ) {
      const page = (await storage.updatesPage(sessionId, after, { maxUpdates: 10_000, maxBytes: 64 << 20 })) as { seq: number; update: Uint8Array }[]
      if (page.length === 0) break
      updates += page.length
      for (const u of page) updateBytes += u.update.length
      after = page.at(-1)?.seq ?? after
    }
    const payloadBytes = (await storage.storedBytes(sessionId)) as number
    await storage.close()

    let diskBytes: number
    let logDiskBytes: number
    let checkpoints: number
    if (databaseUrl) {
      const sql = postgres(databaseUrl, { max: 1, onnotice: () => {} })
      try {
        // The packed log (update_packs) belongs to the log; builds before it have no such table.
        const [packs] = await sql<{ t: string | null }[]>`SELECT to_regclass('update_packs')::text AS t`
        await sql`VACUUM ANALYZE updates`
        await sql`VACUUM ANALYZE checkpoints`
        if (packs?.t) await sql`VACUUM ANALYZE update_packs`
        const [r] = await sql<{ log: string; ckpt: string; n: string }[]>`
          SELECT pg_total_relation_size('updates') + COALESCE(pg_total_relation_size(to_regclass('update_packs')), 0) AS log,
            pg_total_relation_size('checkpoints') AS ckpt, (SELECT COUNT(*) FROM checkpoints) AS n`
        logDiskBytes = Number(r?.log)
        diskBytes = logDiskBytes + Number(r?.ckpt)
        checkpoints = Number(r?.n)
      } finally {
        await sql.end({ timeout: 1 })
      }
    } else {
      const file = path.join(dataDir, 'sandbox.sqlite')
      const db = new Database(file)
      db.pragma('wal_checkpoint(TRUNCATE)')
      checkpoints = (db.prepare('SELECT COUNT(*) AS n FROM checkpoints').get() as { n: number }).n
      // The log's pages (its tables and their indexes, packs included), from SQLite's own page accounting.
      logDiskBytes = (
        db
          .prepare("SELECT SUM(pgsize) AS b FROM dbstat WHERE name IN ('updates', 'updates_by_time', 'updates_by_size', 'update_packs', 'update_packs_by_seq', 'update_packs_by_time')")
          .get() as { b: number }
      ).b
      db.close()
      diskBytes = fs.statSync(file).size + (fs.existsSync(`${file}-wal`) ? fs.statSync(`${file}-wal`).size : 0)
    }
    const whole = updateBytes + docBytes
    const ratio = (x: number) => Math.round((x / whole) * 100) / 100
    return {
      scenario,
      backend,
      updates,
      updateBytes,
      docBytes,
      checkpoints,
      payloadBytes,
      diskBytes,
      payloadRatio: ratio(payloadBytes),
      diskRatio: ratio(diskBytes),
      logDiskBytes,
      seconds: Math.round((performance.now() - started) / 100) / 10,
    }
  } finally {
    for (const p of people) p.close()
    await cluster?.stop()
    fs.rmSync(dataDir, { recursive: true, force: true })
  }
}

/** Every scenario on every backend (bench/suite.ts `--only storage`). */
export async function runStorageRatioBench(opts: { backends?: Backend[]; scenarios?: StorageScenario[]; serverRoot?: string } = {}): Promise<StorageRatioResult[]> {
  const out: StorageRatioResult[] = []
  for (const scenario of opts.scenarios ?? (['meeting', 'moves', 'long'] as const)) {
    for (const backend of opts.backends ?? (['sqlite', 'postgres'] as const)) out.push(await runStorageScenario(scenario, backend, opts.serverRoot))
  }
  return out
}

export function formatStorageRatio(r: StorageRatioResult): string {
  const mb = (b: number) => (b / 1e6).toFixed(2)
  return (
    `${r.scenario.padEnd(8)} ${r.backend.padEnd(9)} ${r.updates} updates, ${mb(r.updateBytes)} MB + doc ${mb(r.docBytes)} MB; ` +
    `${r.checkpoints} checkpoints; payload ${mb(r.payloadBytes)} MB (×${r.payloadRatio}); disk ${mb(r.diskBytes)} MB (×${r.diskRatio})` +
    `, of which the log ${mb(r.logDiskBytes)} MB; ${r.seconds} s`
  )
}

if (process.argv[1] && path.resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  const arg = (name: string) => {
    const i = process.argv.indexOf(`--${name}`)
    return i >= 0 ? process.argv[i + 1] : undefined
  }
  const list = <T extends string>(name: string) => arg(name)?.split(',') as T[] | undefined
  const serverRoot = arg('server-root') ? path.resolve(arg('server-root') as string) : undefined
  const every = arg('every') ? Number(arg('every')) : null
  for (const scenario of list<StorageScenario>('scenario') ?? ['meeting', 'moves', 'long']) {
    for (const backend of list<Backend>('backend') ?? ['sqlite', 'postgres']) console.log(formatStorageRatio(await runStorageScenario(scenario, backend, serverRoot, every)))
  }
  process.exit(0)
}
