// Trust at the boundary, against a real server: roles on every route, presence that cannot be
// spoofed, limits that close with their code and a log line, a slow client that cannot hold others
// back, origins, token-free logs, security headers and validated HTTP bodies.
import { describe, expect, it } from 'vitest'
import WebSocket from 'ws'
import * as Y from 'yjs'
import * as encoding from 'lib0/encoding'
import { CloseCode, MessageType, Root, SESSION_ID_PATTERN } from '@sandbox/shared'
import type { Config } from './config.ts'
import { awarenessFrameOf, sessionWithLog, connect, craftUpdates, createSession, join, putSticky, rawSocket, stickyMap, synced, waitFor, wsBase, type Client, type Identity } from './testing/harness.ts'
import { teardownAfterEach } from './testing/teardown.ts'

const cleanup = teardownAfterEach()

/** A server whose log lines (at trace level, with the production redaction) land in `lines`. */
const setup = (overrides: Partial<Config> = {}) => sessionWithLog((step) => cleanup.push(step), overrides)

function track(client: Client): Client {
  cleanup.push(() => client.destroy())
  return client
}

const frame = (write: (e: encoding.Encoder) => void): Buffer => {
  const e = encoding.createEncoder()
  write(e)
  return Buffer.from(encoding.toUint8Array(e))
}
const awarenessFrame = awarenessFrameOf
const updateFrame = (update: Uint8Array) =>
  frame((e) => {
    encoding.writeVarUint(e, MessageType.sync)
    encoding.writeVarUint(e, 2)
    encoding.writeVarUint8Array(e, update)
  })
const probe = Buffer.from([MessageType.queryAwareness])

/** Updates made by a throwaway client on top of the room's current state. */
const craft = craftUpdates

describe('identity and roles', () => {
  it('issues session ids and tokens with at least 128 random bits', async () => {
    const { server } = await setup()
    const seen = new Set<string>()
    for (let i = 0; i < 5; i++) {
      const s = await createSession(server.url)
      expect(s.id).toMatch(SESSION_ID_PATTERN)
      // base64url: 6 bits per character.
      expect(s.id.length * 6).toBeGreaterThanOrEqual(128)
      for (const token of Object.values(s.tokens)) {
        expect(token).toMatch(/^[A-Za-z0-9_-]+$/)
        expect(token.length * 6).toBeGreaterThanOrEqual(128)
        seen.add(token)
      }
      seen.add(s.id)
    }
    expect(seen.size).toBe(20)
  })

  it('checks the token on every session route: 401 without or with a wrong one, 404 for an unknown session', async () => {
    const { server, session } = await setup()
    // Every route under /api/sessions/:id is listed here; a new one fails this test until it is.
    const sessionRoutes = [...server.http.printRoutes({ commonPrefix: false }).matchAll(/── \/([\w-]+) \(/g)].map((m) => m[1]).sort()
    expect(sessionRoutes).toEqual(['assets', 'balance', 'balance', 'carry-over', 'chat', 'follow-up', 'links', 'participants', 'post', 'previous-tasks', 'series', 'state', 'tasks', 'timeline', 'updates'])
    const requests: [string, string][] = [
      ['GET', ''],
      ['GET', '/links'],
      ['POST', '/participants'],
      ['GET', '/tasks?format=csv'],
      ['GET', '/timeline'],
      ['GET', `/state?at=${Date.now()}`],
      ['GET', '/updates'],
      ['POST', '/assets'],
      ['GET', `/assets/${'0'.repeat(64)}`],
      ['POST', '/follow-up'],
      ['GET', '/series'],
      ['GET', '/previous-tasks'],
      ['POST', '/carry-over'],
      ['GET', '/series/balance'],
      ['GET', '/balance'],
      ['GET', '/chat'],
      ['PUT', '/chat'],
      ['POST', '/chat/post'],
    ]
    const call = (method: string, id: string, suffix: string, auth?: string) =>
      fetch(`${server.url}/api/sessions/${id}${suffix}`, {
        method,
        headers: { 'content-type': 'application/json', ...(auth ? { authorization: auth } : {}) },
        ...(method !== 'GET' ? { body: JSON.stringify(suffix === '/participants' ? { name: 'Member X' } : {}) } : {}),
      })
    for (const [method, suffix] of requests) {
      for (const auth of [undefined, 'Bearer wrong', `Bearer ${session.tokens.participant}x`, `Basic ${session.tokens.participant}`]) {
        const res = await call(method, session.id, suffix, auth)
        expect(res.status, `${method} ${suffix} with ${auth}`).toBe(401)
        const body = (await res.json()) as { error: { code: string; message: string } }
        expect(body.error.code).toBe('unauthorized')
        expect(body.error.message).toMatch(/token/)
      }
      expect((await call(method, 'AAAAAAAAAAAAAAAAAAAAAA', suffix, `Bearer ${session.tokens.facilitator}`)).status).toBe(404)
      // A viewer reads every route but the chat's (the facilitator's alone); it cannot join as a
      // participant (access.integration.test.ts).
      const asViewer = (await call(method, session.id, suffix, `Bearer ${session.tokens.viewer}`)).status
      if (method !== 'GET' || suffix === '/chat') expect(asViewer, `${method} ${suffix} as viewer`).toBe(403)
      else if (suffix.startsWith('/assets/')) expect(asViewer, 'an asset that does not exist').toBe(404)
      else expect(asViewer, `${method} ${suffix} as viewer`).toBeLessThan(300)
    }
  })

  it('refuses websockets without a valid token before any document bytes, and keeps a viewer read-only', async () => {
    const { server, session, syncUrl } = await setup()
    for (const url of [syncUrl(''), syncUrl('nope'), syncUrl(`${session.tokens.facilitator}A`), `${wsBase(server.url)}/${session.id}`]) {
      const { messages, closed } = await rawSocket(url)
      expect((await closed).code).toBe(CloseCode.unauthorized)
      expect(messages).toHaveLength(0)
    }
    // A raw viewer writing directly: dropped, never stored, never seen.
    const viewer = await rawSocket(syncUrl(session.tokens.viewer))
    const seqBefore = await server.storage.lastSeq(session.id)
    const room = await server.rooms.get(session.id)
    for (const u of craft(room.doc, (d) => d.getMap(Root.records).set('shape:by-viewer', stickyMap('shape:by-viewer')))) viewer.ws.send(updateFrame(u))
    viewer.ws.send(probe)
    await waitFor(() => viewer.messages.length >= 2, 'viewer probe answered')
    await server.persister.flush()
    expect(room.doc.getMap(Root.records).has('shape:by-viewer')).toBe(false)
    expect(await server.storage.lastSeq(session.id)).toBe(seqBefore)
    viewer.ws.close()
  })

  it('drops the part of an update whose dependencies are missing, so it can never go live with someone else’s write', async () => {
    const { server, session, syncUrl, logged } = await setup()
    const room = await server.rooms.get(session.id)
    // Two edits in a row; the second depends on the first. Only the second is sent.
    const [first, second] = craft(room.doc, (d) => {
      const sticky = stickyMap('shape:chain')
      d.getMap(Root.records).set('shape:chain', sticky)
      sticky.set('xy', [666, 666])
    }) as [Uint8Array, Uint8Array]
    const { ws, messages } = await rawSocket(syncUrl(session.tokens.participant))
    const before = messages.length
    ws.send(updateFrame(second))
    // Nothing of it stays pending; the sender is asked for all it has (a sync step 1), not closed:
    // after a reconnect this is an ordinary client whose edit overtook the step 2 it owed.
    await waitFor(() => messages.slice(before).some((m) => m[0] === MessageType.sync && m[1] === 0), 'a sync step 1 asking for the rest')
    expect(logged('update.resync')).toBe(true)
    expect(room.doc.store.pendingStructs).toBeNull()
    expect(ws.readyState).toBe(WebSocket.OPEN)
    // When the missing part arrives later, the planted part does not come back with it.
    const other = await rawSocket(syncUrl(session.tokens.participant))
    other.ws.send(updateFrame(first))
    other.ws.send(probe)
    await waitFor(() => room.doc.getMap(Root.records).has('shape:chain'), 'first edit applied')
    expect((room.doc.getMap(Root.records).get('shape:chain') as Y.Map<unknown>).get('xy')).toEqual([0, 0])
    other.ws.close()
    ws.close()
  })
})

describe('presence', () => {
  it('drops awareness frames that speak for another connection’s client and takes names from the server', async () => {
    const { server, session, syncUrl } = await setup()
    const memberA: Identity = await join(server.url, session.id, session.tokens.participant, 'Member A')
    const spoofer: Identity = await join(server.url, session.id, session.tokens.participant, 'Spoofer')
    const a = track(connect(server.url, session.id, session.tokens.participant, memberA))
    const observer = track(connect(server.url, session.id, session.tokens.viewer))
    await Promise.all([synced(a), synced(observer)])
    a.provider.awareness.setLocalStateField('presence', { cursor: { x: 1, y: 1 } })
    const annId = a.doc.clientID
    await waitFor(() => observer.provider.awareness.getStates().get(annId)?.presence, 'memberA visible')

    const evil = await rawSocket(syncUrl(session.tokens.participant, `&pid=${spoofer.participantId}&pkey=${spoofer.participantKey}`))
    const myId = 424242
    evil.ws.send(awarenessFrame([{ clientId: annId, clock: 1_000, state: { presence: { cursor: { x: 666, y: 666 } }, user: { name: 'Member A' } } }]))
    evil.ws.send(awarenessFrame([{ clientId: annId, clock: 1_001, state: null }]))
    // Spoofer's own state, claiming to be Member A with Member A's colour; sent last, so once the observer
    // sees it, the spoofed frames before it have been handled.
    evil.ws.send(awarenessFrame([{ clientId: myId, clock: 1, state: { marker: true, user: { name: 'Member A', color: memberA.color, id: memberA.participantId } } }]))
    await waitFor(() => observer.provider.awareness.getStates().get(myId)?.marker, 'spoofer visible')
    expect(observer.provider.awareness.getStates().get(annId)?.presence).toEqual({ cursor: { x: 1, y: 1 } })
    expect(observer.provider.awareness.getStates().get(myId)?.user).toMatchObject({ id: spoofer.participantId, name: 'Spoofer', color: spoofer.color })
    expect((await server.rooms.get(session.id)).awareness.getStates().get(annId)?.presence).toEqual({ cursor: { x: 1, y: 1 } })

    // A guest (no participant key) cannot borrow a participant's colour or id either.
    const guest = await rawSocket(syncUrl(session.tokens.participant))
    guest.ws.send(awarenessFrame([{ clientId: 777, clock: 1, state: { user: { name: 'Member A', color: memberA.color, id: memberA.participantId } } }]))
    const seen = await waitFor(() => observer.provider.awareness.getStates().get(777)?.user as { name: string; color: string; id: string } | undefined, 'guest')
    expect(seen.name).toBe('Member A (guest)')
    expect(seen.color).not.toBe(memberA.color)
    expect(seen.id).not.toBe(memberA.participantId)
    // Closing Spoofer's socket removes only what Spoofer introduced.
    evil.ws.close()
    await waitFor(() => !observer.provider.awareness.getStates().has(myId), 'spoofer gone')
    expect(observer.provider.awareness.getStates().has(annId)).toBe(true)
    guest.ws.close()
  })
})

describe('limits', () => {
  it('closes a connection that sends a frame over MAX_MESSAGE_BYTES (ws 1009) and logs it', async () => {
    const { session, syncUrl, logged } = await setup({ maxMessageBytes: 64 * 1024 })
    const ok = await rawSocket(syncUrl(session.tokens.participant))
    const { ws, closed } = await rawSocket(syncUrl(session.tokens.participant))
    ws.send(Buffer.alloc(64 * 1024 + 1))
    expect((await closed).code).toBe(1009)
    await waitFor(() => logged('sync.message_too_large'), 'log line')
    expect(ok.ws.readyState).toBe(WebSocket.OPEN)
    ok.ws.close()
  })

  it('closes a connection that sends faster than its rate limit', async () => {
    const { session, syncUrl, logged } = await setup({ messagesPerSecond: 20, messageBurst: 20 })
    const { ws, closed } = await rawSocket(syncUrl(session.tokens.participant))
    for (let i = 0; i < 100; i++) ws.send(probe)
    expect((await closed).code).toBe(CloseCode.rateLimited)
    expect(logged('sync.rate_limited')).toBe(true)
  })

  it('refuses a participant connection beyond the room cap', async () => {
    const { session, syncUrl, logged } = await setup({ maxConnectionsPerRoom: 2 })
    const one = await rawSocket(syncUrl(session.tokens.participant))
    const two = await rawSocket(syncUrl(session.tokens.participant))
    const three = await rawSocket(syncUrl(session.tokens.participant))
    expect((await three.closed).code).toBe(CloseCode.roomFull)
    expect(three.messages).toHaveLength(0)
    expect(logged('sync.refused')).toBe(true)
    one.ws.close()
    await one.closed
    const four = await rawSocket(syncUrl(session.tokens.participant))
    four.ws.send(probe)
    await waitFor(() => four.messages.length > 0, 'a place freed up')
    for (const s of [two, four]) s.ws.close()
  })

  it('refuses an update that would take the document past MAX_DOC_BYTES, without storing it', async () => {
    const { server, session, syncUrl, logged } = await setup()
    const room = await server.rooms.get(session.id)
    // Set the cap just above what the room holds now.
    ;(room as unknown as { deps: { limits: { maxDocBytes: number } } }).deps.limits.maxDocBytes = Y.encodeStateAsUpdate(room.doc).length + 4_000
    const small = await rawSocket(syncUrl(session.tokens.participant))
    for (const u of craft(room.doc, (d) => d.getMap(Root.records).set('shape:small', stickyMap('shape:small', 'x'.repeat(500))))) small.ws.send(updateFrame(u))
    await waitFor(() => room.doc.getMap(Root.records).has('shape:small'), 'small update applied')
    const { ws, closed } = await rawSocket(syncUrl(session.tokens.participant))
    for (const u of craft(room.doc, (d) => d.getMap(Root.records).set('shape:big', stickyMap('shape:big', 'x'.repeat(10_000))))) ws.send(updateFrame(u))
    expect((await closed).code).toBe(CloseCode.documentTooLarge)
    expect(logged('room.doc_too_large')).toBe(true)
    await server.persister.flush()
    const replay = new Y.Doc()
    for (const u of (await server.storage.updatesAfter(session.id, 0))) Y.applyUpdate(replay, u.update)
    expect(replay.getMap(Root.records).has('shape:big')).toBe(false)
    expect(replay.getMap(Root.records).has('shape:small')).toBe(true)
    small.ws.close()
  })

  it('disconnects a client that stops reading, while the others keep up', async () => {
    // The writer sends 16 MB in well under a second: far past the byte rate, which is not what this tests.
    const { server, session, syncUrl, logged } = await setup({ slowClientBytes: 256 * 1024, bytesPerSecond: 256 * 1024 * 1024, burstBytes: 256 * 1024 * 1024 })
    const room = await server.rooms.get(session.id)
    const writer = track(connect(server.url, session.id, session.tokens.participant, undefined, { ack: '1' }))
    const reader = track(connect(server.url, session.id, session.tokens.participant))
    let acked = 0
    writer.provider.messageHandlers[MessageType.saved] = () => void acked++
    await Promise.all([synced(writer), synced(reader)])
    const slow = await rawSocket(syncUrl(session.tokens.participant))
    await waitFor(() => room.connections.size === 3, 'three connections')
    // Stop reading: the kernel buffers fill, then the server's send buffer grows.
    ;(slow.ws as unknown as { _socket: import('node:net').Socket })._socket.pause()

    const started = performance.now()
    const N = 80
    for (let i = 0; i < N; i++) {
      // Large but valid stickies (a record may hold up to 128 KiB).
      putSticky(writer.doc, `shape:big${i}`, `${i}`, { meta: { pad: `${i}`.padEnd(100_000, '.') } })
      await new Promise((r) => setTimeout(r, 2))
    }
    await waitFor(() => reader.doc.getMap(Root.records).has(`shape:big${N - 1}`), 'reader keeps up', 30_000)
    const readerMs = performance.now() - started
    await waitFor(() => logged('sync.slow_client'), 'slow client noticed', 15_000)
    await waitFor(() => room.connections.size === 2, 'slow client removed', 15_000)
    await waitFor(() => acked > 0 && writer.provider.wsconnected, 'writer still acknowledged', 15_000)
    console.log(`slow client: ${N} × 100 kB fanned out to the fast reader in ${readerMs.toFixed(0)} ms while the slow one was cut off`)
    slow.ws.terminate()
  })
})

describe('origins, logs and HTTP', () => {
  it('accepts the server’s own origin and ALLOWED_ORIGINS, refuses others before any bytes', async () => {
    const { server, session, syncUrl, logged } = await setup({ allowedOrigins: ['https://board.example'] })
    for (const origin of [server.url, 'https://board.example']) {
      const { ws, messages } = await rawSocket(syncUrl(session.tokens.participant), { origin })
      await waitFor(() => messages.length > 0, `${origin} accepted`)
      ws.close()
    }
    for (const origin of ['http://evil.example', 'null', 'https://board.example.evil.example', server.url.replace('127.0.0.1', 'localhost.evil')]) {
      const { messages, closed } = await rawSocket(syncUrl(session.tokens.participant), { origin })
      expect((await closed).code, origin).toBe(CloseCode.forbiddenOrigin)
      expect(messages).toHaveLength(0)
    }
    expect(logged('sync.refused')).toBe(true)
  })

  it('never writes a token or participant key to the log', async () => {
    const { server, session, lines, syncUrl } = await setup()
    const identity = await join(server.url, session.id, session.tokens.participant, 'Member A')
    const c = track(connect(server.url, session.id, session.tokens.participant, identity, { ack: '1' }))
    c.provider.messageHandlers[MessageType.saved] = () => {}
    const f = track(connect(server.url, session.id, session.tokens.facilitator))
    await Promise.all([synced(c), synced(f)])
    c.doc.getMap(Root.records).set('shape:x', new Y.Map())
    for (const path of ['', '/tasks?format=md', '/timeline', `/state?at=${Date.now()}`, '/updates', '/nope']) {
      await fetch(`${server.url}/api/sessions/${session.id}${path}`, { headers: { authorization: `Bearer ${session.tokens.viewer}` } })
      await fetch(`${server.url}/api/sessions/${session.id}${path}${path.includes('?') ? '&' : '?'}token=${session.tokens.facilitator}`)
    }
    await fetch(`${server.url}/api/sessions/${session.id}/participants`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${session.tokens.participant}` },
      body: `{"name": "x", "participantKey": "${identity.participantKey}", "oops`,
    })
    // Refusals log too: a wrong token, a wrong key, a wrong origin.
    await (await rawSocket(syncUrl(`${session.tokens.participant}zz`))).closed
    await (await rawSocket(syncUrl(session.tokens.participant, `&pid=${identity.participantId}&pkey=${identity.participantKey}x`))).closed
    await (await rawSocket(syncUrl(session.tokens.viewer), { origin: 'http://evil.example' })).closed
    await rawSocket(`${wsBase(server.url)}/%E0%A4%A?token=${session.tokens.viewer}`).catch(() => null)
    c.destroy()
    f.destroy()
    await waitFor(() => lines.some((l) => l.includes('sync.closed')), 'closes logged')
    const text = lines.join('')
    expect(lines.length).toBeGreaterThan(8)
    for (const secret of [...Object.values(session.tokens), identity.participantKey]) expect(text).not.toContain(secret)
  })

  it('sends security headers on pages, API answers and errors', async () => {
    const { server } = await setup()
    for (const path of ['/', '/api/config', '/healthz', '/api/sessions/nope', '/missing']) {
      const res = await fetch(`${server.url}${path}`)
      const csp = res.headers.get('content-security-policy') ?? ''
      expect(csp, path).toContain("default-src 'self'")
      expect(csp, path).toContain("frame-ancestors 'none'")
      expect(csp, path).toContain("connect-src 'self'")
      expect(csp, path).not.toMatch(/\*|https?:/)
      expect(res.headers.get('x-content-type-options'), path).toBe('nosniff')
      expect(res.headers.get('x-frame-options'), path).toBeTruthy()
      expect(res.headers.get('referrer-policy'), path).toBeTruthy()
    }
  })

  it('answers bad bodies and queries with 400 and a message, oversized bodies with 413', async () => {
    const { server, session } = await setup()
    const post = (path: string, body: string, headers: Record<string, string> = {}) =>
      fetch(`${server.url}${path}`, { method: 'POST', headers: { 'content-type': 'application/json', ...headers }, body })
    const cases: [Promise<Response>, number][] = [
      [post('/api/sessions', '{"title": '), 400],
      [post('/api/sessions', '[]'), 400],
      [post('/api/sessions', '{"title": 42}'), 400],
      [post('/api/sessions', '{"title": "   "}'), 400],
      [post('/api/sessions', JSON.stringify({ title: 'x'.repeat(201) })), 400],
      [post('/api/sessions', ''), 400],
      [post('/api/sessions', JSON.stringify({ title: 'x'.repeat(200_000) })), 413],
      [post(`/api/sessions/${session.id}/participants`, '{"name": ["a"]}', { authorization: `Bearer ${session.tokens.participant}` }), 400],
      [post(`/api/sessions/${session.id}/participants`, '{"name": "   "}', { authorization: `Bearer ${session.tokens.participant}` }), 400],
      [fetch(`${server.url}/api/sessions/${session.id}/tasks?format=exe`, { headers: { authorization: `Bearer ${session.tokens.participant}` } }), 400],
      [fetch(`${server.url}/api/sessions/${session.id}/state?at=yesterday`, { headers: { authorization: `Bearer ${session.tokens.participant}` } }), 400],
    ]
    for (const [i, [pending, status]] of cases.entries()) {
      const res = await pending
      expect(res.status, `case ${i}`).toBe(status)
      const body = (await res.json()) as { error: { code: string; message: string } }
      expect(body.error.message.length, `case ${i}`).toBeGreaterThan(5)
      expect(body.error.code).toBeTruthy()
    }
    // A body that is not JSON (a cross-site "simple" request) is refused the same way.
    const text = await fetch(`${server.url}/api/sessions`, { method: 'POST', headers: { 'content-type': 'text/plain' }, body: 'title' })
    expect(text.status).toBe(400)
    expect(((await text.json()) as { error: { message: string } }).error.message).toBeTruthy()
  })
})
