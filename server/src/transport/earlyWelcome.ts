// A socket accepted while its cold room is still being built (rooms/earlyState.ts). Its first frame
// is normally the client's sync step 1: a client with nothing yet is answered at once with the
// stored checkpoint and the log rows after it, as they are stored. Everything else it sends (its
// edits, its presence, a step 1 from a client that has a copy already) waits, in order, for the
// built room, which judges edits against the real document; the transport then hands those frames
// to the room as if they had just arrived.
import type { WebSocket } from 'ws'
import type { EarlyState } from '../rooms/earlyState.ts'
import { decodeClientMessage, isEmptyStateVector, syncStep2Frame, syncUpdateFrame } from '../rooms/roomCodec.ts'

/** Frames held for the room: a client sends its step 1, its presence and perhaps a few edits. */
const MAX_HELD_FRAMES = 256

export class EarlyWelcome {
  readonly ws: WebSocket
  /** The log position the client was given (null: it was given nothing; the room answers it). */
  servedSeq: number | null = null
  closed = false
  /** The client sent more than a connection does while a room loads: the room closes it. */
  overflowed = false
  private readonly held: { data: Buffer; isBinary: boolean }[] = []
  private heldBytes = 0
  private answered = false
  private readonly maxHeldBytes: number
  private readonly state: EarlyState
  private readonly done: () => void

  constructor(ws: WebSocket, state: EarlyState, maxHeldBytes: number, done: () => void) {
    this.ws = ws
    this.state = state
    this.maxHeldBytes = maxHeldBytes
    this.done = done
    ws.on('message', this.onMessage)
    ws.on('close', this.onClose)
    ws.on('error', this.onError)
  }

  private readonly onMessage = (raw: Buffer | ArrayBuffer | Buffer[], isBinary: boolean): void => {
    const data = Array.isArray(raw) ? Buffer.concat(raw) : Buffer.isBuffer(raw) ? raw : Buffer.from(raw)
    if (!this.answered) {
      this.answered = true
      // Answered: the room is built once the bytes are with the kernel (building blocks the process,
      // and what is still queued here would wait for it). Not answered: the room answers.
      if (isBinary && this.answerStep1(data)) return
      this.done()
    }
    this.held.push({ data, isBinary })
    this.heldBytes += data.length
    if (this.held.length > MAX_HELD_FRAMES || this.heldBytes > this.maxHeldBytes) this.overflowed = true
  }

  /** Answers a sync step 1 of a client that has nothing with the stored bytes; false if it is anything else. */
  private answerStep1(data: Buffer): boolean {
    let message
    try {
      message = decodeClientMessage(new Uint8Array(data.buffer, data.byteOffset, data.byteLength))
    } catch {
      return false
    }
    if (message.type !== 'syncStep1' || !isEmptyStateVector(message.stateVector)) return false
    // Step 2 with the checkpoint; then the rows after it, in log order, as the updates they are.
    const frames = [syncStep2Frame(this.state.checkpoint), ...this.state.tail.map(syncUpdateFrame)]
    frames.forEach((frame, i) => this.ws.send(frame, i === frames.length - 1 ? () => this.done() : undefined))
    this.servedSeq = this.state.seq
    return true
  }

  private readonly onClose = (): void => {
    this.closed = true
    this.done()
  }

  /** Errors close the socket; the close is what counts. */
  private readonly onError = (): void => {}

  /** Stops holding frames and returns those held, in order; the room's transport takes the socket over. */
  handOver(): { data: Buffer; isBinary: boolean }[] {
    this.ws.off('message', this.onMessage)
    this.ws.off('close', this.onClose)
    this.ws.off('error', this.onError)
    this.done()
    return this.held.splice(0)
  }
}
