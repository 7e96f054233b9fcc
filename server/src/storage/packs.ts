// The dense form of the update log, the same on both backends. A room's log is written one row per
// update (a drag is a 36-byte update in a row of about 200 bytes, with the session id in the row
// and its indexes). When a checkpoint is written, the storage layer packs the verified rows it
// covers into one row per range ("pack"): the seqs are contiguous (first_seq…last_seq), and the
// body holds every entry's time, author and size, then the update bytes, compressed with Brotli
// (updates of one room repeat the same keys and client ids: a pack of drags and typing compresses
// 3.2 times at quality 5, against 2.5 with deflate, in about 1 ms per 1,024 updates; quality 9 and
// up gain little more for 25–80 times the time). Readers never see the
// difference: every read merges packs and rows by seq (mergeBySeq) and a packed entry reads back
// exactly as its row did. One CRC-32 of the stored body checks the whole pack; a pack whose bytes
// no longer match reads back as one `mismatch` entry per seq, so readers skip and report them.
import zlib from 'node:zlib'
import * as decoding from 'lib0/decoding'
import * as encoding from 'lib0/encoding'
import type { LoggedUpdate, PageLimits } from './Storage.ts'
import type { UpdateRow } from './rows.ts'
import { integrity, toUpdate } from './rows.ts'

/**
 * Packing waits until at least this many rows lie under a checkpoint: a pack of a few rows saves
 * little, and short logs (new sessions, most tests) stay one row per update.
 */
export const PACK_MIN_ROWS = 256
/** At most this many entries per pack, so that a seek inflates little more than it applies. */
export const PACK_MAX_ROWS = 1024
/** …and at most this many update bytes. */
export const PACK_MAX_BYTES = 256 * 1024
/** At most this many rows packed per checkpoint (a log older than packing is packed over several). */
export const PACK_MAX_ROWS_PER_CHECKPOINT = 20_000
const BROTLI_OPTIONS = (sizeHint: number): zlib.BrotliOptions => ({
  params: { [zlib.constants.BROTLI_PARAM_QUALITY]: 5, [zlib.constants.BROTLI_PARAM_SIZE_HINT]: sizeHint },
})

/** A stored pack as the tables hold it. */
export interface PackRow {
  first_seq: number
  last_seq: number
  min_at: number
  max_at: number
  /** The largest seq among the entries whose time is `max_at` (seqAt's answer when the whole pack is before a moment). */
  max_at_seq: number
  /** Update bytes in the pack (what storedBytes and a checkpoint's log bytes count). */
  raw_bytes: number
  checksum: number
  body: Buffer
}

/** A pack to insert, with its columns. */
export type NewPack = PackRow

/**
 * Splits rows (in seq order) into the packs they make: contiguous seqs, verified rows only (a row
 * that is corrupt or has no checksum stays a row, as it reads now), bounded in entries and bytes.
 */
export function groupForPacking(rows: readonly UpdateRow[]): UpdateRow[][] {
  const groups: UpdateRow[][] = []
  let current: UpdateRow[] = []
  let bytes = 0
  const close = () => {
    if (current.length > 0) groups.push(current)
    current = []
    bytes = 0
  }
  for (const r of rows) {
    if (integrity(r.bytes, r.checksum) !== 'verified') {
      close()
      continue
    }
    const last = current.at(-1)
    if (last && (r.seq !== last.seq + 1 || current.length >= PACK_MAX_ROWS || bytes + r.bytes.length > PACK_MAX_BYTES)) close()
    current.push(r)
    bytes += r.bytes.length
  }
  close()
  return groups
}

/** Encodes one group of rows (contiguous seqs) as a pack. */
export function encodePack(rows: readonly UpdateRow[]): NewPack {
  const first = rows[0]
  if (!first) throw new Error('A pack needs at least one row.')
  const authors = new Map<string, number>()
  for (const r of rows) if (r.participant_id !== null && !authors.has(r.participant_id)) authors.set(r.participant_id, authors.size + 1)
  const e = encoding.createEncoder()
  encoding.writeVarUint(e, rows.length)
  encoding.writeVarUint(e, authors.size)
  for (const a of authors.keys()) encoding.writeVarString(e, a)
  // Columns, so that alike bytes sit together: authors, time steps, sizes, then the updates.
  for (const r of rows) encoding.writeVarUint(e, r.participant_id === null ? 0 : (authors.get(r.participant_id) as number))
  encoding.writeVarUint(e, first.at)
  let previousAt = first.at
  let minAt = first.at
  let maxAt = first.at
  let maxAtSeq = first.seq
  let raw = 0
  for (const r of rows) {
    encoding.writeVarInt(e, r.at - previousAt)
    previousAt = r.at
    if (r.at < minAt) minAt = r.at
    if (r.at >= maxAt) [maxAt, maxAtSeq] = [r.at, r.seq]
  }
  for (const r of rows) {
    encoding.writeVarUint(e, r.bytes.length)
    raw += r.bytes.length
  }
  for (const r of rows) encoding.writeUint8Array(e, r.bytes)
  const plain = encoding.toUint8Array(e)
  const body = zlib.brotliCompressSync(plain, BROTLI_OPTIONS(plain.length))
  return {
    first_seq: first.seq,
    last_seq: first.seq + rows.length - 1,
    min_at: minAt,
    max_at: maxAt,
    max_at_seq: maxAtSeq,
    raw_bytes: raw,
    checksum: zlib.crc32(body),
    body,
  }
}

/**
 * The last few packs decoded, by seqs and checksum, with their body: a replay seek reads its tail
 * in pages of 1,000 rows, so a pack across a page boundary would otherwise be decompressed twice,
 * and seeks near each other read the same packs. A hit needs the very same body bytes.
 */
const DECODED_CACHE_SIZE = 8
const decoded = new Map<string, { body: Buffer; entries: LoggedUpdate[] }>()

/** A pack's entries, in seq order; a pack whose body fails its checksum or does not decode reads as one `mismatch` entry per seq. */
export function decodePack(p: PackRow): LoggedUpdate[] {
  const count = p.last_seq - p.first_seq + 1
  if (integrity(p.body, p.checksum) === 'verified') {
    const key = `${p.first_seq}:${p.last_seq}:${p.checksum}`
    const hit = decoded.get(key)
    if (hit && hit.body.equals(p.body)) return hit.entries
    const entries = decodeBody(p, count)
    if (entries) {
      decoded.delete(key)
      decoded.set(key, { body: p.body, entries })
      if (decoded.size > DECODED_CACHE_SIZE) decoded.delete(decoded.keys().next().value as string)
      return entries
    }
  }
  return Array.from({ length: count }, (_, i) => ({ seq: p.first_seq + i, at: p.min_at, participantId: null, update: new Uint8Array(0), integrity: 'mismatch' as const }))
}

/** The entries of a verified body, or null when it does not decode as a pack of `count` entries. */
function decodeBody(p: PackRow, count: number): LoggedUpdate[] | null {
  try {
    const plain = zlib.brotliDecompressSync(p.body)
    const d = decoding.createDecoder(plain)
    if (decoding.readVarUint(d) !== count) throw new Error('count')
    const authors: (string | null)[] = [null]
    for (let i = decoding.readVarUint(d); i > 0; i--) authors.push(decoding.readVarString(d))
    const who = Array.from({ length: count }, () => authors[decoding.readVarUint(d)])
    let at = decoding.readVarUint(d)
    const when = Array.from({ length: count }, () => (at += decoding.readVarInt(d)))
    const sizes = Array.from({ length: count }, () => decoding.readVarUint(d))
    const out: LoggedUpdate[] = []
    for (let i = 0; i < count; i++) {
      const who_ = who[i]
      if (who_ === undefined) throw new Error('author')
      out.push({ seq: p.first_seq + i, at: when[i] as number, participantId: who_, update: decoding.readUint8Array(d, sizes[i] as number), integrity: 'verified' })
    }
    if (d.pos !== plain.length) throw new Error('length')
    return out
  } catch {
    return null
  }
}

/** Entries of `packs` (in seq order) then merged with `rows` (in seq order, maybe lazily read) by seq, only those with seq in (after, until]. */
export function* mergeBySeq(packs: Iterable<PackRow>, rows: Iterable<UpdateRow>, after: number, until = Number.MAX_SAFE_INTEGER): Generator<LoggedUpdate> {
  const fromPacks = (function* () {
    for (const p of packs) for (const u of decodePack(p)) if (u.seq > after && u.seq <= until) yield u
  })()
  let p = fromPacks.next()
  for (const r of rows) {
    while (!p.done && p.value.seq < r.seq) {
      yield p.value
      p = fromPacks.next()
    }
    yield toUpdate(r)
  }
  while (!p.done) {
    yield p.value
    p = fromPacks.next()
  }
}

/** The rows of one page (PageLimits) from a stream in seq order. */
export function takePage(stream: Iterable<LoggedUpdate>, limits: PageLimits): LoggedUpdate[] {
  const page: LoggedUpdate[] = []
  let bytes = 0
  for (const u of stream) {
    if (page.length >= limits.maxUpdates) break
    if (page.length > 0 && bytes + u.update.length > limits.maxBytes) break
    page.push(u)
    bytes += u.update.length
  }
  return page
}

/** updatesAfter's answer from a stream in seq order: only `at <= untilAt`, at most `limit` (negative: all). */
export function takeAfter(stream: Iterable<LoggedUpdate>, untilAt: number | undefined, limit: number): LoggedUpdate[] {
  const out: LoggedUpdate[] = []
  if (limit === 0) return out
  for (const u of stream) {
    if (untilAt !== undefined && u.at > untilAt) continue
    out.push(u)
    if (limit > 0 && out.length >= limit) break
  }
  return out
}

/** Each session's lowest seq in a batch of appends (a seq at or below a pack's last is already taken). */
export function lowestSeqs(updates: readonly { sessionId: string; seq: number }[]): Map<string, number> {
  const lowest = new Map<string, number>()
  for (const u of updates) {
    const known = lowest.get(u.sessionId)
    if (known === undefined || u.seq < known) lowest.set(u.sessionId, u.seq)
  }
  return lowest
}

/** An append of a seq the log already holds in a pack: refused like a duplicate row (the whole batch rolls back). */
export class DuplicateSeqError extends Error {
  readonly code = 'SANDBOX_DUPLICATE_SEQ'
  constructor(sessionId: string, seq: number) {
    super(`The log of ${sessionId} already holds seq ${seq} (packed); the batch was not written.`)
    this.name = 'DuplicateSeqError'
  }
}

/** Entries a pack holds in (after, until]. */
export const entriesIn = (p: Pick<PackRow, 'first_seq' | 'last_seq'>, after: number, until = Number.MAX_SAFE_INTEGER): number =>
  Math.max(0, Math.min(p.last_seq, until) - Math.max(p.first_seq, after + 1) + 1)

/**
 * seqAt over packs: `whole` is the best (max_at, max_at_seq) of the packs lying wholly at or
 * before `at`; `straddling` are the packs with entries on both sides of `at`, searched entry by
 * entry (a corrupt one answers its first seq at its first time). Returns the best [at, seq] or null.
 */
export function bestAtOrBefore(at: number, whole: { max_at: number; max_at_seq: number } | undefined, straddling: readonly PackRow[]): [number, number] | null {
  let best: [number, number] | null = whole ? [whole.max_at, whole.max_at_seq] : null
  const consider = (a: number, s: number) => {
    if (a <= at && (!best || a > best[0] || (a === best[0] && s > best[1]))) best = [a, s]
  }
  for (const p of straddling) {
    const entries = decodePack(p)
    if (entries[0]?.integrity === 'mismatch') consider(p.min_at, p.first_seq)
    else for (const u of entries) consider(u.at, u.seq)
  }
  return best
}

/** Update bytes of the entries of `packs` with seq in (after, until]: whole packs by their column, the others entry by entry. */
export function packBytesBetween(packs: readonly PackRow[], after: number, until: number): number {
  let n = 0
  for (const p of packs) {
    if (p.first_seq > after && p.last_seq <= until) n += p.raw_bytes
    else for (const u of decodePack(p)) if (u.seq > after && u.seq <= until) n += u.update.length
  }
  return n
}
