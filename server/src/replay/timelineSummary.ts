// A timeline's build state, persisted beside the checkpoints (Storage.timelineSummary) so that the
// first /timeline after a server starts reads this summary and only the log after it, instead of
// the whole log: the small document of the maps the timeline reads (timelineScan.ts: board
// content is not in it), the events, gaps and counts so far, the corrupt rows met (reported again
// on load, so /healthz says the same as after a full build), and a fingerprint of the log row it
// ends at.
//
// Written by the one who built it (timeline.ts) after a build that moved it on far enough, and
// when a room writes a checkpoint. Read with care: a summary whose checksum, version, session
// start or fingerprint does not match (a restored or rewritten log, a newer build of the server)
// is passed over, and the timeline is built from the whole log as before.
//
// Layout (version 1): [u32 LE JSON bytes][JSON][the document as one Yjs update], deflated.
import zlib from 'node:zlib'
import * as Y from 'yjs'
import type { CorruptReason } from '../storage/CorruptionReport.ts'
import type { LoggedUpdate, TimelineSummaryRow } from '../storage/Storage.ts'
import type { Timeline } from './timelineEvents.ts'

/** Raise when what a build computes changes: older summaries are then built again from the log. */
export const TIMELINE_SUMMARY_VERSION = 1
/** Corrupt rows a summary remembers (the newest): what CorruptionReport remembers is bounded too. */
export const MAX_SUMMARY_CORRUPT_ROWS = 1_000

/** A timeline (timelineEvents.ts) as far as `seq`, and what its build needs to go on from there. */
export interface TimelineState extends Omit<Timeline, 'sessionId'> {
  /** The last seq applied. */
  seq: number
  lastAt: number | null
  /** Corrupt rows met so far (the newest MAX_SUMMARY_CORRUPT_ROWS). */
  corrupt: [number, CorruptReason][]
}

interface Header extends TimelineState {
  /** The row at `seq`: its time and the CRC-32 of its bytes. */
  fingerprint: { at: number; crc: number } | null
}

export const fingerprintOf = (u: Pick<LoggedUpdate, 'at' | 'update'>): { at: number; crc: number } => ({ at: u.at, crc: zlib.crc32(u.update) })

export function encodeSummary(state: TimelineState, doc: Y.Doc, lastRow: Pick<LoggedUpdate, 'at' | 'update'> | null): TimelineSummaryRow {
  const header: Header = { ...state, fingerprint: lastRow ? fingerprintOf(lastRow) : null }
  const json = Buffer.from(JSON.stringify(header))
  const docState = Y.encodeStateAsUpdate(doc)
  const raw = Buffer.allocUnsafe(4 + json.length + docState.length)
  raw.writeUInt32LE(json.length, 0)
  json.copy(raw, 4)
  raw.set(docState, 4 + json.length)
  return { seq: state.seq, version: TIMELINE_SUMMARY_VERSION, data: zlib.deflateRawSync(raw, { level: 1 }) }
}

export interface DecodedSummary {
  state: TimelineState
  fingerprint: { at: number; crc: number } | null
  docState: Uint8Array
}

/** The summary's contents, or null when it is not one this build can use (any doubt: null). */
export function decodeSummary(row: TimelineSummaryRow, start: number): DecodedSummary | null {
  if (row.version !== TIMELINE_SUMMARY_VERSION || row.integrity === 'mismatch') return null
  try {
    const raw = zlib.inflateRawSync(row.data)
    const jsonBytes = raw.readUInt32LE(0)
    const header = JSON.parse(raw.subarray(4, 4 + jsonBytes).toString()) as Header
    if (header.seq !== row.seq || header.start !== start || !Array.isArray(header.events) || !Array.isArray(header.gaps) || !Array.isArray(header.corrupt)) return null
    if (!Number.isSafeInteger(header.updates) || !Number.isSafeInteger(header.skippedUpdates) || typeof header.end !== 'number') return null
    const { fingerprint, ...state } = header
    return { state, fingerprint, docState: new Uint8Array(raw.buffer, raw.byteOffset + 4 + jsonBytes, raw.length - 4 - jsonBytes) }
  } catch {
    return null
  }
}
