// The replay's binary update feed (`GET /api/sessions/<id>/updates`), defined once: the server
// encodes a page of the log with it, the replay page and the tests decode it.
//
// [u32 headerBytes][header JSON][checkpoint state?] then per update
// [u32 seq][f64 at][u16 author index][u32 length][bytes], all little-endian.
// zod/mini: the replay page loads this module (see schema.ts).
import { z } from 'zod/mini'

/** The author index of an update written by the server or a guest (no participant). */
export const NO_AUTHOR = 0xffff
const RECORD_HEADER_BYTES = 4 + 8 + 2 + 4

const feedHeaderSchema = z.object({
  /** Participant ids; each update names its author by index here. */
  participants: z.array(z.string()),
  /** Whether more updates follow after the last one in this chunk. */
  more: z.boolean(),
  /** The last seq this chunk covers (its last update, a corrupt row left out after it, the checkpoint, or `after`). */
  lastSeq: z.number(),
  /** When the feed starts from a checkpoint: its position; its state comes right after the header. */
  checkpoint: z._default(z.nullable(z.object({ seq: z.number(), at: z.number(), bytes: z.number() })), null),
})
export type FeedHeader = z.output<typeof feedHeaderSchema>

export interface FeedUpdate {
  seq: number
  at: number
  /** The participant who wrote it, or null (the server, a guest). */
  author: string | null
  update: Uint8Array
}

export interface FeedCheckpoint {
  seq: number
  at: number
  state: Uint8Array
}

/** One chunk of the feed. `reached`: the last seq it covers when that lies beyond its last update. */
export function encodeFeed(updates: readonly FeedUpdate[], checkpoint: FeedCheckpoint | null, more: boolean, reached: number): Uint8Array {
  const participants: string[] = []
  const index = new Map<string, number>()
  for (const u of updates) {
    if (u.author !== null && !index.has(u.author) && index.size < NO_AUTHOR) {
      index.set(u.author, participants.length)
      participants.push(u.author)
    }
  }
  const header: FeedHeader = {
    participants,
    more,
    lastSeq: Math.max(reached, updates.at(-1)?.seq ?? 0, checkpoint?.seq ?? 0),
    checkpoint: checkpoint ? { seq: checkpoint.seq, at: checkpoint.at, bytes: checkpoint.state.length } : null,
  }
  const json = new TextEncoder().encode(JSON.stringify(header))
  const size = 4 + json.length + (checkpoint?.state.length ?? 0) + updates.reduce((n, u) => n + RECORD_HEADER_BYTES + u.update.length, 0)
  const out = new Uint8Array(size)
  const view = new DataView(out.buffer)
  view.setUint32(0, json.length, true)
  out.set(json, 4)
  let offset = 4 + json.length
  if (checkpoint) {
    out.set(checkpoint.state, offset)
    offset += checkpoint.state.length
  }
  for (const u of updates) {
    view.setUint32(offset, u.seq, true)
    view.setFloat64(offset + 4, u.at, true)
    view.setUint16(offset + 12, u.author === null ? NO_AUTHOR : (index.get(u.author) ?? NO_AUTHOR), true)
    view.setUint32(offset + 14, u.update.length, true)
    offset += RECORD_HEADER_BYTES
    out.set(u.update, offset)
    offset += u.update.length
  }
  return out
}

export interface DecodedFeed {
  header: FeedHeader
  checkpoint: FeedCheckpoint | null
  updates: FeedUpdate[]
}

/** A chunk of the feed, or null when the bytes are not one (truncated, a bad header). */
export function decodeFeed(bytes: Uint8Array): DecodedFeed | null {
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength)
  if (bytes.length < 4) return null
  const headerBytes = view.getUint32(0, true)
  if (4 + headerBytes > bytes.length) return null
  let json: unknown
  try {
    json = JSON.parse(new TextDecoder().decode(bytes.subarray(4, 4 + headerBytes)))
  } catch {
    return null
  }
  const parsed = feedHeaderSchema.safeParse(json)
  if (!parsed.success) return null
  const header = parsed.data
  let offset = 4 + headerBytes
  let checkpoint: FeedCheckpoint | null = null
  if (header.checkpoint) {
    if (offset + header.checkpoint.bytes > bytes.length) return null
    checkpoint = { seq: header.checkpoint.seq, at: header.checkpoint.at, state: bytes.subarray(offset, offset + header.checkpoint.bytes) }
    offset += header.checkpoint.bytes
  }
  const updates: FeedUpdate[] = []
  while (offset < bytes.length) {
    if (offset + RECORD_HEADER_BYTES > bytes.length) return null
    const seq = view.getUint32(offset, true)
    const at = view.getFloat64(offset + 4, true)
    const authorIndex = view.getUint16(offset + 12, true)
    const length = view.getUint32(offset + 14, true)
    offset += RECORD_HEADER_BYTES
    if (offset + length > bytes.length) return null
    updates.push({ seq, at, author: authorIndex === NO_AUTHOR ? null : (header.participants[authorIndex] ?? null), update: bytes.subarray(offset, offset + length) })
    offset += length
  }
  return { header, checkpoint, updates }
}
