// Issue "the server is the authority for the board": a stock y-websocket client with only the join
// link writes every class of hostile board content; afterwards two people open the session, both
// see the board, a sticky one writes appears for the other, and the replay of the session opens.
import WebSocket from 'ws'
import * as Y from 'yjs'
import { WebsocketProvider } from 'y-websocket'
import { recordToYMap, Root } from '@sandbox/shared'
import { stickyRecord } from '@sandbox/shared/board'
import { test, expect, type CreatedSession } from '../fixtures/index.ts'
import { ReplayPage } from '../pages/ReplayPage.ts'

/** Writes each kind of bad content in its own transaction, as a hostile participant would. */
async function writeHostileContent(baseURL: string, session: CreatedSession): Promise<void> {
  const doc = new Y.Doc()
  const provider = new WebsocketProvider(`${baseURL.replace(/^http/, 'ws')}/sync`, session.id, doc, {
    params: { token: session.tokens.participant },
    WebSocketPolyfill: WebSocket as unknown as typeof globalThis.WebSocket,
    disableBc: true,
  })
  await expect.poll(() => provider.synced).toBe(true)
  const records = doc.getMap<Y.Map<unknown>>(Root.records)
  const put = (record: Record<string, unknown>, key = String(record.id)) => records.set(key, recordToYMap(record))
  const valid = (id: string) => stickyRecord({ id, text: 'hostile' })
  const attacks: (() => void)[] = [
    () => put({ id: 'shape:broken', typeName: 'shape', type: 'note', props: { richText: 7 } }), // the record that used to blank the board
    () => put({ ...valid('shape:bad-type'), typeName: 'instance' }),
    () => put(valid('shape:right'), 'shape:wrong-key'),
    () => put({ ...valid('shape:custom'), type: 'script' }),
    () => put({ ...valid('shape:orphan'), parentId: 'shape:nowhere' }),
    () => put(stickyRecord({ id: 'shape:huge', text: 'x'.repeat(60_000) })),
    () => put({ ...valid('shape:link'), props: { ...(valid('x').props as object), url: 'javascript:alert(1)' } }),
    () =>
      put({
        id: 'asset:inline', typeName: 'asset', type: 'image', meta: {},
        props: { name: 'a.png', src: 'data:image/png;base64,iVBORw0KGgo=', w: 10, h: 10, mimeType: 'image/png', isAnimated: false },
      }),
    () => records.delete('page:page'),
    () => records.delete('document:document'),
    () => doc.getMap(Root.meta).set('schema', { broken: true }),
  ]
  for (const attack of attacks) doc.transact(attack)
  // The server reverts each one; this client ends up holding only the valid board again.
  await expect.poll(() => [...records.keys()].sort()).toEqual(['document:document', 'page:page'])
  provider.destroy()
  doc.destroy()
}

test('hostile board content is refused: two people still see and share the board, and the replay opens', async ({ baseURL, session, joinAs, newPerson, request }) => {
  await writeHostileContent(baseURL as string, session)

  const state = await request.get(`/api/sessions/${session.id}/state?at=${Date.now()}`, { headers: { authorization: `Bearer ${session.tokens.participant}` } })
  expect(state.status()).toBe(200)
  const stored = new Y.Doc()
  Y.applyUpdate(stored, new Uint8Array(await state.body()))
  expect([...stored.getMap(Root.records).keys()].sort()).toEqual(['document:document', 'page:page'])

  const memberA = await joinAs('Member A')
  const memberB = await joinAs('Member B')
  await expect(memberA.board.canvas).toBeVisible()
  await expect(memberB.board.canvas).toBeVisible()
  await memberA.board.addNote('Still works')
  await expect(memberB.board.note('Still works')).toHaveCount(1)
  await expect(memberB.page.getByTestId('unreadable-notice')).toHaveCount(0)
  await memberA.board.expectSaved()

  const viewer = await newPerson()
  const replay = new ReplayPage(viewer.page)
  await replay.goto(session.id, session.tokens.viewer, Date.now())
  await expect(replay.note('Still works')).toHaveCount(1)
})
