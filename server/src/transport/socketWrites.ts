// How the transport writes to a socket: frames sent during one turn of the event loop leave in one
// write (a busy room fans out many small updates per turn, and a syscall per frame per client was
// most of the server's time at 100 clients), and a frame a room sends to everyone is framed for the
// websocket once.
import type { Duplex } from 'node:stream'
import { atEndOfTurn } from '../rooms/endOfTurn.ts'

/** Sockets holding back writes until the end of this event-loop turn, released after the rooms sent what they coalesced. */
const corkedSockets = new Set<Duplex>()
function uncorkAll(): void {
  for (const socket of corkedSockets) socket.uncork()
  corkedSockets.clear()
}
export function corkUntilNextTurn(socket: Duplex): void {
  if (corkedSockets.has(socket)) return
  if (corkedSockets.size === 0) atEndOfTurn(uncorkAll, 'last')
  socket.cork()
  corkedSockets.add(socket)
}

/**
 * A room sends the same frame to everyone in it (an update, a presence change, a newcomer's copy
 * of the board): it is framed for the websocket once (an unmasked binary frame) and those bytes
 * are written to each socket, instead of ws framing it again for every connection. A small frame
 * is copied behind its header into one buffer; a large one keeps its bytes, behind a header of its
 * own (the socket is corked, so both leave in one write). Nothing else writes to these sockets in
 * between but ws itself, synchronously, so frames keep their order.
 */
const framed = new WeakMap<Uint8Array, Buffer>()
const COPY_BELOW_BYTES = 16 * 1024
export function writeFrame(socket: Duplex, message: Uint8Array): void {
  let frame = framed.get(message)
  if (!frame) {
    const n = message.length
    const header = n < 126 ? 2 : n < 65_536 ? 4 : 10
    frame = Buffer.allocUnsafe(header + (n < COPY_BELOW_BYTES ? n : 0))
    frame[0] = 0x82 // FIN, binary
    if (n < 126) frame[1] = n
    else if (n < 65_536) {
      frame[1] = 126
      frame.writeUInt16BE(n, 2)
    } else {
      frame[1] = 127
      frame.writeUInt32BE(Math.floor(n / 2 ** 32), 2)
      frame.writeUInt32BE(n >>> 0, 6)
    }
    if (n < COPY_BELOW_BYTES) frame.set(message, header)
    framed.set(message, frame)
  }
  socket.write(frame)
  if (message.length >= COPY_BELOW_BYTES) socket.write(message)
}
