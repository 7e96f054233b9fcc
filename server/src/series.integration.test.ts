// Series of sessions on a real server (SQLite, real sockets): a follow-up is created by the
// facilitator only, comes back the same when asked again, lists the previous session's tasks as
// they change, and carries the unfinished ones over with their owners, who can keep working them.
// Pairs written into the session are judged like every guarded field.
import { describe, expect, it } from 'vitest'
import {
  followUpResponseSchema,
  previousTasksResponseSchema,
  Root,
  seriesResponseSchema,
  type SeriesBalanceResponse,
  type Task,
} from '@sandbox/shared'
import { connect, createSession, joinedClient, startServer, synced, waitFor, type Client, type Identity } from './testing/harness.ts'
import { teardownAfterEach } from './testing/teardown.ts'

const cleanup = teardownAfterEach()

const bearer = (token: string) => ({ authorization: `Bearer ${token}` })
const json = { 'content-type': 'application/json' }

async function setup(overrides: Parameters<typeof startServer>[1] = {}) {
  const server = await startServer(undefined, overrides)
  cleanup.push(() => server.close())
  const first = await createSession(server.url, 'Roadmap review')
  const open = (sessionId: string, token: string, name: string) => joinedClient(server.url, sessionId, token, name, cleanup.push)
  const followUp = (id: string, token: string, body: unknown = {}) =>
    fetch(`${server.url}/api/sessions/${id}/follow-up`, { method: 'POST', headers: { ...json, ...bearer(token) }, body: JSON.stringify(body) })
  const get = (path: string, token: string, headers: Record<string, string> = {}) => fetch(`${server.url}${path}`, { headers: { ...bearer(token), ...headers } })
  return { server, first, open, followUp, get }
}

const task = (id: string, owner: Identity | null, status: Task['status']): Task => ({
  id,
  title: `Task ${id}`,
  description: '',
  ownerId: owner?.participantId ?? null,
  ownerName: owner?.name ?? null,
  ownerColor: owner?.color ?? null,
  ownerSource: owner ? 'assign' : null,
  status,
  note: '',
  sourceShapeIds: ['shape:x'],
  createdAt: 1,
})

const tasksOf = (c: Client) => c.doc.getMap(Root.tasks).toJSON() as Record<string, Task>

describe('POST /api/sessions/:id/follow-up', () => {
  it('creates a linked session for the facilitator only, and answers the same one when asked again', async () => {
    const { first, followUp, get } = await setup()
    expect((await followUp(first.id, first.tokens.participant)).status).toBe(403)
    expect((await followUp(first.id, first.tokens.viewer)).status).toBe(403)
    expect((await followUp(first.id, `${first.tokens.facilitator}x`)).status).toBe(401)
    expect((await followUp('0'.repeat(first.id.length), first.tokens.facilitator)).status).toBe(404)

    const res = await followUp(first.id, first.tokens.facilitator)
    expect(res.status).toBe(201)
    const created = followUpResponseSchema.parse(await res.json())
    expect(created).toMatchObject({ title: 'Roadmap review (2)', seriesId: first.id, previousId: first.id, position: 2, existing: false })
    expect(created.id).not.toBe(first.id)
    expect(new Set(Object.values(created.tokens)).size).toBe(3)
    // The new session's links open it with their roles.
    for (const [role, token] of Object.entries(created.tokens)) {
      expect(await (await get(`/api/sessions/${created.id}`, token)).json()).toMatchObject({ id: created.id, role })
    }
    // Its tokens open nothing in the first session.
    expect((await get(`/api/sessions/${first.id}`, created.tokens.facilitator)).status).toBe(401)

    const again = await followUp(first.id, first.tokens.facilitator, { title: 'Ignored, it exists' })
    expect(again.status).toBe(200)
    expect(followUpResponseSchema.parse(await again.json())).toEqual({ ...created, existing: true })

    // A follow-up of the follow-up: the same series, third.
    const third = followUpResponseSchema.parse(await (await followUp(created.id, created.tokens.facilitator, { title: 'Last check-in' })).json())
    expect(third).toMatchObject({ title: 'Last check-in', seriesId: first.id, previousId: created.id, position: 3 })

    for (const [id, token] of [[first.id, first.tokens.viewer], [third.id, third.tokens.participant]] as const) {
      const series = seriesResponseSchema.parse(await (await get(`/api/sessions/${id}/series`, token)).json())
      expect(series.seriesId).toBe(first.id)
      expect(series.sessions.map((s) => [s.id, s.position])).toEqual([[first.id, 1], [created.id, 2], [third.id, 3]])
    }
    expect((await get(`/api/sessions/${created.id}/series`, 'nope')).status).toBe(401)
  })
})

describe('follow-ups asked for at once', () => {
  it('creates one follow-up, and every request answers it', async () => {
    const { first, followUp } = await setup()
    const answers = await Promise.all([1, 2, 3].map(() => followUp(first.id, first.tokens.facilitator)))
    expect(answers.map((r) => r.status).sort()).toEqual([200, 200, 201])
    const bodies = await Promise.all(answers.map(async (r) => followUpResponseSchema.parse(await r.json())))
    expect(new Set(bodies.map((b) => b.id)).size).toBe(1)
    expect(new Set(bodies.map((b) => b.tokens.facilitator)).size).toBe(1)
  })
})

describe('previous tasks and carry-over', () => {
  it('lists the previous session’s tasks live and carries the unfinished ones over with their owners', async () => {
    const { server, first, open, followUp, get } = await setup()
    const host = await open(first.id, first.tokens.facilitator, 'The facilitator')
    const a = await open(first.id, first.tokens.participant, 'Participant A')
    const b = await open(first.id, first.tokens.participant, 'Participant B')
    host.client.doc.transact(() => {
      const tasks = host.client.doc.getMap(Root.tasks)
      tasks.set('t-a', task('t-a', a.identity, 'doing'))
      tasks.set('t-b', task('t-b', b.identity, 'todo'))
      tasks.set('t-done', task('t-done', a.identity, 'done'))
    })
    await waitFor(() => Object.keys(tasksOf(a.client)).length === 3, 'tasks arrive')

    const next = followUpResponseSchema.parse(await (await followUp(first.id, first.tokens.facilitator)).json())
    const previousTasks = `/api/sessions/${next.id}/previous-tasks`
    const res = await get(previousTasks, next.tokens.participant)
    const listed = previousTasksResponseSchema.parse(await res.json())
    expect(listed.previous).toEqual({ id: first.id, title: 'Roadmap review' })
    expect(listed.tasks.map((t) => [t.id, t.ownerName, t.status]).sort()).toEqual([
      ['t-a', 'Participant A', 'doing'],
      ['t-b', 'Participant B', 'todo'],
      ['t-done', 'Participant A', 'done'],
    ])
    const etag = res.headers.get('etag') as string
    expect((await get(previousTasks, next.tokens.viewer, { 'if-none-match': etag })).status).toBe(304)

    // Participant B finishes their task on their my-tasks page: the list says so at once.
    b.client.doc.getMap(Root.tasks).set('t-b', { ...task('t-b', b.identity, 'done'), updatedAt: Date.now() })
    await waitFor(async () => {
      const r = await get(previousTasks, next.tokens.participant, { 'if-none-match': etag })
      return r.status === 200 && previousTasksResponseSchema.parse(await r.json()).tasks.find((t) => t.id === 't-b')?.status === 'done'
    }, 'the finished task shows as done')
    expect((await get(previousTasks, 'nope')).status).toBe(401)

    const carry = (token: string, body: unknown = {}) =>
      fetch(`${server.url}/api/sessions/${next.id}/carry-over`, { method: 'POST', headers: { ...json, ...bearer(token) }, body: JSON.stringify(body) })
    expect((await carry(next.tokens.participant)).status).toBe(403)
    expect((await carry(first.tokens.facilitator)).status).toBe(401)
    const watcher = connect(server.url, next.id, next.tokens.viewer)
    cleanup.push(() => watcher.destroy())
    await synced(watcher)

    const carried = await carry(next.tokens.facilitator)
    expect(carried.status).toBe(200)
    expect(await carried.json()).toEqual({ carried: ['t-a'], skipped: 2 })
    await waitFor(() => tasksOf(watcher)['t-a'], 'the carried task reaches the new session')
    expect(tasksOf(watcher)['t-a']).toMatchObject({ ownerId: a.identity.participantId, ownerName: 'Participant A', status: 'doing', carriedFrom: first.id, sourceShapeIds: [] })
    // The owner's record came along, so the task has an owner the rules know.
    expect(watcher.doc.getMap(Root.participants).get(a.identity.participantId)).toMatchObject({ name: 'Participant A' })
    expect(await (await carry(next.tokens.facilitator)).json()).toEqual({ carried: [], skipped: 3 })

    // The owner opens the follow-up with the same identity and moves the task on.
    const joined = await fetch(`${server.url}/api/sessions/${next.id}/participants`, {
      method: 'POST',
      headers: { ...json, ...bearer(next.tokens.participant) },
      body: JSON.stringify({ name: 'Participant A', participantId: a.identity.participantId, participantKey: a.identity.participantKey }),
    })
    expect(joined.status).toBe(200)
    const owner = connect(server.url, next.id, next.tokens.participant, a.identity)
    cleanup.push(() => owner.destroy())
    await synced(owner)
    await waitFor(() => tasksOf(owner)['t-a'], 'the owner sees the task')
    owner.doc.getMap(Root.tasks).set('t-a', { ...tasksOf(owner)['t-a'], status: 'done', updatedAt: Date.now() })
    await waitFor(() => tasksOf(watcher)['t-a']?.status === 'done', 'the owner’s update is accepted')
  })
})

describe('carry-over when the owner’s name is taken in the follow-up', () => {
  it('carries the task without an owner, for the facilitator to assign, and carries only the tasks asked for', async () => {
    const { server, first, open, followUp } = await setup()
    const host = await open(first.id, first.tokens.facilitator, 'The facilitator')
    const a = await open(first.id, first.tokens.participant, 'Participant A')
    host.client.doc.transact(() => {
      host.client.doc.getMap(Root.tasks).set('t-1', task('t-1', a.identity, 'todo'))
      host.client.doc.getMap(Root.tasks).set('t-2', task('t-2', a.identity, 'todo'))
    })
    await waitFor(() => Object.keys(tasksOf(a.client)).length === 2, 'tasks arrive')
    const next = followUpResponseSchema.parse(await (await followUp(first.id, first.tokens.facilitator)).json())
    // Someone else joins the follow-up first under the same name.
    const other = await open(next.id, next.tokens.participant, 'participant a')
    const res = await fetch(`${server.url}/api/sessions/${next.id}/carry-over`, {
      method: 'POST',
      headers: { ...json, ...bearer(next.tokens.facilitator) },
      body: JSON.stringify({ taskIds: ['t-1'] }),
    })
    expect(await res.json()).toEqual({ carried: ['t-1'], skipped: 0 })
    await waitFor(() => tasksOf(other.client)['t-1'], 'the carried task arrives')
    expect(tasksOf(other.client)['t-1']).toMatchObject({ ownerId: null, ownerName: null, carriedFrom: first.id })
    expect(tasksOf(other.client)['t-2']).toBeUndefined()
    expect(other.client.doc.getMap(Root.participants).has(a.identity.participantId)).toBe(false)
  })
})

describe('previous tasks of a session that is not loaded', () => {
  it('reads them from storage, and again once its log grew', async () => {
    const { server, first, open, followUp, get } = await setup({ idleUnloadMs: 30 })
    const host = await open(first.id, first.tokens.facilitator, 'The facilitator')
    const a = await open(first.id, first.tokens.participant, 'Participant A')
    host.client.doc.getMap(Root.tasks).set('t-a', task('t-a', a.identity, 'todo'))
    await waitFor(() => tasksOf(a.client)['t-a'], 'the task arrives')
    const next = followUpResponseSchema.parse(await (await followUp(first.id, first.tokens.facilitator)).json())
    host.client.destroy()
    a.client.destroy()
    await waitFor(() => !server.rooms.loaded.has(first.id), 'the first session unloads')
    const statusOf = async () =>
      previousTasksResponseSchema.parse(await (await get(`/api/sessions/${next.id}/previous-tasks`, next.tokens.participant)).json()).tasks[0]?.status
    expect(await statusOf()).toBe('todo')

    // The owner comes back, finishes the task and leaves: the stored log grew, the list follows.
    const owner = connect(server.url, first.id, first.tokens.participant, a.identity)
    cleanup.push(() => owner.destroy())
    await synced(owner)
    owner.doc.getMap(Root.tasks).set('t-a', { ...tasksOf(owner)['t-a'], status: 'done', updatedAt: Date.now() })
    await waitFor(async () => (await statusOf()) === 'done', 'done while the room is loaded')
    owner.destroy()
    await waitFor(() => !server.rooms.loaded.has(first.id), 'the first session unloads again')
    expect(await statusOf()).toBe('done')
  })
})

describe('pairs in the session document', () => {
  it('takes pairs from the facilitator, reverts them from a participant, and tells the follow-up who met', async () => {
    const { first, open, followUp, get } = await setup()
    const host = await open(first.id, first.tokens.facilitator, 'The facilitator')
    const a = await open(first.id, first.tokens.participant, 'Participant A')
    const b = await open(first.id, first.tokens.participant, 'Participant B')
    const pairing = { at: 1, groups: [{ ids: [a.identity.participantId, b.identity.participantId, host.identity.participantId], question: 'How do you like to be asked for help?' }] }

    a.client.doc.getMap(Root.session).set('pairing', pairing)
    await waitFor(() => a.client.doc.getMap(Root.session).get('pairing') === null, 'a participant’s pairs are reverted')
    host.client.doc.getMap(Root.session).set('pairing', pairing)
    await waitFor(() => b.client.doc.getMap(Root.session).get('pairing'), 'the facilitator’s pairs arrive')
    // Someone who is not in the session cannot be paired.
    host.client.doc.getMap(Root.session).set('pairing', { at: 2, groups: [{ ids: [a.identity.participantId, 'p_stranger'], question: 'Q?' }] })
    await waitFor(() => (host.client.doc.getMap(Root.session).get('pairing') as { at: number }).at === 1, 'pairs with a stranger are reverted')

    const next = followUpResponseSchema.parse(await (await followUp(first.id, first.tokens.facilitator)).json())
    const series = seriesResponseSchema.parse(await (await get(`/api/sessions/${next.id}/series`, next.tokens.facilitator)).json())
    expect(series.metPairs).toHaveLength(3)
    expect(series.metPairs.flat()).toContain(a.identity.participantId)
  })
})

describe('GET /api/sessions/:id/series/balance', () => {
  it('sums the balance of modes over every session of the series, for any role of any of them', async () => {
    const { server, first, open, followUp, get } = await setup()
    const { client: facilitator } = await open(first.id, first.tokens.facilitator, 'Facilitator')
    const owner = await open(first.id, first.tokens.participant, 'Owner A')
    facilitator.doc.getMap(Root.tasks).set('t1', task('t1', owner.identity, 'done'))
    facilitator.doc.getMap(Root.tasks).set('t2', task('t2', owner.identity, 'todo'))
    await waitFor(async () => (await server.rooms.get(first.id)).doc.getMap(Root.tasks).size === 2, 'tasks stored')
    const created = followUpResponseSchema.parse(await (await followUp(first.id, first.tokens.facilitator)).json())

    const answer = await get(`/api/sessions/${created.id}/series/balance`, created.tokens.viewer)
    expect(answer.status).toBe(200)
    const body = (await answer.json()) as SeriesBalanceResponse
    expect(body.sessions.map((s) => [s.id, s.position, s.tasks, s.done])).toEqual([
      [first.id, 1, 2, 1],
      [created.id, 2, 0, 0],
    ])
    expect(body.series.sessions).toBe(2)
    expect(body.series.totals.tasks).toBe(2)
    expect(body.series.people.find((p) => p.name === 'Owner A')).toMatchObject({ tasksOwned: 2, tasksDone: 1 })
    // A session alone is a series of one; another session's token opens nothing.
    const alone = await createSession(server.url, 'Alone')
    const single = (await (await get(`/api/sessions/${alone.id}/series/balance`, alone.tokens.participant)).json()) as SeriesBalanceResponse
    expect(single.sessions).toHaveLength(1)
    expect((await get(`/api/sessions/${created.id}/series/balance`, alone.tokens.facilitator)).status).toBe(401)
  })
})
