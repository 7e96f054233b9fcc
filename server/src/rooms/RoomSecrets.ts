// What a room keeps out of its shared document until the facilitator reveals it: each person's
// private stickies (private writing) and hidden ballots (blind voting). They travel on the private
// channel (message type 101) to their owner's connections only, are stored apart from the update
// log (so neither a socket, a checkpoint nor the replay holds them before the reveal), and enter
// the document in one server transaction at the reveal. Requests are handled one at a time per
// room, and a change is shown (to its owner, or as counts to everyone) only after storage took it:
// a write that fails is refused, never acknowledged.
import * as Y from 'yjs'
import * as decoding from 'lib0/decoding'
import * as encoding from 'lib0/encoding'
import {
  ballotTotal,
  changeBallot,
  CloseCode,
  DEFAULT_PAGE_ID,
  MAX_PRIVATE_MESSAGE_BYTES,
  MAX_PRIVATE_STICKIES_PER_PERSON,
  MessageType,
  participantRecord,
  privateRequestSchema,
  privateWritingActive,
  recordToYMap,
  Root,
  sumBallots,
  voteCountSchema,
  type BallotMap,
  type PrivateMessage,
  type PrivateRequest,
} from '@sandbox/shared'
import { boardSchema, checkBoardRecord } from '@sandbox/shared/board'
import type { Logger } from '../log.ts'
import type { Secret, Storage } from '../storage/Storage.ts'
import type { Connection } from './Connection.ts'

export interface SecretsHost {
  readonly id: string
  readonly doc: Y.Doc
  readonly connections: ReadonlySet<Connection>
  transactAsServer(fn: () => void): void
  /** Sends one connection a frame, after the document updates the room queued for everyone. */
  send(conn: Connection, frame: Uint8Array): void
}

type StickyRecord = Record<string, unknown> & { id: string }

const json = (value: unknown): string => JSON.stringify(value)

function privateFrame(message: PrivateMessage): Uint8Array {
  const e = encoding.createEncoder()
  encoding.writeVarUint(e, MessageType.private)
  encoding.writeVarString(e, json(message))
  return encoding.toUint8Array(e)
}

/** A stored ballot: target id → dots, whatever was stored (a hand-edited row reads as empty). */
function readBallot(value: string): Record<string, number> {
  try {
    const parsed = JSON.parse(value) as unknown
    if (typeof parsed !== 'object' || parsed === null) return {}
    const out: Record<string, number> = {}
    for (const [k, v] of Object.entries(parsed)) if (voteCountSchema.safeParse(v).success) out[k] = v as number
    return out
  } catch {
    return {}
  }
}

/** A room's stored secrets, read by RoomManager before the room is built. */
export interface StoredSecrets {
  stickies: Secret[]
  ballots: Secret[]
}

export async function loadSecrets(storage: Storage, sessionId: string): Promise<StoredSecrets> {
  const [stickies, ballots] = await Promise.all([storage.secrets(sessionId, 'sticky'), storage.secrets(sessionId, 'ballot')])
  return { stickies, ballots }
}

const NOT_SAVED = 'That could not be saved just now; try again in a moment.'

export class RoomSecrets {
  private readonly host: SecretsHost
  private readonly storage: Storage
  private readonly log: Logger
  /** Owner id → their private stickies by record id. */
  private readonly stickies = new Map<string, Map<string, StickyRecord>>()
  /** Owner id → their hidden ballot. */
  private readonly ballots = new Map<string, BallotMap>()
  /** The session map changed since the last settle (only then can a reveal be due). */
  private sessionChanged = true
  /** Private requests, handled one after another (each waits for its write). */
  private requests: Promise<void> = Promise.resolve()
  /** Writes, in the order they were made (a reveal's delete never overtakes a put before it). */
  private writes: Promise<unknown> = Promise.resolve()

  constructor(host: SecretsHost, stored: StoredSecrets, storage: Storage, log: Logger) {
    this.host = host
    this.storage = storage
    this.log = log
    for (const row of stored.stickies) {
      try {
        const record = JSON.parse(row.value) as StickyRecord
        if (record.id === row.itemId) this.ownStickies(row.ownerId).set(row.itemId, record)
      } catch {
        log.warn({ event: 'secrets.unreadable', kind: 'sticky' }, 'a stored private sticky could not be read; skipped')
      }
    }
    for (const row of stored.ballots) this.ballots.set(row.ownerId, readBallot(row.value))
    this.session.observe(() => {
      this.sessionChanged = true
    })
  }

  private get session(): Y.Map<unknown> {
    return this.host.doc.getMap(Root.session)
  }

  private ownStickies(ownerId: string): Map<string, StickyRecord> {
    let own = this.stickies.get(ownerId)
    if (!own) {
      own = new Map()
      this.stickies.set(ownerId, own)
    }
    return own
  }

  private sendToOwner(ownerId: string, message: PrivateMessage): void {
    const frame = privateFrame(message)
    for (const conn of this.host.connections) if (conn.participantId === ownerId && conn.wantsAcks && conn.identified) this.host.send(conn, frame)
  }

  /** A Sandbox client that joined gets its own ballot and private stickies, and nobody else's. */
  welcome(conn: Connection): void {
    if (!conn.wantsAcks || !conn.identified || conn.role === 'viewer') return
    this.host.send(conn, privateFrame({ t: 'ballot', votes: { ...(this.ballots.get(conn.participantId) ?? {}) } }))
    const own = this.stickies.get(conn.participantId)
    this.host.send(conn, privateFrame({ t: 'private', reset: true, put: own ? [...own.values()] : [], removed: [] }))
  }

  /** One private-channel frame (the decoder is past the message type). Returns a close code to close the connection. */
  handle(conn: Connection, d: decoding.Decoder, frameBytes: number): number | null {
    if (frameBytes > MAX_PRIVATE_MESSAGE_BYTES) return CloseCode.messageTooLarge
    let request: PrivateRequest
    try {
      const text = decoding.readVarString(d)
      if (d.pos !== d.arr.length) return CloseCode.malformed
      const parsed = privateRequestSchema.safeParse(JSON.parse(text))
      if (!parsed.success) return CloseCode.malformed
      request = parsed.data
    } catch {
      return CloseCode.malformed
    }
    this.requests = this.requests
      .then(async () => {
        let refusal: string | null
        try {
          refusal = await this.apply(conn, request)
        } catch (error) {
          this.log.error({ event: 'secrets.write_failed', err: error, request: request.t }, 'a private change could not be stored; refused')
          refusal = NOT_SAVED
        }
        if (refusal && this.host.connections.has(conn)) this.host.send(conn, privateFrame({ t: 'refused', reason: refusal }))
        this.settle()
      })
      // The queue goes on whatever one request did.
      .catch((error: unknown) => this.log.error({ event: 'secrets.request_failed', err: error }, 'a private request failed'))
    return null
  }

  /** Resolves once every request received so far is handled and every write made so far is done. */
  async idle(): Promise<void> {
    await this.requests
    await this.writes.catch(() => {})
  }

  /** Queues a write behind the ones before it; resolves (or rejects) with it. */
  private write(op: () => Promise<void>): Promise<void> {
    const done = this.writes.then(op, op)
    this.writes = done.catch(() => {})
    return done
  }

  private async apply(conn: Connection, request: PrivateRequest): Promise<string | null> {
    if (conn.role === 'viewer') return 'A viewer cannot write or vote.'
    if (!conn.identified) return 'Join the session with your name first.'
    if (request.t === 'clearVotes') return this.clearVotes(conn)
    const participants = this.host.doc.getMap(Root.participants).toJSON()
    if (!participantRecord(participants, conn.participantId)) return 'Only people who joined this session as participants can do this.'
    if (request.t === 'vote') return this.vote(conn.participantId, request.target, request.delta)
    if (request.t === 'put') return this.put(conn.participantId, request.record)
    return this.remove(conn.participantId, request.id)
  }

  // ── hidden ballots ───────────────────────────────────────────────────────────

  private async vote(ownerId: string, target: string, delta: 1 | -1): Promise<string | null> {
    const session = this.session.toJSON()
    if (session.phase !== 'converge') return 'Voting is open in the converge phase.'
    if (session.hideVotes !== true) return 'This session votes openly; your dots go on the board.'
    if (session.votesRevealed === true) return 'The votes are revealed; voting is closed.'
    if (delta === 1 && !this.isVotable(target)) return 'Votes go on a sticky or a group that is on the board.'
    const limit = typeof session.voteLimit === 'number' ? session.voteLimit : 3
    const next = changeBallot(this.ballots.get(ownerId) ?? {}, target, delta, limit)
    if ('error' in next) return next.error
    await this.write(() => this.storage.putSecret(this.host.id, 'ballot', ownerId, '', json(next.ballot)))
    // Stored: now it counts. (A reveal that came while it was written is brought up to date by settle.)
    this.ballots.set(ownerId, next.ballot)
    this.sessionChanged = true
    this.publishBallotsUsed()
    this.sendToOwner(ownerId, { t: 'ballot', votes: next.ballot })
    return null
  }

  private isVotable(target: string): boolean {
    const map = this.host.doc.getMap<Y.Map<unknown>>(Root.records).get(target)
    if (!(map instanceof Y.Map) || map.get('typeName') !== 'shape') return false
    const type = map.get('type')
    return type === 'note' || type === 'frame'
  }

  private async clearVotes(conn: Connection): Promise<string | null> {
    if (conn.role !== 'facilitator') return 'Only the facilitator can clear the votes.'
    await this.write(() => this.storage.deleteSecrets(this.host.id, 'ballot'))
    const owners = [...this.ballots.keys()]
    this.ballots.clear()
    this.host.transactAsServer(() => {
      const session = this.session
      session.set('ballotsUsed', {})
      if (session.has('voteTotals')) session.set('voteTotals', {})
      if (session.get('votesRevealed') === true) session.set('votesRevealed', false)
    })
    for (const owner of owners) this.sendToOwner(owner, { t: 'ballot', votes: {} })
    return null
  }

  /** How many dots each person cast, never where: the facilitator sees who is done voting. */
  private publishBallotsUsed(): void {
    const used: Record<string, number> = {}
    for (const [owner, ballot] of this.ballots) {
      const total = ballotTotal(ballot)
      if (total > 0) used[owner] = total
    }
    this.host.transactAsServer(() => this.session.set('ballotsUsed', used))
  }

  // ── private stickies ─────────────────────────────────────────────────────────

  private async put(ownerId: string, value: Record<string, unknown>): Promise<string | null> {
    const id = value.id
    if (typeof id !== 'string') return 'A sticky needs an id.'
    const records = this.host.doc.getMap<Y.Map<unknown>>(Root.records)
    // Already on the board (revealed, or someone else's): the board's own rules take it from here.
    if (records.has(id)) return null
    for (const [owner, own] of this.stickies) if (owner !== ownerId && own.has(id)) return 'That sticky is not yours.'
    if (value.typeName !== 'shape' || value.type !== 'note') return 'Only stickies are written privately.'
    const verdict = checkBoardRecord(boardSchema().schema, id, value, this.host.id, this.stickies.get(ownerId)?.get(id))
    if (!verdict.ok) return `That sticky cannot be stored: ${verdict.reason}.`
    const own = this.ownStickies(ownerId)
    const isNew = !own.has(id)
    if (isNew && own.size >= MAX_PRIVATE_STICKIES_PER_PERSON) return `Each person may keep ${MAX_PRIVATE_STICKIES_PER_PERSON} private stickies before the reveal.`
    const record = value as StickyRecord
    if (!privateWritingActive(this.session.toJSON())) {
      // Private writing ended while this was on its way: it goes onto the board with the others.
      this.host.transactAsServer(() => records.set(id, recordToYMap(this.placed(record))))
      return null
    }
    await this.write(() => this.storage.putSecret(this.host.id, 'sticky', ownerId, id, json(record)))
    if (!privateWritingActive(this.session.toJSON()) || records.has(id)) {
      // The stickies were revealed while this one was being stored (the reveal's delete comes after
      // this write): it goes onto the board with the others.
      if (!records.has(id)) this.host.transactAsServer(() => records.set(id, recordToYMap(this.placed(record))))
      return null
    }
    const mine = this.ownStickies(ownerId)
    const stillNew = !mine.has(id)
    mine.set(id, record)
    if (stillNew) this.publishIdeaCounts()
    return null
  }

  private async remove(ownerId: string, id: string): Promise<string | null> {
    if (!this.stickies.get(ownerId)?.has(id)) return null
    await this.write(() => this.storage.deleteSecret(this.host.id, 'sticky', ownerId, id))
    if (!this.stickies.get(ownerId)?.delete(id)) return null
    this.publishIdeaCounts()
    return null
  }

  /** How many private stickies each person has written: the group sees that ideas are coming. */
  private publishIdeaCounts(): void {
    const counts: Record<string, number> = {}
    for (const [owner, own] of this.stickies) if (own.size > 0) counts[owner] = own.size
    this.host.transactAsServer(() => this.session.set('ideaCounts', counts))
  }

  /** A private sticky as it goes onto the board: on a page or a frame that still exists. */
  private placed(record: StickyRecord, anonymous = false): StickyRecord {
    const records = this.host.doc.getMap<Y.Map<unknown>>(Root.records)
    let parentId = record.parentId
    if (typeof parentId !== 'string' || !records.has(parentId)) {
      parentId = records.has(DEFAULT_PAGE_ID) ? DEFAULT_PAGE_ID : ([...records.keys()].find((k) => k.startsWith('page:')) ?? DEFAULT_PAGE_ID)
    }
    const props = (record.props ?? {}) as Record<string, unknown>
    return { ...record, parentId, props: anonymous ? { ...props, textLastEditedBy: null } : props }
  }

  // ── reveals ──────────────────────────────────────────────────────────────────

  /**
   * Called after every accepted change (and when the room loads): reveals what the session's state
   * says must be seen now. Stickies: private writing is off or its phase is over. Votes: hidden
   * ballots whose totals are due (revealed, or converge is over) and not yet written.
   */
  settle(force = false): void {
    if (!this.sessionChanged && !force) return
    this.sessionChanged = false
    const session = this.session.toJSON()
    const hasPrivate = [...this.stickies.values()].some((own) => own.size > 0)
    if (hasPrivate && !privateWritingActive(session)) this.revealStickies(session.anonymousReveal === true)
    else if (session.privateWriting === true && !privateWritingActive(session)) {
      this.host.transactAsServer(() => this.session.set('privateWriting', false))
    }
    if (session.hideVotes === true && this.ballots.size > 0) {
      const due = session.votesRevealed === true || session.phase !== 'converge'
      const totals = sumBallots(this.countedBallots())
      if (due && json(session.voteTotals ?? {}) !== json(totals)) this.revealVotes(totals)
    }
  }

  /** Ballots of people the session knows as participants (an `anon:` or removed id counts for nothing). */
  private countedBallots(): BallotMap[] {
    const participants = this.host.doc.getMap(Root.participants).toJSON()
    return [...this.ballots].filter(([owner]) => participantRecord(participants, owner) !== null).map(([, ballot]) => ballot)
  }

  private revealStickies(anonymous: boolean): void {
    const records = this.host.doc.getMap<Y.Map<unknown>>(Root.records)
    const owners = [...this.stickies.entries()].filter(([, own]) => own.size > 0)
    let count = 0
    this.host.transactAsServer(() => {
      for (const [, own] of owners) {
        for (const record of own.values()) {
          if (records.has(record.id)) continue
          records.set(record.id, recordToYMap(this.placed(record, anonymous)))
          count++
        }
      }
      const session = this.session
      session.set('ideaCounts', {})
      session.set('stickiesRevealedAt', Date.now())
      if (session.get('privateWriting') === true) session.set('privateWriting', false)
    })
    this.stickies.clear()
    // On the board now; the stored copies go after any write before them. Should this delete
    // fail, the next load finds them already on the board and leaves them there.
    void this.write(() => this.storage.deleteSecrets(this.host.id, 'sticky')).catch((error: unknown) =>
      this.log.error({ event: 'secrets.write_failed', err: error }, 'revealed stickies are still stored as private; they stay on the board'),
    )
    for (const [owner, own] of owners) this.sendToOwner(owner, { t: 'private', reset: true, put: [], removed: [...own.keys()] })
    this.log.info({ event: 'secrets.stickies_revealed', stickies: count, people: owners.length, anonymous }, 'private stickies revealed')
  }

  private revealVotes(totals: Record<string, number>): void {
    this.host.transactAsServer(() => {
      const session = this.session
      session.set('voteTotals', totals)
      session.set('votesRevealedAt', Date.now())
      if (session.get('votesRevealed') !== true) session.set('votesRevealed', true)
    })
    this.log.info({ event: 'secrets.votes_revealed', targets: Object.keys(totals).length }, 'hidden votes revealed')
  }
}
