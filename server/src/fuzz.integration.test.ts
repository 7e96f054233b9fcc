// A seeded protocol fuzzer against a real server: random frames and mutations of valid frames
// (bit flips, truncation, length-field inflation, splicing) plus hand-made hostile updates in the
// style of yjs#687, mutations of valid tldraw records, Y types inside guarded maps and delete-set
// bombs. Afterwards the server must be healthy, another room must still sync, and the
// stored log must replay cleanly into the same document the room holds live.
import { isDeepStrictEqual } from 'node:util'
import { afterAll, describe, expect, it } from 'vitest'
import WebSocket from 'ws'
import * as Y from 'yjs'
import * as awarenessProtocol from 'y-protocols/awareness'
import * as encoding from 'lib0/encoding'
import { MessageType, recordFromYMap, recordToYMap, Root, seededRandom } from '@sandbox/shared'
import { boardSchema, checkBoardRecord, stickyRecord } from '@sandbox/shared/board'
import { connect, createSession, putSticky, startServer, stickyMap, synced, waitFor, wsBase } from './testing/harness.ts'

const SEED = Number(process.env.FUZZ_SEED ?? 0x5eed)
const FRAMES = Number(process.env.FUZZ_FRAMES ?? 30_000)
const WORKERS = Number(process.env.FUZZ_WORKERS ?? 16)

const frame = (write: (e: encoding.Encoder) => void): Uint8Array => {
  const e = encoding.createEncoder()
  write(e)
  return encoding.toUint8Array(e)
}
const updateFrame = (update: Uint8Array, sub = 2) =>
  frame((e) => {
    encoding.writeVarUint(e, MessageType.sync)
    encoding.writeVarUint(e, sub)
    encoding.writeVarUint8Array(e, update)
  })
const raw = (...parts: (number | number[] | Uint8Array)[]) =>
  frame((e) => {
    for (const p of parts) {
      if (typeof p === 'number') encoding.writeVarUint(e, p)
      else encoding.writeUint8Array(e, Uint8Array.from(p))
    }
  })
const varuint = (n: number) => frame((e) => encoding.writeVarUint(e, n))
const probe = raw(MessageType.queryAwareness)

/** Valid frames from a real client editing a copy of the room's document, and mutations of its records. */
function validCorpus(initial: Uint8Array, rand: () => number): Uint8Array[] {
  const doc = new Y.Doc()
  Y.applyUpdate(doc, initial)
  const updates: Uint8Array[] = []
  doc.on('update', (u: Uint8Array) => updates.push(u))
  const records = doc.getMap<Y.Map<unknown>>(Root.records)
  for (let i = 0; i < 40; i++) {
    records.set(`shape:f${i}`, stickyMap(`shape:f${i}`, `note ${i} ✓`, { x: i * 10 }))
    if (i % 3 === 0) records.get(`shape:f${Math.floor(i / 2)}`)?.set('xy', [-i, i])
    if (i % 5 === 0) records.delete(`shape:f${i - 1}`)
  }
  // The same records, mutated the way a hostile or broken tool would write them: each mutation
  // is its own update against the valid board, so the server must judge every one.
  const mutations = recordMutations(rand)
  for (const mutation of mutations) {
    const copy = new Y.Doc()
    Y.applyUpdate(copy, Y.encodeStateAsUpdate(doc))
    copy.on('update', (u: Uint8Array) => updates.push(u))
    mutation(copy)
    copy.destroy()
  }
  const awareness = new awarenessProtocol.Awareness(doc)
  awareness.setLocalState({ user: { name: 'Spoofer', color: '#ff0000' }, presence: { cursor: { x: 1, y: 2 } } })
  const awarenessUpdate = awarenessProtocol.encodeAwarenessUpdate(awareness, [doc.clientID])
  awareness.destroy()
  return [
    ...updates.map((u, i) => updateFrame(u, i % 2 === 0 ? 2 : 1)),
    updateFrame(Y.mergeUpdates(updates.slice(0, 10))),
    raw(0, 0, Y.encodeStateVector(new Y.Doc()).length, Y.encodeStateVector(new Y.Doc())),
    frame((e) => {
      encoding.writeVarUint(e, 0)
      encoding.writeVarUint(e, 0)
      encoding.writeVarUint8Array(e, Y.encodeStateVector(doc))
    }),
    frame((e) => {
      encoding.writeVarUint(e, MessageType.awareness)
      encoding.writeVarUint8Array(e, awarenessUpdate)
    }),
    probe,
  ]
}

const JUNK: unknown[] = [null, -1, 1e308, 'x', '', 'data:image/png;base64,AAAA', 'javascript:alert(1)', [], {}, { a: [1, { b: 2 }] }, true, 'x'.repeat(30_000)]

/** Ways to break a valid sticky, a page or the guarded maps, each applied to a copy of the board. */
function recordMutations(rand: () => number): ((doc: Y.Doc) => void)[] {
  const pick = <T>(xs: readonly T[]): T => xs[Math.floor(rand() * xs.length)] as T
  const sticky = (id: string) => stickyRecord({ id, text: 'mutated' })
  const put = (doc: Y.Doc, record: Record<string, unknown>, key = String(record.id)) => doc.getMap(Root.records).set(key, recordToYMap(record))
  const out: ((doc: Y.Doc) => void)[] = []
  for (let i = 0; i < 60; i++) {
    const id = `shape:m${i}`
    const base = sticky(id)
    const field = pick(Object.keys(base))
    const prop = pick(Object.keys(base.props as object))
    out.push(
      (d) => put(d, { ...base, [field]: pick(JUNK) }),
      (d) => put(d, { ...base, props: { ...(base.props as object), [prop]: pick(JUNK) } }),
      (d) => put(d, { ...base, props: { ...(base.props as object), url: pick(JUNK) } }),
      (d) => put(d, base, `shape:other${i}`), // key is not the id
      (d) => put(d, { ...base, typeName: pick(['instance', 'camera', 'pointer', 'instance_page_state', 'instance_presence', 'user', 'nope']) }),
      (d) => put(d, { ...base, type: pick(['custom', 'script', '', 'note ']) }),
      (d) => put(d, { ...base, parentId: pick(['shape:nowhere', 'page:none', id, 'document:document']) }),
      (d) => {
        // two shapes parenting each other
        put(d, { ...sticky(`shape:c${i}a`), parentId: `shape:c${i}b` })
        put(d, { ...sticky(`shape:c${i}b`), parentId: `shape:c${i}a` })
      },
      (d) => d.getMap(Root.records).delete(pick(['page:page', 'document:document'])),
      (d) => (d.getMap(Root.records).get('page:page') as Y.Map<unknown> | undefined)?.set(pick(['name', 'index', 'meta']), pick(JUNK)),
      (d) => d.getMap(Root.meta).set(pick(['schema', 'other']), pick(JUNK)),
      (d) => {
        // a Y type in a guarded map, and an edit nested inside it
        const nested = new Y.Map<unknown>()
        d.getMap(pick([Root.session, Root.tasks, Root.votes, Root.participants, Root.answers])).set(pick(['phase', 'x', 'p|shape:a']), nested)
        nested.set('phase', 'review')
      },
      (d) => {
        // a Y type nested in a board record
        const record = d.getMap(Root.records).get('shape:f1') as Y.Map<unknown> | undefined
        record?.set('props', new Y.Map())
      },
    )
  }
  return out
}

/** Hand-made updates that try to make Yjs loop or allocate without bound (yjs#687 and friends). */
function hostileUpdates(): Uint8Array[] {
  const big = 2 ** 52
  const u = (...parts: (number | number[] | Uint8Array)[]) => updateFrame(raw(...parts))
  return [
    u(1, 0x3fffffff, 7, 0), // a huge struct count with no structs behind it
    u(0x3fffffff, 1, 7, 0), // a huge client count
    u(1, 1, 7, 0, 10, varuint(big), 0), // Skip with a huge length
    u(1, 1, 7, 0, 0, varuint(big), 0), // GC with a huge length
    u(1, 1, 7, 0, 1, 1, 7, 0, 1, varuint(big), 0), // ContentDeleted with a huge length, parent "records"
    u(1, 2, 7, 0, 10, varuint(big), 0b100, 1, 7, Array.from(new TextEncoder().encode('records')), 1, 1, 0x77, 1, 0x61, 0),
    u(0, 1, 7, 1, varuint(0x3fffffff), 0, 5), // huge delete-range count
    u(0, 1, 7, 1, 0, varuint(big)), // a delete range of 2^52
    u(1, 1, 7, 0, 0b1000, 1, 7, Array.from(new TextEncoder().encode('records')), 0x3fffffff, 0), // ContentAny count inflated
    u(1, 1, 7, 0, 0b1000, 1, 7, Array.from(new TextEncoder().encode('records')), 1, 117, 0x3fffffff, 0), // array item count inflated
    u(1, 1, 7, 0, 0b0100, 1, 7, Array.from(new TextEncoder().encode('records')), 0x3fffffff, 0x61), // string length inflated
    u(1, 1, 7, 0, 0b1000, 1, 7, Array.from(new TextEncoder().encode('unknownRoot')), 1, 0x7e, 0), // a top-level type the schema does not know
    u(1, 1, 7, 0, 0b1000, 1, 7, Array.from(new TextEncoder().encode('records')), 1, ...Array(200).fill(117), 0), // deep nesting
    u(1, 1, 7, 0, 0b0111, 1, 7, Array.from(new TextEncoder().encode('records')), 99, 0), // unknown type ref
    u(1, 1, 7, 0, 0b10000001, 9, varuint(big), 1), // origin pointing nowhere, deleted run
    deleteSetBomb(30_000), // tens of thousands of one-clock delete ranges
    raw(0, 0, 0x3fffffff, 1, 2), // state vector length inflated
    raw(0, 0, 3, 0x3fffffff, 1, 1), // state vector with a huge entry count
    raw(1, 0x3fffffff, 1), // awareness length inflated
    raw(1, 5, 0x3fffffff, 1, 2, 3, 4), // awareness with a huge entry count
    raw(1, 4, 1, 7, 1, 0x7b), // awareness state that is not JSON
    raw(0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0x7f), // a varint beyond 2^53
    raw(MessageType.saved, 0), // server-only type from a client
    raw(MessageType.auth, 0),
    new Uint8Array(0),
  ]
}

/** An update with only a delete set of `n` one-clock ranges over client 1's first clocks. */
function deleteSetBomb(n: number): Uint8Array {
  return updateFrame(
    frame((e) => {
      encoding.writeVarUint(e, 0) // no structs
      encoding.writeVarUint(e, 1) // one client in the delete set
      encoding.writeVarUint(e, 1)
      encoding.writeVarUint(e, n)
      for (let i = 0; i < n; i++) {
        encoding.writeVarUint(e, i * 2)
        encoding.writeVarUint(e, 1)
      }
    }),
  )
}

function mutate(rand: () => number, corpus: readonly Uint8Array[]): Uint8Array | string {
  const pick = <T>(xs: readonly T[]): T => xs[Math.floor(rand() * xs.length)] as T
  const int = (n: number) => Math.floor(rand() * n)
  const base = pick(corpus)
  const bytes = Uint8Array.from(base)
  switch (int(9)) {
    case 0: {
      // bit flips
      for (let i = 0, n = 1 + int(4); i < n && bytes.length > 0; i++) {
        const at = int(bytes.length)
        bytes[at] = (bytes[at] as number) ^ (1 << int(8))
      }
      return bytes
    }
    case 1:
      return bytes.slice(0, int(bytes.length)) // truncation
    case 2: {
      // length-field inflation: replace a byte with a long varint
      const at = int(bytes.length)
      const inflated = pick([varuint(2 ** 31), varuint(2 ** 52), varuint(0x7fffffff), varuint(bytes.length * 64), [0xff, 0xff, 0xff, 0x7f]])
      return Uint8Array.from([...bytes.slice(0, at), ...inflated, ...bytes.slice(at + 1)])
    }
    case 3: {
      // splicing two frames
      const other = pick(corpus)
      return Uint8Array.from([...bytes.slice(0, int(bytes.length + 1)), ...other.slice(int(other.length))])
    }
    case 4: {
      // random bytes overwritten
      for (let i = 0, n = 1 + int(8); i < n && bytes.length > 0; i++) bytes[int(bytes.length)] = int(256)
      return bytes
    }
    case 5: {
      // random bytes inserted / deleted
      const at = int(bytes.length + 1)
      return rand() < 0.5
        ? Uint8Array.from([...bytes.slice(0, at), ...Array.from({ length: 1 + int(6) }, () => int(256)), ...bytes.slice(at)])
        : Uint8Array.from([...bytes.slice(0, at), ...bytes.slice(at + 1 + int(6))])
    }
    case 6:
      return Uint8Array.from({ length: int(64) }, () => int(256)) // pure noise
    case 7:
      return rand() < 0.1 ? 'text frame' : base // a valid frame, so later mutations have something to build on
    default: {
      // a message type or sync subtype swapped
      if (bytes.length > 1) bytes[rand() < 0.5 ? 0 : 1] = pick([0, 1, 2, 3, 4, 7, 100, 127, 128])
      return bytes
    }
  }
}

/** One worker: sends each frame then a presence query, and waits for the answer or the close. */
async function fuzzWorker(url: string, frames: (Uint8Array | string)[]): Promise<{ sent: number; closes: number }> {
  let ws: WebSocket | null = null
  let closes = 0
  let waiter: (() => void) | null = null
  const open = () =>
    new Promise<WebSocket>((resolve, reject) => {
      const s = new WebSocket(url)
      s.on('message', () => waiter?.())
      s.on('close', () => {
        closes++
        if (ws === s) ws = null
        waiter?.()
      })
      s.on('open', () => resolve(s))
      s.on('error', reject)
    })
  let sent = 0
  for (const f of frames) {
    if (!ws || ws.readyState !== WebSocket.OPEN) ws = await open()
    const socket: WebSocket = ws
    const answered = new Promise<void>((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`no answer within 10 s after frame ${Buffer.from(f).toString('hex').slice(0, 200)}`)), 10_000)
      waiter = () => {
        clearTimeout(timer)
        waiter = null
        resolve()
      }
    })
    socket.send(f)
    socket.send(probe)
    sent++
    await answered
  }
  ;(ws as WebSocket | null)?.close()
  return { sent, closes }
}

describe('protocol fuzzing', () => {
  const cleanup: (() => unknown)[] = []
  afterAll(async () => {
    while (cleanup.length) await cleanup.pop()?.()
  })

  it('survives tens of thousands of hostile frames; the log replays into the live document', async () => {
    // A high rate limit: this test is about what a frame does, not how many arrive.
    const server = await startServer(undefined, { messagesPerSecond: 1_000_000, messageBurst: 1_000_000 })
    cleanup.push(() => server.close())
    const target = await createSession(server.url, 'fuzz target')
    const bystander = await createSession(server.url, 'bystander')
    const room = await server.rooms.get(target.id)
    const rand = seededRandom(SEED)
    const corpus = [...validCorpus(Y.encodeStateAsUpdate(room.doc), rand), ...hostileUpdates()]

    const frames: (Uint8Array | string)[] = [...hostileUpdates()]
    while (frames.length < FRAMES) frames.push(mutate(rand, corpus))
    const perWorker: (Uint8Array | string)[][] = Array.from({ length: WORKERS }, () => [])
    frames.forEach((f, i) => perWorker[i % WORKERS]?.push(f))

    const url = `${wsBase(server.url)}/${target.id}?token=${target.tokens.participant}`
    const started = performance.now()
    const results = await Promise.all(perWorker.map((fs) => fuzzWorker(url, fs)))
    const sent = results.reduce((n, r) => n + r.sent, 0)
    const closes = results.reduce((n, r) => n + r.closes, 0)
    console.log(
      `fuzz: ${sent} frames (seed ${SEED}) in ${((performance.now() - started) / 1000).toFixed(1)} s, ${closes} connections closed by the server, ` +
        `${(await server.storage.lastSeq(target.id))} updates stored`,
    )
    expect(sent).toBe(FRAMES)

    // The process is alive and healthy, and another room still syncs both ways.
    expect((await fetch(`${server.url}/healthz`)).status).toBe(200)
    const a = connect(server.url, bystander.id, bystander.tokens.participant)
    const b = connect(server.url, bystander.id, bystander.tokens.participant)
    cleanup.push(() => a.destroy(), () => b.destroy())
    await Promise.all([synced(a), synced(b)])
    putSticky(a.doc, 'shape:after-fuzz')
    await waitFor(() => b.doc.getMap(Root.records).has('shape:after-fuzz'), 'bystander room syncs')

    // The target room still serves a stock client too.
    const c = connect(server.url, target.id, target.tokens.participant)
    cleanup.push(() => c.destroy())
    await synced(c)

    // Every stored update applies to a fresh doc without error or missing dependencies, and the
    // result is the document the room holds live.
    await server.persister.flush()
    const replay = new Y.Doc()
    for (const u of (await server.storage.updatesAfter(target.id, 0))) Y.applyUpdate(replay, u.update)
    expect(replay.store.pendingStructs).toBeNull()
    expect(replay.store.pendingDs).toBeNull()
    expect(Y.encodeStateVector(replay)).toEqual(Y.encodeStateVector(room.doc))
    for (const name of Object.values(Root)) expect(replay.getMap(name).toJSON()).toEqual(room.doc.getMap(name).toJSON())
    expect(room.doc.store.pendingStructs).toBeNull()
    await waitFor(() => isDeepStrictEqual(c.doc.getMap(Root.records).toJSON(), replay.getMap(Root.records).toJSON()), 'client = log')
    expect(c.doc.store.pendingStructs).toBeNull()

    // Whatever got through is a board tldraw can open: every record valid, every parent there,
    // the document and a page kept, and the guarded maps hold plain values only.
    const { schema } = boardSchema()
    const board = room.doc.getMap(Root.records)
    expect(board.has('document:document')).toBe(true)
    expect([...board.keys()].some((k) => k.startsWith('page:'))).toBe(true)
    let shapes = 0
    board.forEach((value, key) => {
      expect(value).toBeInstanceOf(Y.Map)
      const record = recordFromYMap(value as Y.Map<unknown>)
      const verdict = checkBoardRecord(schema, key, record, target.id)
      expect(verdict.ok, `${key}: ${verdict.ok ? '' : verdict.reason} ${JSON.stringify(record).slice(0, 300)}`).toBe(true)
      if (record.typeName === 'shape') {
        shapes++
        expect(board.has(record.parentId as string)).toBe(true)
        expect(record.parentId).not.toBe(key)
      }
    })
    for (const name of [Root.session, Root.tasks, Root.votes, Root.participants, Root.answers, Root.meta]) {
      room.doc.getMap(name).forEach((value) => expect(value).not.toBeInstanceOf(Y.AbstractType))
    }
    expect(room.doc.getMap(Root.session).get('phase')).toBe('warmup')
    console.log(`fuzz: ${board.size} records on the board afterwards (${shapes} shapes), all valid`)
  }, 240_000)
})
