// The security review's breaks, each replayed against a real server with raw and stock clients
// while a healthy room next door keeps doing round trips; each attack must be refused or
// contained, and the healthy room's p99 is printed (asserted only against a generous bound).
import fs from 'node:fs'
import { describe, expect, it } from 'vitest'
import * as Y from 'yjs'
import * as encoding from 'lib0/encoding'
import { CloseCode, recordFromYMap, Root } from '@sandbox/shared'
import { boardSchema, checkBoardRecord, stickyRecord } from '@sandbox/shared/board'
import {
  awarenessFrameOf,
  connect,
  craftUpdates,
  createSession,
  healthyRoom,
  join,
  PRESENCE_PROBE,
  putSticky,
  rawSocket,
  sessionWithLog,
  startServer,
  stickyMap,
  synced,
  syncUpdateFrame,
  tempDataDir,
  waitFor,
} from './testing/harness.ts'
import { teardownAfterEach } from './testing/teardown.ts'
import type { Config } from './config.ts'

const cleanup = teardownAfterEach()
/** Far above the < 50 ms goal: a shared CI machine must not make this flaky. */
const GENEROUS_P99_MS = 2_000

const setup = (overrides: Partial<Config> = {}) => sessionWithLog((step) => cleanup.push(step), overrides, 'warn')

/** Runs `attack` while a healthy room does round trips; prints and bounds its p99. */
async function duringAttack<T>(serverUrl: string, name: string, attack: () => Promise<T>, repeatForMs = 0): Promise<T> {
  const healthy = await healthyRoom(serverUrl)
  const started = performance.now()
  let result = await attack()
  while (performance.now() - started < repeatForMs) result = await attack()
  const { p50, p99, count } = await healthy.stop()
  console.log(`healthy room during ${name}: p50 ${p50.toFixed(1)} ms, p99 ${p99.toFixed(1)} ms over ${count} round trips`)
  expect(count).toBeGreaterThan(0)
  expect(p99).toBeLessThan(GENEROUS_P99_MS)
  return result
}

/**
 * A chain of `depth` nested maps under `key` of a top-level map, as the bytes of one update (a
 * client building it through Yjs pays O(depth²) in observer walks; an attacker writes the bytes).
 */
function nestedChain(map: string, key: string, depth: number): Uint8Array {
  const e = encoding.createEncoder()
  const client = 0x7ffffff
  encoding.writeVarUint(e, 1) // one client
  encoding.writeVarUint(e, depth + 1) // structs
  encoding.writeVarUint(e, client)
  encoding.writeVarUint(e, 0) // first clock
  for (let clock = 0; clock <= depth; clock++) {
    encoding.writeUint8(e, 7 | 0b00100000) // ContentType, with a map key
    if (clock === 0) {
      encoding.writeVarUint(e, 1) // the parent is a top-level type
      encoding.writeVarString(e, map)
      encoding.writeVarString(e, key)
    } else {
      encoding.writeVarUint(e, 0) // the parent is the previous map
      encoding.writeVarUint(e, client)
      encoding.writeVarUint(e, clock - 1)
      encoding.writeVarString(e, 'n')
    }
    encoding.writeVarUint(e, 1) // Y.Map
  }
  encoding.writeVarUint(e, 0) // empty delete set
  return encoding.toUint8Array(e)
}

describe('guarded maps hold plain JSON only', () => {
  it('refuses 50,000 nested maps in session.phase before applying them; the session keeps working, also after a restart', async () => {
    const { server, session, syncUrl } = await setup()
    const room = await server.rooms.get(session.id)
    // 49,000 levels: the placement check refuses it (from 50,000 structs on, the per-update bound does).
    const update = nestedChain(Root.session, 'phase', 49_000)
    // The bytes are what Yjs would integrate (checked on a throwaway doc with a short chain).
    const probeDoc = new Y.Doc()
    Y.applyUpdate(probeDoc, nestedChain(Root.session, 'phase', 3))
    expect(JSON.stringify(probeDoc.getMap(Root.session).toJSON())).toBe('{"phase":{"n":{"n":{"n":{}}}}}')
    await duringAttack(server.url, 'a 50,000-deep nested map', async () => {
      const { ws, closed } = await rawSocket(syncUrl(session.tokens.participant))
      ws.send(syncUpdateFrame(update))
      expect((await closed).code).toBe(CloseCode.updateRefused)
    }, 1_500)
    expect(room.doc.getMap(Root.session).get('phase')).toBe('warmup')
    expect(JSON.stringify(room.doc.getMap(Root.session).toJSON()).length).toBeLessThan(10_000)

    // The facilitator's next write works, and the session opens after the room unloads.
    const host = await join(server.url, session.id, session.tokens.facilitator, 'Host')
    const facilitator = connect(server.url, session.id, session.tokens.facilitator, host)
    cleanup.push(() => facilitator.destroy())
    await synced(facilitator)
    facilitator.doc.getMap(Root.session).set('phase', 'frame')
    await waitFor(async () => room.doc.getMap(Root.session).get('phase') === 'frame', 'facilitator moves the phase')
    facilitator.destroy()
    await waitFor(async () => room.connections.size === 0, 'everyone left')
    expect(await server.rooms.unload(room)).toBe(true)
    const again = connect(server.url, session.id, session.tokens.participant)
    cleanup.push(() => again.destroy())
    await synced(again)
    expect(again.doc.getMap(Root.session).get('phase')).toBe('frame')
    const joined = await fetch(`${server.url}/api/sessions/${session.id}/participants`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${session.tokens.participant}` },
      body: JSON.stringify({ name: 'Member A' }),
    })
    expect(joined.status).toBe(200)
  })

  it('refuses a Y type in tasks, votes or participants for every role, so nothing can be edited inside one', async () => {
    const { server, session, syncUrl } = await setup()
    const room = await server.rooms.get(session.id)
    for (const [map, key] of [
      [Root.tasks, 'task:x'],
      [Root.votes, 'p_x|shape:a'],
      [Root.participants, 'p_x'],
      [Root.session, 'title'],
      [Root.meta, 'schema'],
    ] as const) {
      for (const token of [session.tokens.participant, session.tokens.facilitator]) {
        const [update] = craftUpdates(room.doc, (d) => {
          d.transact(() => {
            const nested = new Y.Map<unknown>()
            d.getMap(map).set(key, nested)
            nested.set('phase', 'review')
            nested.set('role', 'facilitator')
          })
        })
        const { ws, closed } = await rawSocket(syncUrl(token))
        ws.send(syncUpdateFrame(update as Uint8Array))
        expect((await closed).code, `${map}.${key}`).toBe(CloseCode.updateRefused)
        expect(room.doc.getMap(map).get(key)).not.toBeInstanceOf(Y.AbstractType)
      }
    }
    // A list item slipped into a guarded map (invisible to the map, but stored) is refused too.
    const [listItem] = craftUpdates(room.doc, (d) => {
      d.getArray(Root.tasks).insert(0, ['hidden'])
    })
    const { ws, closed } = await rawSocket(syncUrl(session.tokens.facilitator))
    ws.send(syncUpdateFrame(listItem as Uint8Array))
    expect((await closed).code).toBe(CloseCode.updateRefused)
  })
})

describe('board content', () => {
  it('keeps only valid records: each class of bad content is reverted for everyone and never reaches the disk', async () => {
    const dataDir = tempDataDir()
    cleanup.push(() => fs.rmSync(dataDir, { recursive: true, force: true }))
    const server = await startServer(dataDir)
    cleanup.push(() => server.close())
    const session = await createSession(server.url)
    const attacker = connect(server.url, session.id, session.tokens.participant)
    const witness = connect(server.url, session.id, session.tokens.participant)
    cleanup.push(() => attacker.destroy())
    cleanup.push(() => witness.destroy())
    await Promise.all([synced(attacker), synced(witness)])
    const records = attacker.doc.getMap<Y.Map<unknown>>(Root.records)
    const valid = (id: string, extra: Record<string, unknown> = {}) => stickyMap(id, 'x', extra)
    const props = stickyRecord({ id: 'shape:x' }).props as Record<string, unknown>
    const bad: [string, () => void][] = [
      ['invalid record', () => records.set('shape:a', valid('shape:a', { props: { richText: 7 } }))],
      ['wrong type name', () => records.set('instance:a', valid('instance:a', { typeName: 'instance' }))],
      ['key is not the id', () => records.set('shape:b', valid('shape:c'))],
      ['unknown shape type', () => records.set('shape:d', valid('shape:d', { type: 'iframe' }))],
      ['orphan shape', () => records.set('shape:e', valid('shape:e', { parentId: 'shape:missing' }))],
      ['own parent', () => records.set('shape:f', valid('shape:f', { parentId: 'shape:f' }))],
      ['oversized text', () => records.set('shape:g', stickyMap('shape:g', 'x'.repeat(25_000)))],
      ['data: URL', () => records.set('shape:h', valid('shape:h', { props: { ...props, url: 'data:text/html,hi' } }))],
      ['javascript: link', () => records.set('shape:i', valid('shape:i', { props: { ...props, url: 'javascript:alert(1)' } }))],
      ['document deleted', () => records.delete('document:document')],
      ['last page deleted', () => records.delete('page:page')],
      ['meta written', () => attacker.doc.getMap(Root.meta).set('schema', { hostile: true })],
    ]
    for (const [, write] of bad) attacker.doc.transact(write)
    // More refused changes than a connection may send: the attacker is closed for good
    // (stock providers do not reconnect after a 44xx close).
    await waitFor(async () => attacker.provider.wsconnected === false, 'the attacker is disconnected', 10_000)
    putSticky(witness.doc, 'shape:good', 'a real idea')
    await waitFor(async () => (await server.rooms.get(session.id)).doc.getMap(Root.records).has('shape:good'), 'the valid sticky arrives')
    expect([...witness.doc.getMap(Root.records).keys()].sort()).toEqual(['document:document', 'page:page', 'shape:good'])
    expect((witness.doc.getMap(Root.meta).get('schema') as { hostile?: boolean }).hostile).toBeUndefined()

    // An author whose one change is refused sees it undone on their own copy.
    const author = connect(server.url, session.id, session.tokens.participant)
    cleanup.push(() => author.destroy())
    await synced(author)
    author.doc.getMap(Root.records).set('shape:own-parent', valid('shape:own-parent', { parentId: 'shape:own-parent' }))
    await waitFor(async () => !author.doc.getMap(Root.records).has('shape:own-parent'), 'the author’s change is undone for them too')
    expect(author.provider.wsconnected).toBe(true)
    // Moves take the fast path; a bad position or an oversized meta still does not pass it.
    const good = author.doc.getMap(Root.records).get('shape:good') as Y.Map<unknown>
    good.set('xy', [10, 20])
    await waitFor(async () => (((await server.rooms.get(session.id)).doc.getMap(Root.records).get('shape:good') as Y.Map<unknown>).get('xy') as number[])[0] === 10, 'a move')
    for (const [key, value] of [['xy', ['left', 1]], ['xy', [1]], ['meta', { pad: 'x'.repeat(200_000) }]] as const) {
      good.set(key, value)
      await waitFor(async () => JSON.stringify(good.get(key)) !== JSON.stringify(value), `${key} = ${JSON.stringify(value).slice(0, 30)} undone`)
    }
    expect(good.get('xy')).toEqual([10, 20])
    // On disk, after a restart: the same three records, all of them valid.
    attacker.destroy()
    witness.destroy()
    author.destroy()
    await server.close()
    const restarted = await startServer(dataDir)
    cleanup.push(() => restarted.close())
    const reader = connect(restarted.url, session.id, session.tokens.participant)
    cleanup.push(() => reader.destroy())
    await synced(reader)
    const board = reader.doc.getMap(Root.records)
    expect([...board.keys()].sort()).toEqual(['document:document', 'page:page', 'shape:good'])
    const { schema } = boardSchema()
    board.forEach((value, key) => expect(checkBoardRecord(schema, key, recordFromYMap(value as Y.Map<unknown>), session.id).ok, key).toBe(true))
    expect((reader.doc.getMap(Root.meta).get('schema') as { hostile?: boolean }).hostile).toBeUndefined()
  })

  it('bounds how many records one connection may add: a flood of valid notes is cut off, others keep working', async () => {
    const { server, session, syncUrl } = await setup({ messagesPerSecond: 100_000, messageBurst: 100_000 })
    const room = await server.rooms.get(session.id)
    // Made before the attack: the server runs in this process, and crafting is not its work.
    const frames = craftUpdates(room.doc, (d) => {
      for (let batch = 0; batch < 40; batch++) {
        d.transact(() => {
          for (let i = 0; i < 500; i++) d.getMap(Root.records).set(`shape:flood${batch}-${i}`, stickyMap(`shape:flood${batch}-${i}`))
        })
      }
    }).map(syncUpdateFrame)
    await duringAttack(server.url, 'a flood of 20,000 valid notes', async () => {
      const { ws, closed } = await rawSocket(syncUrl(session.tokens.participant))
      let outcome: { code: number } | null = null
      void closed.then((c) => (outcome = c))
      for (const frame of frames) {
        if (outcome || ws.readyState !== ws.OPEN) break
        ws.send(frame)
        await new Promise((r) => setTimeout(r, 50))
      }
      expect((await closed).code).toBe(CloseCode.tooManyNewRecords)
    })
    const shapes = [...room.doc.getMap(Root.records).keys()].filter((k) => k.startsWith('shape:')).length
    console.log(`record flood: ${shapes} of 20,000 notes accepted before the connection was closed`)
    expect(shapes).toBeLessThanOrEqual(4_000)
  })
})

describe('one connection cannot stall or lock out the others', () => {
  it('refuses a delete-set bomb with 4413 before Yjs applies it', async () => {
    const { server, session, syncUrl } = await setup()
    const encoded: number[] = [0, 1, 1]
    const n = 200_000
    const varuint = (v: number) => {
      while (v > 0x7f) {
        encoded.push((v & 0x7f) | 0x80)
        v >>>= 7
      }
      encoded.push(v)
    }
    varuint(n)
    for (let i = 0; i < n; i++) {
      varuint(i * 2)
      varuint(1)
    }
    await duringAttack(server.url, 'a 200,000-range delete set', async () => {
      const { ws, closed } = await rawSocket(syncUrl(session.tokens.participant))
      ws.send(syncUpdateFrame(Uint8Array.from(encoded)))
      expect((await closed).code).toBe(CloseCode.messageTooLarge)
    }, 1_500)
  })

  it('bounds presence: oversized states are not relayed, a newcomer still gets the document, and refusals are logged a few times only', async () => {
    const { server, session, syncUrl } = await setup({ messagesPerSecond: 100_000, messageBurst: 100_000 })
    const big = { presence: { junk: 'x'.repeat(240 * 1024) } }
    const viewers = await Promise.all(Array.from({ length: 12 }, () => rawSocket(syncUrl(session.tokens.viewer))))
    const frames = Array.from({ length: 20 }, (_, round) =>
      viewers.map((_v, i) => awarenessFrameOf([0, 1, 2, 3].map((k) => ({ clientId: 1_000 + i * 10 + k, clock: round + 1, state: big })))),
    )
    await duringAttack(server.url, '12 viewers sending 4 × 240 KB presence, 20 times each', async () => {
      for (const round of frames) {
        viewers.forEach((v, i) => v.ws.readyState === v.ws.OPEN && v.ws.send(round[i] as Uint8Array))
        await new Promise((r) => setTimeout(r, 10))
      }
    })
    const room = await server.rooms.get(session.id)
    expect(room.awareness.getStates().size).toBe(0)
    // A newcomer gets the whole document and is not cut off as a slow client.
    const newcomer = connect(server.url, session.id, session.tokens.participant)
    cleanup.push(() => newcomer.destroy())
    await synced(newcomer)
    expect(newcomer.doc.getMap(Root.records).has('page:page')).toBe(true)
    const received = viewers.reduce((sum, v) => sum + v.messages.reduce((s, m) => s + m.length, 0), 0)
    expect(received).toBeLessThan(12 * 64 * 1024)
    for (const v of viewers) v.ws.close()
  })

  it('writes a bounded number of warning lines for a presence flood', async () => {
    const { session, syncUrl, lines } = await setup({ messagesPerSecond: 100_000, messageBurst: 100_000 })
    // A participant: a viewer's 0.8 MB frames no longer get past ws's frame limit for viewers.
    const { ws } = await rawSocket(syncUrl(session.tokens.participant))
    for (let i = 0; i < 200; i++) ws.send(awarenessFrameOf([{ clientId: 7, clock: i + 1, state: { junk: 'x'.repeat(800 * 1024) } }]))
    ws.send(PRESENCE_PROBE)
    await waitFor(async () => lines.length > 0, 'a warning', 10_000)
    await new Promise((r) => setTimeout(r, 300))
    console.log(`presence flood: ${lines.length} warning lines for 200 oversized frames`)
    expect(lines.length).toBeLessThanOrEqual(20)
    ws.close()
  })
})

describe('storage quota', () => {
  it('holds across unloads: overwriting one key until the quota, then again after the room unloads, is refused with 4508', async () => {
    const quota = 3 * 1024 * 1024
    const { server, session, syncUrl } = await setup({ maxSessionStorageBytes: quota, bytesPerSecond: 1e9, burstBytes: 1e9 })
    const writeUntilRefused = async () => {
      const room = await server.rooms.get(session.id)
      const { ws, closed } = await rawSocket(syncUrl(session.tokens.participant))
      let code: number | null = null
      void closed.then((c) => (code = c.code))
      for (let i = 0; i < 40 && code === null; i++) {
        const [update] = craftUpdates(room.doc, (d) => {
          const id = 'shape:overwrite'
          const existing = d.getMap(Root.records).get(id) as Y.Map<unknown> | undefined
          if (existing) existing.set('meta', { pad: `${i}`.padEnd(120_000, '.') })
          else d.getMap(Root.records).set(id, stickyMap(id, '', { meta: { pad: `${i}`.padEnd(120_000, '.') } }))
        })
        ws.send(syncUpdateFrame(update as Uint8Array))
        ws.send(PRESENCE_PROBE)
        await new Promise((r) => setTimeout(r, 20))
      }
      await closed
      return code
    }
    expect(await writeUntilRefused()).toBe(CloseCode.storageQuota)
    await server.persister.flush()
    const room = await server.rooms.get(session.id)
    await waitFor(async () => room.connections.size === 0, 'the writer left')
    expect(await server.rooms.unload(room)).toBe(true)
    expect(await writeUntilRefused()).toBe(CloseCode.storageQuota)
    const stored = await server.storage.storedBytes(session.id)
    console.log(`storage quota ${quota} B: ${stored} B stored after two rounds`)
    expect(stored).toBeLessThan(quota + 512 * 1024)
  })
})
