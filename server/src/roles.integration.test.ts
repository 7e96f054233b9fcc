// Roles are enforced by the server: hand-crafted writes from stock y-websocket clients are
// reverted for everyone (including the sender), legitimate ones go through, exports work.
import { describe, expect, it } from 'vitest'
import { Root, type Task } from '@sandbox/shared'
import { connect, createSession, join, startServer, synced, waitFor, type Client } from './testing/harness.ts'
import { teardownAfterEach } from './testing/teardown.ts'

const cleanup = teardownAfterEach()

async function setup() {
  const server = await startServer()
  cleanup.push(() => server.close())
  const session = await createSession(server.url, 'Roadmap | Q3')
  const open = async (token: string, name?: string) => {
    const identity = name ? await join(server.url, session.id, token, name) : undefined
    const client = connect(server.url, session.id, token, identity)
    cleanup.push(() => client.destroy())
    await synced(client)
    return { client, identity }
  }
  return { server, session, open }
}

const phaseOf = (c: Client) => c.doc.getMap(Root.session).get('phase')
const settle = () => new Promise((r) => setTimeout(r, 150))

describe('roles', () => {
  it('reverts a participant’s crafted phase change everywhere and lets the facilitator’s through', async () => {
    const { session, open } = await setup()
    const { client: fac } = await open(session.tokens.facilitator, 'Host')
    const { client: memberA } = await open(session.tokens.participant, 'Member A')
    const { client: memberB } = await open(session.tokens.participant, 'Member B')

    memberA.doc.getMap(Root.session).set('phase', 'frame')
    await settle()
    // The server wrote the old value back; the crafted client is in line again.
    await waitFor(() => phaseOf(memberA) === 'warmup', 'memberA reverted')
    expect(phaseOf(memberB)).toBe('warmup')
    expect(phaseOf(fac)).toBe('warmup')

    fac.doc.getMap(Root.session).set('phase', 'frame')
    await waitFor(() => phaseOf(memberA) === 'frame' && phaseOf(memberB) === 'frame', 'facilitator’s phase change')
  })

  it('holds the vote limit against crafted votes', async () => {
    const { session, open } = await setup()
    const { client: fac } = await open(session.tokens.facilitator, 'Host')
    const { client: memberA, identity } = await open(session.tokens.participant, 'Member A')
    const pid = identity?.participantId as string
    fac.doc.transact(() => {
      fac.doc.getMap(Root.session).set('phase', 'frame')
      // Open voting: the dots are in the shared map, where a crafted client can try its luck.
      fac.doc.getMap(Root.session).set('hideVotes', false)
    })
    for (const phase of ['collaborate', 'converge']) {
      await settle()
      fac.doc.getMap(Root.session).set('phase', phase)
    }
    await waitFor(() => phaseOf(memberA) === 'converge', 'converge')
    const votes = memberA.doc.getMap(Root.votes)
    votes.set(`${pid}|shape:a`, 2)
    await settle()
    expect(fac.doc.getMap(Root.votes).get(`${pid}|shape:a`)).toBe(2)
    votes.set(`${pid}|shape:b`, 5) // over the default limit of 3
    votes.set(`someone-else|shape:b`, 1) // someone else's vote
    await settle()
    await waitFor(() => !memberA.doc.getMap(Root.votes).has(`${pid}|shape:b`), 'over-limit vote reverted')
    expect(fac.doc.getMap(Root.votes).toJSON()).toEqual({ [`${pid}|shape:a`]: 2 })
    // Taking a vote back is fine.
    votes.set(`${pid}|shape:a`, 1)
    await waitFor(() => fac.doc.getMap(Root.votes).get(`${pid}|shape:a`) === 1, 'retract')
  })

  it('lets a participant claim an unowned task but not take someone else’s', async () => {
    const { session, open } = await setup()
    const { client: fac } = await open(session.tokens.facilitator, 'Host')
    const { client: memberA, identity } = await open(session.tokens.participant, 'Member A')
    const { identity: memberB } = await open(session.tokens.participant, 'Member B')
    const task: Task = { id: 't1', title: 'Write the brief', ownerId: null, ownerName: null, ownerColor: null, ownerSource: null, status: 'todo', note: '', description: '', sourceShapeIds: ['shape:a'], createdAt: Date.now() }
    fac.doc.getMap(Root.tasks).set('t1', task)
    fac.doc.getMap(Root.tasks).set('t2', { ...task, id: 't2', ownerId: memberB?.participantId, ownerName: 'Member B', ownerColor: memberB?.color, ownerSource: 'assign' })
    await waitFor(() => memberA.doc.getMap(Root.tasks).has('t2'), 'tasks arrive')
    const claim = { ...task, ownerId: identity?.participantId, ownerName: 'Member A', ownerColor: identity?.color, ownerSource: 'claim' }
    memberA.doc.getMap(Root.tasks).set('t1', claim)
    memberA.doc.getMap(Root.tasks).set('t2', { ...task, id: 't2', ownerId: identity?.participantId, ownerName: 'Member A', ownerColor: identity?.color })
    await settle()
    await waitFor(() => (fac.doc.getMap(Root.tasks).get('t1') as Task).ownerId === identity?.participantId, 'claim stands')
    await waitFor(() => (memberA.doc.getMap(Root.tasks).get('t2') as Task).ownerId === memberB?.participantId, 'steal reverted')
  })

  it('exports tasks as JSON, CSV and Markdown with a token, 401 without', async () => {
    const { server, session, open } = await setup()
    const { client: fac } = await open(session.tokens.facilitator, 'Host')
    const { identity: memberP } = await open(session.tokens.participant, 'Member P')
    fac.doc.getMap(Root.tasks).set('t1', {
      id: 't1', title: '=cmd|calc', ownerId: memberP?.participantId, ownerName: 'Member P', ownerColor: memberP?.color, ownerSource: 'assign', status: 'doing', note: 'a | b', sourceShapeIds: ['shape:a'], createdAt: 1,
    })
    await settle()
    const url = (format: string) => `${server.url}/api/sessions/${session.id}/tasks?format=${format}`
    const auth = { authorization: `Bearer ${session.tokens.viewer}` }
    expect((await fetch(url('json'))).status).toBe(401)
    expect((await fetch(url('json'), { headers: { authorization: 'Bearer nope' } })).status).toBe(401)
    const json = (await (await fetch(url('json'), { headers: auth })).json()) as { tasks: Task[] }
    expect(json.tasks).toMatchObject([{ id: 't1', ownerName: 'Member P', status: 'doing', sourceShapeIds: ['shape:a'] }])
    const csv = await fetch(url('csv'), { headers: auth })
    expect(csv.headers.get('content-type')).toContain('text/csv')
    const csvText = await csv.text()
    expect(csvText.split('\n')[0]).toBe('id,title,ownerId,ownerName,status,note,sourceShapeIds,createdAt,description,votes,problem')
    expect(csvText).toContain(`'=cmd|calc`)
    const md = await (await fetch(url('md'), { headers: auth })).text()
    expect(md).toContain('Roadmap \\| Q3')
    expect(md).toContain('=cmd\\|calc')
    expect((await fetch(url('xml'), { headers: auth })).status).toBe(400)
  })
})
