// How both backends read a stored row back: the same columns (bytes plus a CRC-32), the same
// verdict on the bytes' integrity.
import zlib from 'node:zlib'
import type { Checkpoint, Integrity, LoggedUpdate, SeriesLink } from './Storage.ts'

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

export const toCheckpoint = (r: CheckpointRow): Checkpoint => ({
  seq: r.seq,
  at: r.at,
  state: new Uint8Array(r.state.buffer, r.state.byteOffset, r.state.byteLength),
  integrity: integrity(r.state, r.checksum),
})

/** A `session_series` row, the same on both backends. */
export type LinkRow = { session_id: string; series_id: string; previous_id: string | null; position: number }
export const toLink = (r: LinkRow): SeriesLink => ({ sessionId: r.session_id, seriesId: r.series_id, previousId: r.previous_id, position: Number(r.position) })
