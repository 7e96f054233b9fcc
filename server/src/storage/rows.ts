// How both backends read a stored row back: the same columns (bytes plus a CRC-32), the same
// verdict on the bytes' integrity; and how both store a checkpoint's state (deflated).
import { promisify } from 'node:util'
import zlib from 'node:zlib'
import type { Checkpoint, Integrity, LoggedUpdate, SeriesLink, SessionRow } from './Storage.ts'

export interface UpdateRow {
  seq: number
  at: number
  participant_id: string | null
  bytes: Buffer
  checksum: number | null
}

export interface CheckpointRow {
  seq: number
  at: number
  state: Buffer
  checksum: number | null
  /** The stored bytes are the state deflated (raw DEFLATE); rows written before compression are not. */
  deflated?: number | boolean | null
}

/** `verified` when the bytes match their checksum, `mismatch` when not, `unverified` without one. */
export const integrity = (bytes: Buffer, checksum: number | null): Integrity =>
  checksum === null ? 'unverified' : zlib.crc32(bytes) === checksum ? 'verified' : 'mismatch'

export const toUpdate = (r: UpdateRow): LoggedUpdate => ({
  seq: r.seq,
  at: r.at,
  participantId: r.participant_id,
  update: new Uint8Array(r.bytes.buffer, r.bytes.byteOffset, r.bytes.byteLength),
  integrity: integrity(r.bytes, r.checksum),
})

export const toCheckpoint = (r: CheckpointRow): Checkpoint => {
  let verdict = integrity(r.state, r.checksum)
  let state = new Uint8Array(r.state.buffer, r.state.byteOffset, r.state.byteLength)
  // A mismatched row is not inflated: readers pass over it anyway (storage/rebuild.ts).
  if (r.deflated && verdict !== 'mismatch') {
    try {
      state = new Uint8Array(zlib.inflateRawSync(r.state))
    } catch {
      verdict = 'mismatch'
    }
  }
  return { seq: r.seq, at: r.at, state, integrity: verdict, storedBytes: r.state.byteLength }
}

const deflateRaw = promisify(zlib.deflateRaw)

/**
 * The bytes to store for a checkpoint's state. A document is mostly JSON-like text (records,
 * rich text), which deflates to about a fifth: the spacing rule (rooms/checkpointPolicy.ts) then
 * allows five times as many checkpoints in the same bytes, which keeps replay seeks short.
 * Deflated on the thread pool, so a large board does not hold up the event loop. zlib's default
 * level: on a 650 kB board it stores 18% less than the fastest level and inflates faster (what
 * every replay seek pays), for about 30 ms more of deflating once per checkpoint, off the event
 * loop. Kept raw when that is not smaller.
 */
export const CHECKPOINT_DEFLATE_LEVEL = 6

export async function storedState(state: Uint8Array): Promise<{ bytes: Buffer; deflated: boolean }> {
  const deflated = await deflateRaw(state, { level: CHECKPOINT_DEFLATE_LEVEL })
  return deflated.length < state.length ? { bytes: deflated, deflated: true } : { bytes: Buffer.from(state.buffer, state.byteOffset, state.byteLength), deflated: false }
}

/** A `session_series` row, the same on both backends. */
export type LinkRow = { session_id: string; series_id: string; previous_id: string | null; position: number }
export const toLink = (r: LinkRow): SeriesLink => ({ sessionId: r.session_id, seriesId: r.series_id, previousId: r.previous_id, position: Number(r.position) })

/** A `sessions` row, the same on both backends. */
export type SessionDbRow = { id: string; title: string; created_at: number; participant_token_hash: string; facilitator_token_hash: string; viewer_token_hash: string }
export const toSession = (r: SessionDbRow): SessionRow => ({
  id: r.id,
  title: r.title,
  createdAt: Number(r.created_at),
  tokenHashes: { participant: r.participant_token_hash, facilitator: r.facilitator_token_hash, viewer: r.viewer_token_hash },
})
