// One client's link to a room, independent of the websocket library, so rooms can be tested with
// plain objects and the transport can change without touching them.
import type { Role } from '@sandbox/shared'

export interface Connection {
  readonly id: number
  readonly role: Role
  /** Verified participant id, or `anon:<id>` for a connection without a participant key. */
  readonly participantId: string
  readonly identified: boolean
  /** Whether the client opted in to `MessageType.saved` acknowledgements. */
  readonly wantsAcks: boolean
  /** Awareness client ids this connection introduced; it may speak for these only. */
  readonly awarenessClientIds: Set<number>
  /** Yjs client ids whose structs arrived through this connection (for saved acks). */
  readonly writtenClientIds: Set<number>
  send(message: Uint8Array): void
  close(code: number, reason: string): void
}
