// Stickies that became tasks cannot be deleted by participants: the server refuses the deletion
// and writes the sticky back for everyone, the author too (stock y-websocket clients, so nothing
// here relies on the app's own client not trying). The facilitator may delete them.
import { describe, expect, it } from 'vitest'
import { recordToYMap, Root, type Task } from '@sandbox/shared'
import { createSession, joinedClient, putSticky, startServer, waitFor, type Client } from './testing/harness.ts'
import { teardownAfterEach } from './testing/teardown.ts'

const cleanup = teardownAfterEach()

async function setup() {
  const server = await startServer()
  cleanup.push(() => server.close())
  const session = await createSession(server.url)
  const open = async (token: string, name: string) => (await joinedClient(server.url, session.id, token, name, cleanup.push)).client
  const host = await open(session.tokens.facilitator, 'Host')
  const memberA = await open(session.tokens.participant, 'Member A')
  const memberB = await open(session.tokens.participant, 'Member B')
  return { host, memberA, memberB }
}

const task = (id: string, sourceShapeIds: string[]): Task => ({
  id, title: id, description: '', ownerId: null, ownerName: null, ownerColor: null, ownerSource: null, status: 'todo', note: '', sourceShapeIds, createdAt: 1,
})
const records = (c: Client) => c.doc.getMap(Root.records)
const has = (id: string) => (c: Client) => records(c).has(id)
const settle = () => new Promise((r) => setTimeout(r, 200))

describe('stickies that became tasks', () => {
  it('refuses a participant’s deletion and brings the sticky back for everyone; other stickies may go', async () => {
    const { host, memberA, memberB } = await setup()
    putSticky(host.doc, 'shape:kept', 'Fix onboarding emails\nStart with the welcome email')
    putSticky(host.doc, 'shape:free', 'Not a task')
    host.doc.getMap(Root.tasks).set('t1', task('t1', ['shape:kept']))
    const everyone = [host, memberA, memberB]
    await waitFor(() => everyone.every((c) => has('shape:kept')(c) && has('shape:free')(c) && c.doc.getMap(Root.tasks).has('t1')), 'stickies and task arrive')

    memberA.doc.transact(() => {
      records(memberA).delete('shape:kept')
      records(memberA).delete('shape:free')
    })
    // The refused deletion is written back: the author has the sticky again, whole.
    await waitFor(() => has('shape:kept')(memberA), 'the sticky is back for its deleter')
    await waitFor(() => !has('shape:free')(host) && !has('shape:free')(memberB), 'the unconverted sticky is gone')
    await settle()
    for (const c of everyone) {
      expect(has('shape:kept')(c)).toBe(true)
      const map = records(c).get('shape:kept') as { toJSON(): { props: { richText: unknown } } }
      expect(JSON.stringify(map.toJSON().props.richText)).toContain('Start with the welcome email')
    }
  })

  it('keeps a converted group’s frame and stickies when a participant deletes the frame', async () => {
    const { host, memberA, memberB } = await setup()
    host.doc.getMap(Root.records).set(
      'shape:frame',
      recordToYMap({
        id: 'shape:frame', typeName: 'shape', type: 'frame', x: 0, y: 0, rotation: 0, index: 'a0', parentId: 'page:page', isLocked: false, opacity: 1, meta: {},
        props: { w: 800, h: 600, name: 'Onboarding', color: 'black' },
      }),
    )
    putSticky(host.doc, 'shape:a', 'In the group', { parentId: 'shape:frame' })
    host.doc.getMap(Root.tasks).set('t1', task('t1', ['shape:frame', 'shape:a']))
    await waitFor(() => has('shape:a')(memberB) && memberB.doc.getMap(Root.tasks).has('t1'), 'group arrives')

    memberA.doc.transact(() => {
      records(memberA).delete('shape:a')
      records(memberA).delete('shape:frame')
    })
    await waitFor(() => has('shape:frame')(memberA) && has('shape:a')(memberA), 'the group is back for its deleter')
    await settle()
    expect(has('shape:frame')(memberB) && has('shape:a')(memberB) && has('shape:frame')(host)).toBe(true)
  })

  it('lets the facilitator delete a converted sticky', async () => {
    const { host, memberA, memberB } = await setup()
    putSticky(host.doc, 'shape:kept', 'Fix onboarding emails')
    host.doc.getMap(Root.tasks).set('t1', task('t1', ['shape:kept']))
    await waitFor(() => has('shape:kept')(memberA) && has('shape:kept')(memberB), 'sticky arrives')
    records(host).delete('shape:kept')
    await waitFor(() => !has('shape:kept')(memberA) && !has('shape:kept')(memberB), 'deleted for everyone')
    await settle()
    expect(has('shape:kept')(host)).toBe(false)
  })
})
