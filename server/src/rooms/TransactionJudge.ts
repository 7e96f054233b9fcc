// What a client's transaction did, and the verdict on it: the guarded maps (UpdateGuard, the
// template's rules) and the board and meta (BoardGuard). The room tells it about every
// transaction; changes made by the server (participant records, reverts, completions) become the
// baseline, changes from the client being judged are collected and then judged, each part on its
// own, and whatever is refused is written back.
import type * as Y from 'yjs'
import { Root, type Verdict } from '@sandbox/shared'
import { BoardGuard } from './BoardGuard.ts'
import type { Connection } from './Connection.ts'
import { UpdateGuard, type GuardedKey } from './UpdateGuard.ts'

export class TransactionJudge {
  private readonly doc: Y.Doc
  private readonly guard: UpdateGuard
  readonly board: BoardGuard
  private readonly judgeBoard: boolean
  private readonly guardedTouched = new Set<GuardedKey>()
  /** Board records touched: the fields changed, or null for the whole record. */
  private readonly boardTouched = new Map<string, Set<string> | null>()
  private metaTouched = false

  /** `judgeBoard` is false only in the benchmark that measures what judging the board costs. */
  constructor(doc: Y.Doc, sessionId: string, judgeBoard: boolean) {
    this.doc = doc
    this.guard = new UpdateGuard(doc)
    this.board = new BoardGuard(doc, sessionId)
    this.judgeBoard = judgeBoard
  }

  /** Call before applying a client's update. */
  begin(): void {
    this.board.prepare()
    this.guardedTouched.clear()
    this.boardTouched.clear()
    this.metaTouched = false
  }

  /** Call for every transaction; `byClient` when it is the update being judged. */
  observe(tr: Y.Transaction, byClient: boolean): void {
    const guarded = this.guard.touched(tr)
    const board = this.board.touched(tr)
    if (byClient) {
      for (const k of guarded) this.guardedTouched.add(k)
      if (board.ids.length > 0) this.board.changedFields(tr, this.boardTouched)
      if (board.meta) this.metaTouched = true
    } else {
      if (guarded.length > 0) this.guard.accept(guarded)
      if (board.ids.length > 0 || board.meta) this.board.accept(board.ids, board.meta)
    }
  }

  /**
   * Judges what the client's transaction did (or, with `refuseAll`, writes it all back unjudged)
   * and returns the first reason for a refusal, or null. Both parts are judged and reverted on
   * their own: one refusal must not let the other part through.
   */
  judge(conn: Connection, refuseAll: boolean): string | null {
    const guarded = this.judgeGuarded(conn, refuseAll)
    const board = this.judgeBoardChanges(conn, refuseAll)
    return guarded ?? board
  }

  private judgeGuarded(conn: Connection, refuseAll: boolean): string | null {
    if (this.guardedTouched.size === 0) return null
    const touched = [...this.guardedTouched]
    const verdict: Verdict = refuseAll
      ? { ok: false, reason: 'malformed update' }
      : this.guard.judge({ role: conn.role, participantId: conn.participantId, identified: conn.identified }, touched)
    if (!verdict.ok) this.guard.revert(touched)
    this.guard.accept(touched)
    return verdict.ok ? null : verdict.reason
  }

  private judgeBoardChanges(conn: Connection, refuseAll: boolean): string | null {
    if (this.boardTouched.size === 0 && !this.metaTouched) return null
    if (!this.judgeBoard && !refuseAll) return null
    const ids = [...this.boardTouched.keys()]
    const meta = this.metaTouched
    if (refuseAll) {
      this.board.revert(ids, meta)
      this.board.accept(ids, meta)
      return 'malformed update'
    }
    const participants = this.doc.getMap(Root.participants)
    const author = { role: conn.role, participantId: conn.participantId, identified: conn.identified, isParticipant: (id: string) => participants.has(id) }
    const verdict = this.board.judge(this.boardTouched, meta, author)
    const refusedIds = [...verdict.refused.keys()].filter((id) => id !== 'meta')
    if (refusedIds.length > 0 || verdict.refused.has('meta')) this.board.revert(refusedIds, verdict.refused.has('meta'))
    this.board.complete(verdict.completed)
    this.board.acceptJudged(verdict)
    const [first] = verdict.refused
    return first ? `${first[0].slice(0, 80)}: ${first[1]}${verdict.refused.size > 1 ? ` (and ${verdict.refused.size - 1} more)` : ''}` : null
  }
}
