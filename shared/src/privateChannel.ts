// The private channel (message type 101): what one person writes or casts that nobody else may
// see yet. Private stickies and hidden ballots never enter the shared document before their
// reveal, so no other socket can receive a byte of them; the server keeps them in its own
// storage and sends them back to their author's connections only.
// zod/mini: the board's client loads this module too (see schema.ts).
import { z } from 'zod/mini'

const targetId = z.string().check(z.minLength(1), z.maxLength(128))

/** client → server */
export const privateRequestSchema = z.discriminatedUnion('t', [
  /** Add (+1) or take back (−1) a hidden dot on a sticky or a frame. */
  z.object({ t: z.literal('vote'), target: targetId, delta: z.union([z.literal(1), z.literal(-1)]) }),
  /** Write a private sticky (a whole tldraw note record), creating or replacing it. */
  z.object({ t: z.literal('put'), record: z.record(z.string(), z.unknown()) }),
  /** Delete one of this person's private stickies. */
  z.object({ t: z.literal('remove'), id: targetId }),
  /** The facilitator clears every hidden ballot (a fresh round of voting). */
  z.object({ t: z.literal('clearVotes') }),
])
export type PrivateRequest = z.infer<typeof privateRequestSchema>

/** server → client */
export type PrivateMessage =
  /** This person's hidden ballot, whole (sent on connect and after every change). */
  | { t: 'ballot'; votes: Record<string, number> }
  /** This person's private stickies: `reset` replaces all of them (on connect). */
  | { t: 'private'; reset: boolean; put: Record<string, unknown>[]; removed: string[] }
  /** A request the rules refused, with the sentence to show. */
  | { t: 'refused'; reason: string }

/** Largest private-channel frame a client may send (one note record with its text). */
export const MAX_PRIVATE_MESSAGE_BYTES = 160 * 1024
/** Private stickies one person may hold before the reveal. */
export const MAX_PRIVATE_STICKIES_PER_PERSON = 500
