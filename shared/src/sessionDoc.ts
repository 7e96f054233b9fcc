// Reading and seeding a session's Y.Doc. The server seeds every new session once, so two clients
// opening an empty board at the same moment never both create tldraw's initial page (tldraw#1798).
import * as Y from 'yjs'
import { createTLSchema, DocumentRecordType, PageRecordType, TLDOCUMENT_ID } from '@tldraw/tlschema'
import type { GuardedState } from './permissions.ts'
import { DEFAULT_VOTE_LIMIT, Root, taskSchema, type Phase, type SessionFields, type Task } from './schema.ts'

export const DEFAULT_PAGE_ID = 'page:page'

/** The origin the server uses for its own writes (seed, participant records, reverts). */
export const SERVER_ORIGIN = 'sandbox-server'

export function seedSessionDoc(doc: Y.Doc, title: string, now: number, seed: number): void {
  doc.transact(() => {
    const session = doc.getMap(Root.session)
    const fields: SessionFields = {
      title,
      createdAt: now,
      phase: 'warmup',
      phaseChangedAt: now,
      warmupIndex: seed % 1000,
      problem: '',
      frameAnswers: {},
      voteLimit: DEFAULT_VOTE_LIMIT,
      timer: { state: 'idle', durationMs: 10 * 60_000 },
      seed,
    }
    for (const [key, value] of Object.entries(fields)) session.set(key, value)
    const records = doc.getMap<Y.Map<unknown>>(Root.records)
    for (const record of [
      DocumentRecordType.create({ id: TLDOCUMENT_ID }),
      PageRecordType.create({ id: DEFAULT_PAGE_ID as never, name: 'Board', index: 'a1' as never }),
    ]) {
      records.set(record.id, recordToYMap(record as unknown as Record<string, unknown>))
    }
    doc.getMap(Root.meta).set('schema', createTLSchema().serialize())
  }, SERVER_ORIGIN)
}

/** One Y.Map per record, one entry per top-level field (see shared/README.md for why). */
export function recordToYMap(record: Readonly<Record<string, unknown>>): Y.Map<unknown> {
  const map = new Y.Map<unknown>()
  for (const [key, value] of Object.entries(record)) map.set(key, value)
  return map
}

export function readGuardedState(doc: Y.Doc): GuardedState {
  return {
    session: doc.getMap(Root.session).toJSON(),
    tasks: doc.getMap(Root.tasks).toJSON(),
    votes: doc.getMap(Root.votes).toJSON(),
    participants: doc.getMap(Root.participants).toJSON(),
  }
}

export function readTasks(doc: Y.Doc): Task[] {
  const out: Task[] = []
  doc.getMap(Root.tasks).forEach((value) => {
    const parsed = taskSchema.safeParse(value)
    if (parsed.success) out.push(parsed.data)
  })
  return out
}

export const readPhase = (doc: Y.Doc): Phase => (doc.getMap(Root.session).get('phase') as Phase | undefined) ?? 'warmup'
