// Seeding a new session's Y.Doc, done once by the server, so two clients opening an empty board
// at the same moment never both create tldraw's initial page (tldraw#1798). Kept apart from
// index.ts: it pulls in tldraw's schema, which the server only needs when a session is created.
import type * as Y from 'yjs'
import { createTLSchema, DocumentRecordType, PageRecordType, TLDOCUMENT_ID } from '@tldraw/tlschema'
import { DEFAULT_VOTE_LIMIT, Root, type SessionFields } from './schema.ts'
import { DEFAULT_PAGE_ID, recordToYMap, SERVER_ORIGIN } from './sessionDoc.ts'

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
      privateWriting: false,
      anonymousReveal: false,
      hideVotes: true,
      votesRevealed: false,
      summon: null,
      pairing: null,
      reviewBuddies: {},
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
