// The timeline of a session: its start and end, the notable events (phase changes, joins, task
// creation, owners, status changes, new stickies, votes) each with the server time `at` of the
// update that made it, and the quiet gaps the replay can skip. Built once per session by replaying
// the log into a doc, then kept (within a byte budget, for a while) and extended with only the
// updates logged since the last request. Corrupt log rows are skipped and counted, as live loading does (storage/rebuild.ts).
// Updates that cannot touch the timeline's maps (nearly all of a long log) are passed over as
// content that is gone (timelineScan.ts), the rest applied one per transaction, observers on.
// The build's state is persisted beside the checkpoints (timelineSummary.ts) once it has moved on
// far enough, and when a room writes a checkpoint (advance): a process that starts fresh reads the
// summary and the log after it, not the whole log; a summary it cannot trust is passed over.
import zlib from 'node:zlib'
import * as Y from 'yjs'
import type { TimelineEvent } from '@sandbox/shared'
import type { Logger } from '../log.ts'
import type { LoggedUpdate, Storage } from '../storage/Storage.ts'
import { account, applyLogged, QUIET_GAP_MS, type Build, type Timeline } from './timelineEvents.ts'
import { QuietScan } from './timelineScan.ts'
import { decodeSummary, encodeSummary, type TimelineState } from './timelineSummary.ts'

export type { TimelineEvent, Timeline }
export { QUIET_GAP_MS }

/** Updates applied between two yields to the event loop (~10–20 ms of work). */
const BATCH = 1_000
/** …and at most this many bytes of them, so one batch of big updates stays small in memory. */
const BATCH_BYTES = 4 * 1024 * 1024
/** What the cache may hold in all: the sum of its documents' encoded sizes (plus their events). */
export const TIMELINE_CACHE_MAX_BYTES = 64 * 1024 * 1024
/** A timeline nobody asked for in this long is dropped. */
export const TIMELINE_CACHE_TTL_MS = 10 * 60_000
/** Rough bytes one event takes, counted with the document. */
const EVENT_BYTES = 200
/** A summary is written once the build is this many updates past the stored one (at most that many to read after a restart, plus a checkpoint's spacing). */
export const SUMMARY_EVERY_UPDATES = 1_000

interface Entry extends Build {
  /** The catch-up under way, if any. */
  building: Promise<void> | null
  /** The document's encoded size when last measured (Build.appliedSinceMeasure: bytes applied since). */
  measuredBytes: number
  usedAt: number
  /** Whether the stored summary was looked at (once, before the first catch-up). */
  restored: boolean
  /** The seq of the newest summary written or read; the write under way, if any. */
  persistedSeq: number
  persisting: Promise<void> | null
  /** The last row applied: the summary's fingerprint of where it ends. */
  lastRow: LoggedUpdate | null
}

const entryBytes = (e: Entry): number => e.measuredBytes + e.appliedSinceMeasure + e.timeline.events.length * EVENT_BYTES

export interface TimelineIndexOptions {
  maxBytes?: number
  ttlMs?: number
  /**
   * False: apply every update on its own, observers on, without passing over board content
   * (timelineScan.ts). The slow, obvious way; the tests compare the two.
   */
  passOverBoardContent?: boolean
  /** False: never read or write summaries (Storage.timelineSummary); every build reads the whole log. Default true. */
  summaries?: boolean
  /** Write a summary once the build is this many updates past the stored one (default SUMMARY_EVERY_UPDATES). */
  summaryEveryUpdates?: number
  /** Where a failed summary write or background catch-up is logged. */
  log?: Logger
}

/**
 * Cache (least recently used first out) of per-session timeline builders, bounded by the bytes of
 * the documents it keeps rather than by their number (one long session outweighs many short
 * ones), and emptied of entries nobody used for TIMELINE_CACHE_TTL_MS. Evicted documents are only
 * dropped, never destroyed, so a request still building on one finishes undisturbed.
 */
export class TimelineIndex {
  private readonly cache = new Map<string, Entry>()
  private readonly storage: Storage
  private readonly maxBytes: number
  private readonly ttlMs: number
  private readonly passOver: boolean
  private readonly summaries: boolean
  private readonly summaryEvery: number
  private readonly log: Logger | undefined
  private readonly sweeper: NodeJS.Timeout
  /** Background catch-ups (advance), one at a time across sessions; the one queued per session. */
  private queue: Promise<void> = Promise.resolve()
  private readonly advancing = new Map<string, Promise<void>>()
  private closed = false
  /** Summary writes under way. */
  private readonly writes = new Set<Promise<void>>()

  constructor(storage: Storage, options: TimelineIndexOptions = {}) {
    this.storage = storage
    this.maxBytes = options.maxBytes ?? TIMELINE_CACHE_MAX_BYTES
    this.ttlMs = options.ttlMs ?? TIMELINE_CACHE_TTL_MS
    this.passOver = options.passOverBoardContent ?? true
    this.summaries = (options.summaries ?? true) && this.passOver
    this.log = options.log
    this.summaryEvery = options.summaryEveryUpdates ?? SUMMARY_EVERY_UPDATES
    this.sweeper = setInterval(() => this.expire(), Math.max(1_000, this.ttlMs / 2))
    this.sweeper.unref()
  }

  /** Bytes the cache holds by its own estimate, and how many sessions. */
  get size(): { bytes: number; sessions: number } {
    let bytes = 0
    for (const e of this.cache.values()) bytes += entryBytes(e)
    return { bytes, sessions: this.cache.size }
  }

  async timeline(sessionId: string, createdAt: number): Promise<Timeline> {
    this.expire()
    let entry = this.cache.get(sessionId)
    this.cache.delete(sessionId)
    entry ??= {
      building: null,
      doc: new Y.Doc(),
      seq: 0,
      lastAt: null,
      timeline: { sessionId, start: createdAt, end: createdAt, updates: 0, skippedUpdates: 0, events: [], gaps: [] },
      measuredBytes: 0,
      appliedSinceMeasure: 0,
      usedAt: 0,
      restored: !this.summaries,
      persistedSeq: 0,
      persisting: null,
      lastRow: null,
      corrupt: [],
    }
    entry.usedAt = Date.now()
    this.cache.set(sessionId, entry)
    // One catch-up per session at a time; later callers wait for it, then take what is new.
    while (entry.building) await entry.building
    const building = this.catchUp(entry, sessionId)
    entry.building = building
    try {
      await building
    } finally {
      entry.building = null
    }
    this.measure(entry)
    this.evict()
    return entry.timeline
  }

  /**
   * Brings a session's timeline up to its log in the background and writes its summary when due
   * (a room wrote a checkpoint): the next process to start reads little of the log. One session
   * at a time, yielding between batches like any build; failures are logged, never thrown.
   */
  advance(sessionId: string, seq = Infinity): Promise<void> {
    if (!this.summaries || this.closed || seq < this.summaryEvery) return Promise.resolve()
    // Short logs are read whole in milliseconds; a summary is worth its row past summaryEvery updates.
    const cached = this.cache.get(sessionId)
    if (cached && seq - cached.persistedSeq < this.summaryEvery) return Promise.resolve()
    const queued = this.advancing.get(sessionId)
    if (queued) return queued
    const run = this.queue.then(async () => {
      this.advancing.delete(sessionId)
      if (this.closed) return
      const session = await this.storage.getSession(sessionId)
      if (session) await this.timeline(sessionId, session.createdAt)
      await this.cache.get(sessionId)?.persisting
    })
    const settled = run.catch((error: unknown) => {
      this.log?.warn({ event: 'timeline.advance_failed', session: sessionId, err: error }, 'the timeline summary could not be brought up to date')
    })
    this.queue = settled
    this.advancing.set(sessionId, settled)
    return settled
  }

  /**
   * Applies the log after what the entry has seen, yielding to the event loop between batches:
   * a first timeline of a long session takes seconds, and live rooms must not wait for it.
   */
  private async catchUp(entry: Entry, sessionId: string): Promise<void> {
    if (!entry.restored) {
      entry.restored = true
      await this.restore(entry, sessionId)
    }
    for (;;) {
      if (this.closed) return
      const batch = await this.storage.updatesPage(sessionId, entry.seq, { maxUpdates: BATCH, maxBytes: BATCH_BYTES })
      if (batch.length === 0) break
      const scan = new QuietScan(entry.doc)
      for (const u of batch) {
        if (this.passOver && scan.take(u)) {
          account(entry, u, null, this.storage, 0)
          continue
        }
        scan.flush()
        applyLogged(entry, u, this.storage)
      }
      scan.flush()
      entry.lastRow = batch.at(-1) ?? entry.lastRow
      await new Promise((resolve) => setImmediate(resolve))
    }
    if (this.summaries && entry.seq - entry.persistedSeq >= this.summaryEvery) this.persist(entry, sessionId)
  }

  /**
   * Takes up the stored summary, when there is one this build can trust: the same format, the
   * same session start, its checksum intact, and the log row it ends at still the one it saw.
   * Anything else leaves the entry empty, for a build from the whole log.
   */
  private async restore(entry: Entry, sessionId: string): Promise<void> {
    const row = await this.storage.timelineSummary(sessionId)
    if (!row) return
    const summary = decodeSummary(row, entry.timeline.start)
    if (!summary) return
    const [last] = summary.state.seq > 0 ? await this.storage.updatesPage(sessionId, summary.state.seq - 1, { maxUpdates: 1, maxBytes: Infinity, untilSeq: summary.state.seq }) : []
    if (summary.state.seq > 0) {
      const f = summary.fingerprint
      if (!last || last.seq !== summary.state.seq || !f || f.at !== last.at || f.crc !== zlib.crc32(last.update)) return
    }
    const doc = new Y.Doc()
    try {
      Y.applyUpdate(doc, summary.docState)
      if (doc.store.pendingStructs !== null || doc.store.pendingDs !== null) throw new Error('the summary document is incomplete')
    } catch {
      doc.destroy()
      return
    }
    const { state } = summary
    entry.doc.destroy()
    entry.doc = doc
    entry.seq = state.seq
    entry.lastAt = state.lastAt
    entry.lastRow = last ?? null
    entry.persistedSeq = state.seq
    entry.corrupt = state.corrupt
    entry.timeline = { sessionId, start: state.start, end: state.end, updates: state.updates, skippedUpdates: state.skippedUpdates, events: state.events, gaps: state.gaps }
    entry.measuredBytes = 0
    entry.appliedSinceMeasure = 0
    // Said again, as a build from the whole log would.
    for (const [seq, reason] of state.corrupt) this.storage.corruption.report({ session: sessionId, seq, kind: 'update', reason })
  }

  /** Encodes the entry as it stands now (between batches: consistent) and writes it in the background; one write at a time. */
  private persist(entry: Entry, sessionId: string): void {
    if (entry.persisting) return
    const { timeline } = entry
    const state: TimelineState = {
      seq: entry.seq,
      lastAt: entry.lastAt,
      start: timeline.start,
      end: timeline.end,
      updates: timeline.updates,
      skippedUpdates: timeline.skippedUpdates,
      events: timeline.events,
      gaps: timeline.gaps,
      corrupt: entry.corrupt,
    }
    const row = encodeSummary(state, entry.doc, entry.lastRow)
    const write = this.storage.putTimelineSummary(sessionId, row).then(
      () => {
        entry.persistedSeq = Math.max(entry.persistedSeq, row.seq)
      },
      (error: unknown) => {
        this.log?.warn({ event: 'timeline.summary_failed', session: sessionId, err: error }, 'the timeline summary could not be stored; the next build reads the log')
      },
    ).finally(() => {
      entry.persisting = null
      this.writes.delete(write)
    })
    entry.persisting = write
    this.writes.add(write)
  }

  /**
   * Encoding costs about as much as the bytes applied; measure again only once they add up. The
   * first build is always measured: board content is passed over (timelineScan.ts), so a long
   * log can leave a small document that the bytes applied say nothing about.
   */
  private measure(entry: Entry): void {
    if (entry.measuredBytes > 0 && entry.appliedSinceMeasure <= Math.max(64 * 1024, entry.measuredBytes / 2)) return
    entry.measuredBytes = Y.encodeStateAsUpdate(entry.doc).length
    entry.appliedSinceMeasure = 0
  }

  /** Drops the least recently used entries until the rest fit (one that alone does not fit goes too). */
  private evict(): void {
    let total = this.size.bytes
    for (const [id, e] of this.cache) {
      if (total <= this.maxBytes) break
      if (e.building) continue
      this.cache.delete(id)
      total -= entryBytes(e)
    }
  }

  private expire(): void {
    const now = Date.now()
    for (const [id, e] of this.cache) if (!e.building && now - e.usedAt > this.ttlMs) this.cache.delete(id)
  }

  /** Waits for the background catch-ups and summary writes under way (call after close, before closing storage). */
  async settled(): Promise<void> {
    await this.queue
    await Promise.all(this.writes)
  }

  close(): void {
    this.closed = true
    clearInterval(this.sweeper)
    for (const entry of this.cache.values()) if (!entry.building) entry.doc.destroy()
    this.cache.clear()
  }
}
