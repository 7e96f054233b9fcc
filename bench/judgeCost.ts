// What judging the board adds to one update, without the network: moves of one sticky (the
// shape of a drag) applied straight to a real room, with and without the judging, alternating.
// Prints microseconds of CPU per update for each.
//   node bench/judgeCost.ts [--moves 20000] [--rounds 3]
import * as Y from 'yjs'
import { Root } from '@sandbox/shared'
import type { Connection } from '../server/src/rooms/Connection.ts'
import { createSession, putSticky, startServer, syncUpdateFrame } from '../server/src/testing/harness.ts'

const arg = (name: string, fallback: number) => {
  const i = process.argv.indexOf(`--${name}`)
  return i >= 0 ? Number(process.argv[i + 1]) : fallback
}

async function microsPerUpdate(judge: boolean, moves: number): Promise<number> {
  const server = await startServer(undefined, { messagesPerSecond: 1e9, messageBurst: 1e9, judgeBoard: judge })
  try {
    const session = await createSession(server.url)
    const room = await server.rooms.get(session.id)
    const conn: Connection = {
      id: 1,
      role: 'participant',
      participantId: 'anon:1',
      identified: false,
      wantsAcks: false,
      awarenessClientIds: new Set(),
      writtenClientIds: new Set(),
      send: () => {},
      close: () => {},
    }
    room.addConnection(conn)
    const client = new Y.Doc()
    Y.applyUpdate(client, Y.encodeStateAsUpdate(room.doc))
    const frames: Uint8Array[] = []
    client.on('update', (u: Uint8Array) => frames.push(syncUpdateFrame(u)))
    putSticky(client, 'shape:bench', 'A sticky being dragged around')
    const shape = client.getMap(Root.records).get('shape:bench') as Y.Map<unknown>
    for (let i = 0; i < moves; i++) client.transact(() => shape.set('xy', [i, i]))
    room.handleMessage(conn, frames[0] as Uint8Array)
    const start = process.cpuUsage()
    for (let i = 1; i < frames.length; i++) room.handleMessage(conn, frames[i] as Uint8Array)
    const used = process.cpuUsage(start)
    return (used.user + used.system) / moves
  } finally {
    await server.close()
  }
}

const moves = arg('moves', 20_000)
const judged: number[] = []
const unjudged: number[] = []
for (let round = 0; round < arg('rounds', 3); round++) {
  for (const judge of round % 2 === 0 ? [true, false] : [false, true]) (judge ? judged : unjudged).push(await microsPerUpdate(judge, moves))
}
const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)] as number
console.log(`judged ${median(judged).toFixed(1)} µs, not judged ${median(unjudged).toFixed(1)} µs of CPU per update (medians of ${judged.length} rounds × ${moves} moves)`)
process.exit(0)
