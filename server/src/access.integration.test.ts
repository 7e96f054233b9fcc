// Access bounded by role, against a real server, as an attacker holding only a participant or a
// viewer link would try it: anonymous sockets that vote and claim, claims under someone else's
// name, viewer sockets that fill the room, a connection that floods bytes, session and participant
// quotas, and pages on a rebound host name that open the websocket.
import { describe, expect, it } from 'vitest'
import WebSocket from 'ws'
import * as Y from 'yjs'
import * as encoding from 'lib0/encoding'
import { CloseCode, MessageType, Root, tallyVotes, type Participant, type Task } from '@sandbox/shared'
import { loadConfig, type Config } from './config.ts'
import { connect, createSession, join, rawSocket, sessionWithLog, synced, waitFor, type Client, type Identity } from './testing/harness.ts'
import { teardownAfterEach } from './testing/teardown.ts'

const cleanup = teardownAfterEach()

async function setup(overrides: Partial<Config> = {}) {
  const { server, session, syncUrl, logged } = await sessionWithLog((step) => cleanup.push(step), overrides)
  /** A stock y-websocket client, joined under `name` first when one is given. */
  const open = async (token: string, name?: string): Promise<{ client: Client; identity: Identity | undefined }> => {
    const identity = name ? await join(server.url, session.id, token, name) : undefined
    const client = connect(server.url, session.id, token, identity)
    cleanup.push(() => client.destroy())
    await synced(client)
    return { client, identity }
  }
  return { server, session, syncUrl, logged, open }
}

type Opened = Awaited<ReturnType<typeof rawSocket>>
function track(socket: Opened): Opened {
  cleanup.push(() => socket.ws.terminate())
  return socket
}

const settle = () => new Promise((r) => setTimeout(r, 150))
const phaseOf = (c: Client) => c.doc.getMap(Root.session).get('phase')
const participantIdsOf = (c: Client) => new Set(Object.keys(c.doc.getMap(Root.participants).toJSON()))

/** The facilitator moves the group one phase at a time up to `target`. */
async function moveTo(fac: Client, watcher: Client, target: string): Promise<void> {
  const order = ['warmup', 'frame', 'collaborate', 'converge', 'split']
  for (const phase of order.slice(order.indexOf(phaseOf(fac) as string) + 1, order.indexOf(target) + 1)) {
    fac.doc.getMap(Root.session).set('phase', phase)
    await waitFor(() => phaseOf(watcher) === phase, `phase ${phase}`)
  }
}

const unownedTask = (id: string): Task => ({
  id, title: `Task ${id}`, ownerId: null, ownerName: null, ownerColor: null, ownerSource: null, status: 'todo', note: '', description: '', sourceShapeIds: [`shape:${id}`], createdAt: 1,
})

const updateFrame = (update: Uint8Array): Buffer => {
  const e = encoding.createEncoder()
  encoding.writeVarUint(e, MessageType.sync)
  encoding.writeVarUint(e, 2)
  encoding.writeVarUint8Array(e, update)
  return Buffer.from(encoding.toUint8Array(e))
}

/** One update adding ~`bytes` of tasks, as a facilitator converting a huge board would send. */
function bigTaskUpdate(bytes: number, tag: string): Uint8Array {
  const doc = new Y.Doc()
  const tasks = doc.getMap(Root.tasks)
  const perTask = 5_000
  doc.transact(() => {
    for (let i = 0; i < Math.ceil(bytes / perTask); i++) tasks.set(`${tag}_${i}`, { ...unownedTask(`${tag}_${i}`), note: 'x'.repeat(perTask - 200).slice(0, 4000), title: 'y'.repeat(800) })
  })
  const update = Y.encodeStateAsUpdate(doc)
  doc.destroy()
  return update
}

describe('anonymous sockets', () => {
  it('can neither vote nor claim: the server reverts both, for the sender and everyone else', async () => {
    const { session, open } = await setup()
    const { client: fac } = await open(session.tokens.facilitator, 'Host')
    const { client: memberA } = await open(session.tokens.participant, 'Member A')
    // The participant link with no participant id and key.
    const { client: anon } = await open(session.tokens.participant)
    await moveTo(fac, memberA, 'converge')

    // It learns its own `anon:` id from the presence echo every connection receives.
    anon.provider.awareness.setLocalStateField('user', { name: 'Nobody' })
    const anonId = await waitFor(() => (memberA.provider.awareness.getStates().get(anon.doc.clientID)?.user as { id?: string } | undefined)?.id, 'anonymous presence')
    expect(anonId).toMatch(/^anon:/)

    const key = `${anonId}|shape:a`
    anon.doc.getMap(Root.votes).set(key, 3)
    // The sender gets the revert too, so once its own copy is back, everyone's is.
    await waitFor(() => !anon.doc.getMap(Root.votes).has(key), 'anonymous vote reverted for the sender')
    await settle()
    expect(memberA.doc.getMap(Root.votes).has(key)).toBe(false)
    expect(fac.doc.getMap(Root.votes).toJSON()).toEqual({})

    // Reconnecting gives a fresh anonymous id, and the same answer.
    anon.provider.disconnect()
    anon.provider.connect()
    await waitFor(() => anon.provider.synced && anon.provider.wsconnected, 'anonymous reconnect')
    anon.provider.awareness.setLocalStateField('user', { name: 'Nobody again' })
    const secondId = await waitFor(() => {
      const id = (memberA.provider.awareness.getStates().get(anon.doc.clientID)?.user as { id?: string } | undefined)?.id
      return id !== anonId && id
    }, 'second anonymous id')
    anon.doc.getMap(Root.votes).set(`${secondId}|shape:a`, 3)
    await waitFor(() => !anon.doc.getMap(Root.votes).has(`${secondId}|shape:a`), 'second vote reverted')
    expect(tallyVotes(memberA.doc.getMap(Root.votes).toJSON() as Record<string, number>, participantIdsOf(memberA)).get('shape:a')).toBeUndefined()

    await moveTo(fac, memberA, 'split')
    fac.doc.getMap(Root.tasks).set('t1', unownedTask('t1'))
    await waitFor(() => anon.doc.getMap(Root.tasks).has('t1'), 'task arrives')
    anon.doc.getMap(Root.tasks).set('t1', { ...unownedTask('t1'), ownerId: secondId, ownerName: 'Nobody again (guest)', ownerColor: '#868e96', ownerSource: 'claim' })
    await waitFor(() => (anon.doc.getMap(Root.tasks).get('t1') as Task).ownerId === null, 'anonymous claim reverted for the sender')
    await settle()
    expect((memberA.doc.getMap(Root.tasks).get('t1') as Task).ownerId).toBeNull()
    // With its only task unowned, the split gate still holds.
    fac.doc.getMap(Root.session).set('phase', 'execute')
    await waitFor(() => phaseOf(fac) === 'split', 'split gate holds')
  })
})

describe('owner names and colours', () => {
  it('come from the participant record: forged claims and assignments are reverted, honest ones stand', async () => {
    const { session, open } = await setup()
    const { client: fac, identity: host } = await open(session.tokens.facilitator, 'Host')
    const { client: memberA, identity: a } = await open(session.tokens.participant, 'Member A')
    const { client: memberB } = await open(session.tokens.participant, 'Member B')
    await moveTo(fac, memberA, 'split')
    for (const id of ['t1', 't2']) fac.doc.getMap(Root.tasks).set(id, unownedTask(id))
    await waitFor(() => memberA.doc.getMap(Root.tasks).has('t2'), 'tasks arrive')
    const ownerOf = (c: Client, id: string) => c.doc.getMap(Root.tasks).get(id) as Task
    const me = { ownerId: a?.participantId as string, ownerName: 'Member A', ownerColor: a?.color as string }

    // Member A claims t1 but shows it as the facilitator's, in black.
    memberA.doc.getMap(Root.tasks).set('t1', { ...unownedTask('t1'), ...me, ownerName: 'Host', ownerColor: '#000000', ownerSource: 'claim' })
    await waitFor(() => ownerOf(memberA, 't1').ownerId === null, 'forged claim reverted')
    await settle()
    expect(ownerOf(memberB, 't1')).toMatchObject({ ownerId: null, ownerName: null, ownerColor: null })

    // The facilitator cannot write a made-up name either, nor give a task to someone who never joined.
    fac.doc.getMap(Root.tasks).set('t2', { ...unownedTask('t2'), ...me, ownerName: 'Somebody else', ownerSource: 'assign' })
    await waitFor(() => ownerOf(fac, 't2').ownerId === null, 'forged assignment reverted')
    fac.doc.getMap(Root.tasks).set('t2', { ...unownedTask('t2'), ownerId: 'p_nobody', ownerName: 'Nobody', ownerColor: host?.color, ownerSource: 'assign' })
    await waitFor(() => ownerOf(fac, 't2').ownerId === null, 'assignment to a stranger reverted')
    await settle()
    expect(ownerOf(memberB, 't2').ownerId).toBeNull()

    // As recorded: both stand.
    memberA.doc.getMap(Root.tasks).set('t1', { ...unownedTask('t1'), ...me, ownerSource: 'claim' })
    fac.doc.getMap(Root.tasks).set('t2', { ...unownedTask('t2'), ...me, ownerSource: 'assign' })
    await waitFor(() => ownerOf(memberB, 't1').ownerId === a?.participantId && ownerOf(memberB, 't2').ownerId === a?.participantId, 'honest owners')
    const record = memberB.doc.getMap(Root.participants).get(a?.participantId as string) as Participant
    expect(ownerOf(memberB, 't1')).toMatchObject({ ownerName: record.name, ownerColor: record.color })
  })
})

describe('room capacity by role', () => {
  it('gives viewers their own places: 200 viewer sockets leave the facilitator and participants able to join', async () => {
    const { session, syncUrl, open, logged } = await setup()
    const viewers: Opened[] = []
    for (let batch = 0; batch < 10; batch++) {
      viewers.push(...(await Promise.all(Array.from({ length: 20 }, () => rawSocket(syncUrl(session.tokens.viewer)).then(track)))))
    }
    const refused = await Promise.all(viewers.map((v) => Promise.race([v.closed, new Promise<null>((r) => setTimeout(() => r(null), 1_000))])))
    const open50 = refused.filter((c) => c === null).length
    expect(open50).toBe(50)
    // The 51st and every viewer after it: the viewer-capacity code, before any document byte.
    expect(refused[50]).toMatchObject({ code: CloseCode.viewersFull })
    expect(refused.slice(50).every((c) => c?.code === CloseCode.viewersFull)).toBe(true)
    expect(viewers.slice(50).every((v) => v.messages.length === 0)).toBe(true)
    expect(logged('sync.refused')).toBe(true)

    const { client: fac } = await open(session.tokens.facilitator, 'Host')
    const { client: member } = await open(session.tokens.participant, 'Member A')
    expect(fac.provider.wsconnected && member.provider.wsconnected).toBe(true)
  })

  it('never refuses the facilitator, and viewers never take participants’ places', async () => {
    const { session, syncUrl, open } = await setup({ maxConnectionsPerRoom: 2, maxViewersPerRoom: 1 })
    const members = [await rawSocket(syncUrl(session.tokens.participant)), await rawSocket(syncUrl(session.tokens.participant))].map(track)
    const third = track(await rawSocket(syncUrl(session.tokens.participant)))
    expect((await third.closed).code).toBe(CloseCode.roomFull)
    // A full room of participants still takes a viewer (its own cap) and any number of facilitator sockets.
    const viewer = track(await rawSocket(syncUrl(session.tokens.viewer)))
    const secondViewer = track(await rawSocket(syncUrl(session.tokens.viewer)))
    expect((await secondViewer.closed).code).toBe(CloseCode.viewersFull)
    const { client: fac } = await open(session.tokens.facilitator, 'Host')
    const { client: fac2 } = await open(session.tokens.facilitator, 'Host on a second screen')
    expect(fac.provider.wsconnected && fac2.provider.wsconnected).toBe(true)
    for (const s of [...members, viewer]) expect(s.ws.readyState).toBe(WebSocket.OPEN)
  })
})

describe('byte rate', () => {
  it('closes a connection that writes ~1 MB updates at full rate with 4429, and lets a single large paste through', async () => {
    const { server, session, syncUrl, logged } = await setup()
    const room = await server.rooms.get(session.id)
    // Ordinary use: one large update (a big paste) and the connection stays.
    const paste = track(await rawSocket(syncUrl(session.tokens.facilitator)))
    paste.ws.send(updateFrame(bigTaskUpdate(900_000, 'paste')))
    await waitFor(() => room.doc.getMap(Root.tasks).has('paste_0'), 'large update applied')

    const flood = track(await rawSocket(syncUrl(session.tokens.facilitator)))
    const frames = Array.from({ length: 10 }, (_, i) => updateFrame(bigTaskUpdate(900_000, `flood${i}`)))
    expect(frames[0]?.length).toBeGreaterThan(850_000)
    for (const f of frames) flood.ws.send(f)
    const { code, reason } = await flood.closed
    expect(code).toBe(CloseCode.rateLimited)
    expect(reason).toMatch(/too fast/)
    expect(logged('sync.byte_rate_limited')).toBe(true)
    // It got no further than the burst allows (4 MiB, at 1 MiB/s).
    expect(room.doc.getMap(Root.tasks).has('flood9_0')).toBe(false)
    expect(paste.ws.readyState).toBe(WebSocket.OPEN)
  })
})

describe('quotas', () => {
  it('limits session creation across all addresses (MAX_SESSIONS_PER_HOUR), answering 429 with a sentence', async () => {
    expect(loadConfig({ MAX_SESSIONS_PER_HOUR: '7' }).maxSessionsPerHour).toBe(7)
    expect(loadConfig({}).maxSessionsPerHour).toBe(600)
    const { server, logged } = await setup({ maxSessionsPerHour: 3 })
    await createSession(server.url)
    await createSession(server.url)
    const res = await fetch(`${server.url}/api/sessions`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ title: 'One too many' }) })
    expect(res.status).toBe(429)
    expect(Number(res.headers.get('retry-after'))).toBeGreaterThan(0)
    const body = (await res.json()) as { error: { code: string; message: string } }
    expect(body.error.code).toBe('tooManySessions')
    expect(body.error.message).toMatch(/limit of 3 sessions this hour; try again in \d+ minutes?\./)
    expect(logged('session.create_quota')).toBe(true)
  })

  it('never records a viewer as a participant, and a viewer still watches as a guest', async () => {
    const { server, session, open } = await setup()
    const { client: fac, identity: host } = await open(session.tokens.facilitator, 'Host')
    const post = (body: unknown) =>
      fetch(`${server.url}/api/sessions/${session.id}/participants`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', authorization: `Bearer ${session.tokens.viewer}` },
        body: JSON.stringify(body),
      })
    for (let i = 0; i < 5; i++) {
      const res = await post({ name: `Ghost ${i}` })
      expect(res.status).toBe(403)
      const { error } = (await res.json()) as { error: { code: string; message: string } }
      expect(error.code).toBe('forbidden')
      expect(error.message).toMatch(/view-only link cannot join/)
    }
    // Not even with a real participant's id and key: their record keeps its role.
    expect((await post({ name: 'Host', participantId: host?.participantId, participantKey: host?.participantKey })).status).toBe(403)
    const records = (await server.rooms.get(session.id)).doc.getMap(Root.participants).toJSON() as Record<string, Participant>
    expect(Object.values(records).map((p) => [p.name, p.role])).toEqual([['Host', 'facilitator']])

    const { client: viewer } = await open(session.tokens.viewer)
    viewer.provider.awareness.setLocalStateField('user', { name: 'Watcher' })
    const seen = await waitFor(() => fac.provider.awareness.getStates().get(viewer.doc.clientID)?.user as { name: string } | undefined, 'viewer presence')
    expect(seen.name).toMatch(/^Watcher.*guest/)
    expect(phaseOf(viewer)).toBe('warmup')
  })

  it('caps distinct participants per session (MAX_PARTICIPANTS_PER_SESSION); rejoining always works', async () => {
    const { server, session } = await setup({ maxParticipantsPerSession: 3 })
    const first = await join(server.url, session.id, session.tokens.participant, 'Member A')
    await join(server.url, session.id, session.tokens.facilitator, 'Host')
    await join(server.url, session.id, session.tokens.participant, 'Member B')
    const joinAs = (body: Record<string, unknown>) =>
      fetch(`${server.url}/api/sessions/${session.id}/participants`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', authorization: `Bearer ${session.tokens.participant}` },
        body: JSON.stringify(body),
      })
    const fourth = await joinAs({ name: 'Member C' })
    expect(fourth.status).toBe(409)
    const { error } = (await fourth.json()) as { error: { code: string; message: string } }
    expect(error).toMatchObject({ code: 'sessionFull', message: expect.stringMatching(/limit of 3 participants/) })
    // An existing participant comes back (a reload, a new name) whatever the count.
    const again = await joinAs({ name: 'Member A, renamed', participantId: first.participantId, participantKey: first.participantKey })
    expect(again.status).toBe(200)
    expect(((await again.json()) as Identity).participantId).toBe(first.participantId)
    expect((await server.rooms.get(session.id)).doc.getMap(Root.participants).size).toBe(3)
  })

  it('rate-limits joins per address (JOINS_PER_MINUTE_PER_ADDRESS)', async () => {
    const { server, session } = await setup({ joinsPerMinutePerAddress: 5 })
    for (let i = 0; i < 5; i++) await join(server.url, session.id, session.tokens.participant, `Member ${i}`)
    const res = await fetch(`${server.url}/api/sessions/${session.id}/participants`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${session.tokens.participant}` },
      body: JSON.stringify({ name: 'Member 6' }),
    })
    expect(res.status).toBe(429)
    const { error } = (await res.json()) as { error: { code: string; message: string } }
    expect(error).toMatchObject({ code: 'rateLimited', message: expect.stringMatching(/^Too many joins from your address; try again in/) })
    expect((await server.rooms.get(session.id)).doc.getMap(Root.participants).size).toBe(5)
  })
})

describe('websocket origins', () => {
  /** Opens the socket with these Origin and Host headers; the close code, or 'open' once the server speaks. */
  async function attempt(url: string, origin: string, host?: string): Promise<number | 'open'> {
    const socket = track(await rawSocket(url, { origin, ...(host ? { host } : {}) }))
    let code: number | null = null
    void socket.closed.then((c) => (code = c.code))
    return waitFor(() => code ?? (socket.messages.length > 0 && ('open' as const)), origin)
  }

  it('refuses a page on a foreign host name even when Host agrees with Origin (DNS rebinding); loopback and IP-literal origins work', async () => {
    const { server, session, syncUrl } = await setup()
    const url = syncUrl(session.tokens.participant)
    const port = new URL(server.url).port
    for (const [origin, host] of [
      ['http://evil.example:8080', 'evil.example:8080'],
      [`http://evil.example:${port}`, `evil.example:${port}`],
      ['https://evil.example', 'evil.example'],
      ['http://localhost.evil.example', 'localhost.evil.example'],
      ['http://10.9.8.6:8080', '10.9.8.7:8080'],
      ['null', `127.0.0.1:${port}`],
    ] as const) {
      expect(await attempt(url, origin, host), `${origin} with Host ${host}`).toBe(CloseCode.forbiddenOrigin)
    }
    for (const [origin, host] of [
      [server.url, undefined],
      ['http://localhost:5173', undefined],
      ['http://127.0.0.1:1', undefined],
      ['https://localhost', 'localhost'],
      ['http://[::1]:9000', undefined],
      // Opened by address, without PUBLIC_URL: no DNS name can be this origin.
      ['http://10.9.8.7:8080', '10.9.8.7:8080'],
      ['http://[fd00::7]:8080', '[fd00::7]:8080'],
    ] as const) {
      expect(await attempt(url, origin, host), `${origin} with Host ${host}`).toBe('open')
    }
  })

  it('with PUBLIC_URL, trusts that origin, ALLOWED_ORIGINS and loopback, not the Host header', async () => {
    const { server, session, syncUrl } = await setup({ publicUrl: 'https://board.example', allowedOrigins: ['https://other.example'] })
    const url = syncUrl(session.tokens.participant)
    for (const origin of ['https://board.example', 'https://other.example', server.url, 'http://localhost:5173']) {
      expect(await attempt(url, origin), origin).toBe('open')
    }
    for (const [origin, host] of [
      ['http://board.example', 'board.example'],
      ['http://10.9.8.7:8080', '10.9.8.7:8080'],
      ['https://evil.example', 'evil.example'],
    ] as const) {
      expect(await attempt(url, origin, host), `${origin} with Host ${host}`).toBe(CloseCode.forbiddenOrigin)
    }
  })
})
