// The server's authority over the board (`Y.Map('tldraw')`) and `Y.Map('meta')`: every record a
// client's transaction touched is judged with tldraw's own validators and the board rules
// (shared/src/boardRules.ts), and across records: a shape's parent exists and is no descendant
// of it, a binding's shapes exist, the document record and the last page stay, nothing is
// deleted while shapes or bindings still point at it, and the number of records is bounded.
// A refused transaction is written back to the records as last accepted, the way UpdateGuard
// does for the guarded maps, so every peer (the author too) converges on the accepted board.
import * as Y from 'yjs'
import { checkShapeDeletion, convertedShapeIds, POSITION_KEY, recordEntries, recordFromYMap, recordToYMap, Root, SERVER_ORIGIN, type Role } from '@sandbox/shared'
import { BoardLimits, boardSchema, checkBoardRecord, completeRecord, DOCUMENT_RECORD_ID } from '@sandbox/shared/board'
import { isPosition, movedRecord } from './boardMoves.ts'

export type BoardRecord = Record<string, unknown>

/** Who wrote a transaction, as far as the board's rules care. */
export interface BoardAuthor {
  role: Role
  participantId: string
  identified: boolean
  isParticipant(id: string): boolean
}
/**
 * `refused`: record id (or `meta`) → why; `completed`: new records accepted once their missing
 * fields are filled with defaults.
 */
export interface BoardVerdict {
  refused: Map<string, string>
  completed: Map<string, BoardRecord>
  /** Every judged record as it now stands (undefined: deleted), for `acceptJudged`. */
  judged: Map<string, BoardRecord | undefined>
  /** Records that only moved (or changed meta): their references are unchanged. */
  moved: Set<string>
}

const same = (a: unknown, b: unknown): boolean => a === b || JSON.stringify(a) === JSON.stringify(b)

/** The ids a record points at: its parent (shapes) or its two shapes (bindings). */
function referencesOf(record: BoardRecord): string[] {
  if (record.typeName === 'shape' && typeof record.parentId === 'string') return [record.parentId]
  if (record.typeName === 'binding') return [record.fromId, record.toId].filter((v): v is string => typeof v === 'string')
  return []
}

export class BoardGuard {
  private readonly doc: Y.Doc
  private readonly sessionId: string
  private readonly records: Y.Map<unknown>
  private readonly meta: Y.Map<unknown>
  /** The records as last accepted; built on first use (a cold room may never be written to). */
  private accepted: Map<string, BoardRecord> | null = null
  /** Who points at a record: parent id → shapes on it, shape id → bindings to it. */
  private readonly referrers = new Map<string, Set<string>>()
  private pages = 0
  private acceptedMeta: Record<string, unknown>

  constructor(doc: Y.Doc, sessionId: string) {
    this.doc = doc
    this.sessionId = sessionId
    this.records = doc.getMap(Root.records)
    this.meta = doc.getMap(Root.meta)
    this.acceptedMeta = this.meta.toJSON()
  }

  get recordCount(): number {
    return this.acceptedRecords().size
  }

  /** Board record ids a transaction changed, and whether it changed `meta`. */
  touched(tr: Y.Transaction): { ids: string[]; meta: boolean } {
    const ids: string[] = []
    for (const [type, keys] of tr.changed) {
      if ((type as unknown) === this.records) {
        for (const key of keys) if (key !== null) ids.push(key)
      } else if (type._item !== null && type._item.parent === this.records && type._item.parentSub !== null) {
        ids.push(type._item.parentSub)
      }
    }
    return { ids, meta: tr.changed.has(this.meta as never) }
  }

  /**
   * The fields of each record a transaction changed inside the record's own map; null when the
   * record itself was added, replaced or deleted. Lets a move be judged by its position alone.
   */
  changedFields(tr: Y.Transaction, into: Map<string, Set<string> | null>): void {
    for (const [type, keys] of tr.changed) {
      if ((type as unknown) === this.records) {
        for (const key of keys) if (key !== null) into.set(key, null)
      } else if (type._item !== null && type._item.parent === this.records && type._item.parentSub !== null) {
        const id = type._item.parentSub
        if (into.get(id) === null) continue
        let fields = into.get(id)
        if (!fields) into.set(id, (fields = new Set()))
        for (const key of keys) if (key !== null) fields.add(key)
      }
    }
  }

  /**
   * Brings a board stored by an older build to this build's schema, as the server: clients are
   * told to reload when their schema differs, so only the server ever migrates stored records.
   * Returns the number of records it rewrote; a record that cannot be migrated stays as it is.
   */
  migrate(): number {
    const { schema } = boardSchema()
    const stored = this.meta.get('schema')
    const current = schema.serialize()
    if (stored === undefined || same(stored, current)) return 0
    let rewritten = 0
    this.doc.transact(() => {
      this.records.forEach((value, id) => {
        if (!(value instanceof Y.Map)) return
        const before = recordFromYMap(value)
        try {
          const result = schema.migratePersistedRecord(before as never, stored as never)
          if (result.type !== 'success' || same(result.value, before)) return
          const entries = new Map(recordEntries(result.value as unknown as BoardRecord))
          for (const key of [...value.keys()]) if (!entries.has(key)) value.delete(key)
          for (const [key, field] of entries) if (!same(value.get(key), field)) value.set(key, field)
          rewritten++
        } catch {
          // Left as it was: clients skip a record they cannot read.
        }
      })
      this.meta.set('schema', current)
    }, SERVER_ORIGIN)
    return rewritten
  }

  /** Builds the accepted board from the document; call before applying a client's update. */
  prepare(): void {
    this.acceptedRecords()
  }

  private acceptedRecords(): Map<string, BoardRecord> {
    if (this.accepted) return this.accepted
    this.accepted = new Map()
    this.records.forEach((value, id) => {
      if (value instanceof Y.Map) this.index(id, recordFromYMap(value))
    })
    return this.accepted
  }

  private index(id: string, record: BoardRecord): void {
    const accepted = this.accepted as Map<string, BoardRecord>
    accepted.set(id, record)
    if (record.typeName === 'page') this.pages += 1
    for (const ref of referencesOf(record)) {
      let set = this.referrers.get(ref)
      if (!set) this.referrers.set(ref, (set = new Set()))
      set.add(id)
    }
  }

  private unindex(id: string): void {
    const accepted = this.accepted as Map<string, BoardRecord>
    const record = accepted.get(id)
    if (!record) return
    accepted.delete(id)
    if (record.typeName === 'page') this.pages -= 1
    for (const ref of referencesOf(record)) {
      const set = this.referrers.get(ref)
      set?.delete(id)
      if (set?.size === 0) this.referrers.delete(ref)
    }
  }

  /** Take the current content of these records (and meta) as the new baseline. */
  accept(ids: Iterable<string>, meta: boolean): void {
    if (meta) this.acceptedMeta = this.meta.toJSON()
    if (!this.accepted) return // built from the document when first needed
    for (const id of ids) {
      this.unindex(id)
      const value = this.records.get(id)
      if (value instanceof Y.Map) this.index(id, recordFromYMap(value))
    }
  }

  /**
   * Takes the records a verdict let through as the new baseline, without reading them again;
   * refused and completed ones were rewritten by the server and accepted from the document.
   */
  acceptJudged(verdict: BoardVerdict): void {
    const accepted = this.acceptedRecords()
    for (const [id, record] of verdict.judged) {
      if (verdict.refused.has(id) || verdict.completed.has(id)) continue
      if (record && verdict.moved.has(id)) {
        accepted.set(id, record)
        continue
      }
      this.unindex(id)
      if (record !== undefined) this.index(id, record)
    }
  }

  /**
   * Judges a client's changes to these records against the accepted board, record by record: a
   * refused record is reverted on its own, and records that lean on it (a shape on a refused
   * frame) are refused in turn, so an offline client's other work survives one bad record.
   */
  judge(changed: ReadonlyMap<string, Set<string> | null>, meta: boolean, author: BoardAuthor): BoardVerdict {
    const accepted = this.acceptedRecords()
    const { schema } = boardSchema()
    const refused = new Map<string, string>()
    const next = new Map<string, BoardRecord | undefined>()
    const completed = new Map<string, BoardRecord>()
    /** Records whose own fields were judged on the fast path (see movedRecord). */
    const fast = new Set<string>()
    /** Shape ids tasks were made from, read once and only when a participant deletes a shape. */
    let converted: Set<string> | undefined
    for (const [id, fields] of changed) {
      const before = accepted.get(id)
      if (before && fields) {
        const moved = movedRecord(before, fields, this.records.get(id))
        if (moved) {
          next.set(id, moved)
          fast.add(id)
          continue
        }
      }
      const value = this.records.get(id)
      if (value === undefined) next.set(id, undefined)
      else if (!(value instanceof Y.Map)) refused.set(id, 'a board record must be a Y.Map')
      // recordFromYMap reads a malformed `xy` as 0, 0; the stored entry itself must be valid.
      else if (value.has(POSITION_KEY) && !isPosition(value.get(POSITION_KEY))) refused.set(id, 'a position must be two finite numbers')
      else next.set(id, recordFromYMap(value))
    }
    // Only moves: nothing that records point at changed, and each position is already judged.
    if (fast.size === changed.size && !meta) return { refused, completed, judged: next, moved: fast }
    // Each record on its own.
    for (const [id, given] of next) {
      if (refused.has(id) || fast.has(id)) continue
      const before = accepted.get(id)
      if (id.startsWith('user:')) {
        // Someone's author record is theirs alone: a verified participant writes only their own,
        // an anonymous connection none that belongs to a participant.
        const owner = id.slice('user:'.length)
        if (author.identified ? owner !== author.participantId : author.isParticipant(owner)) {
          refused.set(id, 'it belongs to someone else')
          continue
        }
      }
      if (given === undefined) {
        if (before && id === DOCUMENT_RECORD_ID) refused.set(id, 'the document record cannot be deleted')
        else if (before?.typeName === 'shape' && author.role !== 'facilitator') {
          // Stickies that became tasks (and a converted group's frame) stay: shared/convertedShapes.ts.
          converted ??= convertedShapeIds(this.doc.getMap(Root.tasks).values())
          const deletion = checkShapeDeletion(author.role, id, String(before.type), converted)
          if (!deletion.ok) refused.set(id, deletion.reason)
        }
        continue
      }
      let verdict = checkBoardRecord(schema, id, given, this.sessionId, before)
      if (!verdict.ok && !before) {
        // Tools that write stickies by hand often leave out fields tldraw has defaults for.
        const complete = completeRecord(given)
        const retry = complete && checkBoardRecord(schema, id, complete, this.sessionId)
        if (complete && retry?.ok) {
          next.set(id, complete)
          completed.set(id, complete)
          verdict = retry
        }
      }
      if (!verdict.ok) refused.set(id, verdict.reason)
    }
    // Across records, until nothing more is refused: a refused record stays as it was accepted.
    const lookup = (id: string): BoardRecord | undefined => (refused.has(id) || !next.has(id) ? accepted.get(id) : next.get(id))
    for (let changed = true; changed; ) {
      changed = false
      for (const [id, record] of next) {
        if (refused.has(id)) continue
        const problem = record === undefined ? this.checkDeletion(id, lookup) : this.checkReferences(id, record, lookup)
        if (problem) {
          refused.set(id, problem)
          changed = true
        }
      }
      if (this.pagesAfter(next, refused) < 1) {
        for (const [id, record] of next) if (record === undefined && accepted.get(id)?.typeName === 'page' && !refused.has(id)) refused.set(id, 'the board keeps at least one page')
        changed = true
      }
    }
    const addedIds = [...next].filter(([id, record]) => record !== undefined && !accepted.has(id) && !refused.has(id)).map(([id]) => id)
    const removed = [...next].filter(([id, record]) => record === undefined && accepted.has(id) && !refused.has(id)).length
    if (addedIds.length > removed && accepted.size + addedIds.length - removed > BoardLimits.MAX_RECORDS_PER_SESSION) {
      for (const id of addedIds) refused.set(id, `this board holds at most ${BoardLimits.MAX_RECORDS_PER_SESSION} items`)
    }
    if (meta) refused.set('meta', 'only the server writes “meta”')
    for (const id of refused.keys()) completed.delete(id)
    return { refused, completed, judged: next, moved: fast }
  }

  private pagesAfter(next: ReadonlyMap<string, BoardRecord | undefined>, refused: ReadonlyMap<string, string>): number {
    let pages = this.pages
    const accepted = this.acceptedRecords()
    for (const [id, record] of next) {
      if (refused.has(id)) continue
      if (accepted.get(id)?.typeName === 'page') pages -= 1
      if (record?.typeName === 'page') pages += 1
    }
    return pages
  }

  private checkDeletion(id: string, lookup: (id: string) => BoardRecord | undefined): string | null {
    for (const referrer of this.referrers.get(id) ?? []) {
      const r = lookup(referrer)
      if (r && referencesOf(r).includes(id)) return `it cannot be deleted while ${referrer.slice(0, 80)} points at it`
    }
    return null
  }

  /** Fills in the fields the server completed (see judge), as the server. */
  complete(completed: ReadonlyMap<string, BoardRecord>): void {
    if (completed.size === 0) return
    this.doc.transact(() => {
      for (const [id, record] of completed) {
        const map = this.records.get(id)
        if (!(map instanceof Y.Map)) continue
        for (const [key, value] of recordEntries(record)) if (!same(map.get(key), value)) map.set(key, value)
      }
    }, SERVER_ORIGIN)
  }

  private checkReferences(id: string, record: BoardRecord, lookup: (id: string) => BoardRecord | undefined): string | null {
    if (record.typeName === 'shape') {
      let parentId = record.parentId as string
      for (let depth = 0; ; depth++) {
        if (parentId === id) return 'a shape cannot be inside itself'
        const parent = lookup(parentId)
        if (!parent) return `its parent ${parentId.slice(0, 80)} does not exist`
        if (parent.typeName === 'page') return null
        if (parent.typeName !== 'shape') return 'a shape’s parent must be a page or a shape'
        if (depth >= BoardLimits.MAX_PARENT_DEPTH) return 'shapes nested too deeply'
        parentId = parent.parentId as string
      }
    }
    if (record.typeName === 'binding') {
      for (const ref of referencesOf(record)) {
        if (lookup(ref)?.typeName !== 'shape') return `it binds ${ref.slice(0, 80)}, which is not a shape on the board`
      }
    }
    return null
  }

  /** Writes the accepted records (and meta) back over whatever a refused transaction changed. */
  revert(ids: readonly string[], meta: boolean): void {
    const accepted = this.acceptedRecords()
    this.doc.transact(() => {
      if (meta) {
        const now = this.meta.toJSON()
        for (const key of new Set([...Object.keys(now), ...Object.keys(this.acceptedMeta)])) {
          if (!(key in this.acceptedMeta)) this.meta.delete(key)
          else if (!same(now[key], this.acceptedMeta[key])) this.meta.set(key, structuredClone(this.acceptedMeta[key]))
        }
      }
      for (const id of ids) {
        const before = accepted.get(id)
        const current = this.records.get(id)
        if (!before) {
          if (current !== undefined) this.records.delete(id)
          continue
        }
        if (!(current instanceof Y.Map)) {
          this.records.set(id, recordToYMap(before))
          continue
        }
        const entries = new Map(recordEntries(before))
        for (const key of [...current.keys()]) if (!entries.has(key)) current.delete(key)
        for (const [key, value] of entries) if (!same(current.get(key), value)) current.set(key, structuredClone(value))
      }
    }, SERVER_ORIGIN)
  }
}
