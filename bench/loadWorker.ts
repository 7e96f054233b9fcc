// The load generator, run as its own child process (see load.ts). It connects every client, has
// each one create its own sticky, then sends edits (and cursor moves) at a steady staggered rate,
// and records when each marked edit or cursor reaches every other client in the room.
import * as Y from 'yjs'
import { recordToYMap, Root, POSITION_KEY } from '@sandbox/shared'
import { noteRecord } from './docs.ts'
import type { LoadSpec, WorkerResult } from './load.ts'
import { record, type Histogram } from './loadHistogram.ts'
import { readRunWaitMs } from './procStats.ts'
import { sleep, waitUntil } from './stats.ts'
import { BenchClient, marker, nowUs } from './wire.ts'

interface Member {
  client: BenchClient
  sender: number
  room: number
  shape: Y.Map<unknown>
  seenEdits: Set<number>
  editSeq: number
  cursorSeq: number
  unsaved: { clock: number; sentUs: number }[]
}

/** Tells the parent this process reached `name`; resolves with the parent's go (and the wall-clock µs it gives, if any). */
const ask = (name: string): Promise<number | undefined> =>
  new Promise((resolve) => {
    const onMessage = (m: unknown): void => {
      const msg = m as { type: string; atUs?: number }
      if (msg.type === 'go') {
        process.off('message', onMessage)
        resolve(msg.atUs)
      }
    }
    process.on('message', onMessage)
    process.send?.({ type: 'phase', name })
  })

/** This worker runs the clients whose number modulo `workers` is `worker`; numbers are global, so markers name senders across workers. */
async function run(spec: LoadSpec, worker: number, workers: number): Promise<WorkerResult> {
  const members: Member[] = []
  const roomSizes = spec.rooms.map((r) => r.targets.length)
  let sender = 0
  const connectStart = performance.now()
  spec.rooms.forEach((room, r) => {
    for (const target of room.targets) {
      const n = sender++
      if (n % workers !== worker) continue
      const client = new BenchClient(target)
      members.push({ client, sender: n, room: r, shape: new Y.Map(), seenEdits: new Set(), editSeq: 0, cursorSeq: 0, unsaved: [] })
    }
  })
  await waitUntil(() => members.every((m) => m.client.syncedAt !== null || m.client.closed), 'all clients synced', 60_000)
  const connectMs = performance.now() - connectStart
  // Every generator process has its clients in before any of them starts sending.
  await ask('connected')
  for (const m of members) {
    const id = `shape:bench${m.sender}`
    const records = m.client.doc.getMap<Y.Map<unknown>>(Root.records)
    m.client.doc.transact(() => records.set(id, recordToYMap(noteRecord(id, m.sender * 10, 0, `Bench ${m.sender}`))))
    m.shape = records.get(id) as Y.Map<unknown>
  }

  let windowStartUs = Infinity
  let windowEndUs = Infinity
  const inWindow = (us: number): boolean => us >= windowStartUs && us < windowEndUs
  const editLatency: Histogram = {}
  const cursorLatency: Histogram = {}
  const savedLatency: Histogram = {}
  let editsSent = 0
  let cursorsSent = 0
  let editsExpected = 0
  let cursorsExpected = 0
  let cursorsReceived = 0
  for (const m of members) {
    // Some servers echo a client's own edits and cursors back to it; those are not deliveries.
    m.client.onEdit = (from, seq, sentUs) => {
      if (from === m.sender || !inWindow(sentUs)) return
      const key = from * 1_000_000 + seq
      if (m.seenEdits.has(key)) return
      m.seenEdits.add(key)
      record(editLatency, (nowUs() - sentUs) / 1000)
    }
    m.client.onCursor = (from, _seq, sentUs) => {
      if (from === m.sender || !inWindow(sentUs)) return
      cursorsReceived++
      record(cursorLatency, (nowUs() - sentUs) / 1000)
    }
    m.client.onSaved = (clock) => {
      const now = nowUs()
      while (m.unsaved.length > 0 && (m.unsaved[0] as { clock: number }).clock <= clock) {
        const { sentUs } = m.unsaved.shift() as { sentUs: number }
        if (inWindow(sentUs)) record(savedLatency, (now - sentUs) / 1000)
      }
    }
  }

  const timers: NodeJS.Timeout[] = []
  let sending = true
  const every = (hz: number, fn: () => void): void => {
    if (hz <= 0) return
    const period = 1000 / hz
    // Stagger: each client starts at a random phase of its period, so load is steady, not bursts.
    timers.push(setTimeout(() => {
      fn()
      timers.push(setInterval(fn, period))
    }, Math.random() * period))
  }
  for (const m of members) {
    const room = spec.rooms[m.room] as LoadSpec['rooms'][number]
    const others = (roomSizes[m.room] as number) - 1
    every(room.editHz, () => {
      if (!sending || m.client.closed) return
      const sentUs = nowUs()
      const seq = ++m.editSeq
      m.client.doc.transact(() => {
        m.shape.set(POSITION_KEY, [Math.round(Math.random() * 2000), Math.round(Math.random() * 2000)])
        m.shape.set('meta', { bench: marker('E', m.sender, seq, sentUs) })
      })
      if (room.acks) m.unsaved.push({ clock: m.client.ownClock, sentUs })
      if (inWindow(sentUs)) {
        editsSent++
        editsExpected += others
      }
    })
    every(room.cursorHz, () => {
      if (!sending || m.client.closed) return
      const sentUs = nowUs()
      const seq = ++m.cursorSeq
      m.client.sendAwareness({
        user: { name: `Bench ${m.sender}`, color: '#1971c2' },
        cursor: { x: Math.round(Math.random() * 2000), y: Math.round(Math.random() * 2000), bench: marker('C', m.sender, seq, sentUs) },
      })
      if (inWindow(sentUs)) {
        cursorsSent++
        cursorsExpected += others
      }
    })
  }

  await sleep(spec.warmupMs)
  // One window for every generator process: the parent says when it starts (a moment ahead).
  const startUs = (await ask('measure-start')) ?? nowUs()
  windowStartUs = startUs
  windowEndUs = startUs + spec.measureMs * 1000
  await sleep(Math.max(0, (startUs - nowUs()) / 1000))
  const cpuStart = process.cpuUsage()
  const waitStart = readRunWaitMs('self')
  await sleep(Math.max(0, (windowEndUs - nowUs()) / 1000))
  const cpu = process.cpuUsage(cpuStart)
  const waitEnd = readRunWaitMs('self')
  await ask('measure-end')
  sending = false
  for (const t of timers) clearTimeout(t)
  await sleep(spec.drainMs)
  const editsReceived = members.reduce((n, m) => n + m.seenEdits.size, 0)
  const closed = members.filter((m) => m.client.closed).length
  const closeCodes = [...new Set(members.map((m) => m.client.closeCode).filter((c) => c !== null))]
  for (const m of members) m.client.close()
  return {
    clients: members.length,
    connectMs,
    closedClients: closed,
    closeCodes: closeCodes as number[],
    editsSent,
    editsExpected,
    editsReceived,
    editLatency,
    cursorsSent,
    cursorsExpected,
    cursorsReceived,
    cursorLatency,
    savedLatency,
    cpuPercent: ((cpu.user + cpu.system) / 1000 / spec.measureMs) * 100,
    runWaitPercent: waitStart === null || waitEnd === null ? null : ((waitEnd - waitStart) / spec.measureMs) * 100,
  }
}

process.once('message', (m) => {
  const msg = m as { type: 'run'; spec: LoadSpec; worker: number; workers: number }
  run(msg.spec, msg.worker, msg.workers)
    .then((result) => process.send?.({ type: 'result', result }, () => process.exit(0)))
    .catch((error: unknown) => process.send?.({ type: 'error', message: String((error as Error).stack ?? error) }, () => process.exit(1)))
})
