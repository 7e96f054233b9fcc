// Inviting people: each role gets its links back from GET /links (a facilitator all three, derived
// from their token), the derived tokens open the board with the right role, and a second person
// cannot take a name someone in the session already has.
import { describe, expect, it } from 'vitest'
import { randomId, Root, TOKEN_BYTES } from '@sandbox/shared'
import { hashToken } from './auth/tokens.ts'
import { connect, createSession, join, putSticky, startServer, synced, waitFor, type Client, type Identity } from './testing/harness.ts'
import { teardownAfterEach } from './testing/teardown.ts'

const cleanup = teardownAfterEach()

type Links = { role: string; joinUrl?: string; viewUrl?: string; facilitatorUrl?: string; derivable?: boolean }

async function setup() {
  const server = await startServer()
  cleanup.push(() => server.close())
  const session = await createSession(server.url, 'Invite test')
  const links = (token: string, id = session.id) =>
    fetch(`${server.url}/api/sessions/${id}/links`, { headers: { authorization: `Bearer ${token}` } })
  const open = async (token: string): Promise<Client> => {
    const client = connect(server.url, session.id, token)
    cleanup.push(() => client.destroy())
    await synced(client)
    return client
  }
  return { server, session, links, open }
}

const tokenOf = (url: string | undefined): string => new URL(url ?? 'http://x/').searchParams.get('token') ?? ''
const settle = () => new Promise((r) => setTimeout(r, 200))

describe('GET /api/sessions/:id/links', () => {
  it('gives the facilitator all three links, the same ones the session was created with', async () => {
    const { session, links } = await setup()
    const res = await links(session.tokens.facilitator)
    expect(res.status).toBe(200)
    expect(res.headers.get('cache-control')).toBe('no-store')
    expect(await res.json()).toEqual({
      role: 'facilitator',
      derivable: true,
      joinUrl: session.joinUrl,
      viewUrl: session.viewUrl,
      facilitatorUrl: session.facilitatorUrl,
    })
  })

  it('gives a participant only the join link and a viewer only the view link', async () => {
    const { session, links } = await setup()
    expect(await (await links(session.tokens.participant)).json()).toEqual({ role: 'participant', joinUrl: session.joinUrl })
    expect(await (await links(session.tokens.viewer)).json()).toEqual({ role: 'viewer', viewUrl: session.viewUrl })
  })

  it('answers 401 for a wrong or missing token and 404 for an unknown session', async () => {
    const { server, session, links } = await setup()
    for (const token of [`${session.tokens.facilitator}x`, session.tokens.facilitator.slice(1), '']) {
      const res = await links(token)
      expect(res.status).toBe(401)
      expect(((await res.json()) as { error: { code: string } }).error.code).toBe('unauthorized')
    }
    expect((await fetch(`${server.url}/api/sessions/${session.id}/links`)).status).toBe(401)
    const unknown = await links(session.tokens.facilitator, randomId(16))
    expect(unknown.status).toBe(404)
  })

  it('says the other links are not derivable for a session whose tokens were all random', async () => {
    const { server, links } = await setup()
    const tokens = { participant: randomId(TOKEN_BYTES), facilitator: randomId(TOKEN_BYTES), viewer: randomId(TOKEN_BYTES) }
    const id = randomId(16)
    await server.rooms.createSession({
      id,
      title: 'Before derivation',
      createdAt: Date.now(),
      tokenHashes: { participant: hashToken(tokens.participant), facilitator: hashToken(tokens.facilitator), viewer: hashToken(tokens.viewer) },
    })
    const body = (await (await links(tokens.facilitator, id)).json()) as Links
    expect(body).toEqual({ role: 'facilitator', derivable: false, facilitatorUrl: `${server.url}/s/${id}?token=${tokens.facilitator}` })
    // A participant of that session still gets their own link.
    expect(((await (await links(tokens.participant, id)).json()) as Links).joinUrl).toBe(`${server.url}/s/${id}?token=${tokens.participant}`)
  })

  it('hands out tokens that open the board with their role', async () => {
    const { server, session, links, open } = await setup()
    const body = (await (await links(session.tokens.facilitator)).json()) as Links
    const participantToken = tokenOf(body.joinUrl)
    const viewerToken = tokenOf(body.viewUrl)
    // Derived tokens are as long as random ones: 192 bits, in the same alphabet.
    for (const token of [participantToken, viewerToken]) expect(token).toMatch(/^[A-Za-z0-9_-]{32}$/)
    expect(new Set([participantToken, viewerToken, session.tokens.facilitator]).size).toBe(3)

    for (const [token, role] of [
      [participantToken, 'participant'],
      [viewerToken, 'viewer'],
      [tokenOf(body.facilitatorUrl), 'facilitator'],
    ] as const) {
      const info = await fetch(`${server.url}/api/sessions/${session.id}`, { headers: { authorization: `Bearer ${token}` } })
      expect(((await info.json()) as { role: string }).role).toBe(role)
    }

    const facilitator = await open(session.tokens.facilitator)
    const member = await open(participantToken)
    const viewer = await open(viewerToken)
    // The participant writes on the board; the phase stays the facilitator's.
    putSticky(member.doc, 'shape:from-member', 'From the join link')
    await waitFor(() => facilitator.doc.getMap(Root.records).has('shape:from-member'), 'the participant’s sticky')
    member.doc.getMap(Root.session).set('phase', 'frame')
    await waitFor(() => member.doc.getMap(Root.session).get('phase') === 'warmup', 'the participant’s phase change reverted')
    // The viewer's writes are dropped.
    putSticky(viewer.doc, 'shape:from-viewer', 'From the view link')
    await settle()
    expect(facilitator.doc.getMap(Root.records).has('shape:from-viewer')).toBe(false)
    expect((await server.rooms.get(session.id)).doc.getMap(Root.records).has('shape:from-viewer')).toBe(false)
  })
})

describe('names in a session', () => {
  const post = (url: string, id: string, token: string, body: Record<string, unknown>) =>
    fetch(`${url}/api/sessions/${id}/participants`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${token}` },
      body: JSON.stringify(body),
    })

  it('refuses a name someone else has (case and spacing aside) with a sentence that says what to do', async () => {
    const { server, session } = await setup()
    await join(server.url, session.id, session.tokens.participant, 'Member A')
    for (const [name, token] of [
      ['Member A', session.tokens.participant],
      ['  member   a ', session.tokens.participant],
      ['MEMBERA', session.tokens.facilitator],
    ] as const) {
      const res = await post(server.url, session.id, token, { name })
      expect(res.status).toBe(409)
      const { error } = (await res.json()) as { error: { code: string; message: string } }
      expect(error.code).toBe('nameTaken')
      // The sentence names the person already here, as the others see them.
      expect(error.message).toBe('Someone called “Member A” is already here. Add an initial or your team so people can tell you apart.')
    }
    const records = (await server.rooms.get(session.id)).doc.getMap(Root.participants)
    expect(records.size).toBe(1)
    // With something added, the second person is in.
    expect((await post(server.url, session.id, session.tokens.participant, { name: 'Member A (Design)' })).status).toBe(200)
    expect(records.size).toBe(2)
  })

  it('lets a person rejoin with their own id under the same name, or rename themselves', async () => {
    const { server, session } = await setup()
    const first: Identity = await join(server.url, session.id, session.tokens.participant, 'Member A')
    const again = await post(server.url, session.id, session.tokens.participant, {
      name: 'member a',
      participantId: first.participantId,
      participantKey: first.participantKey,
    })
    expect(again.status).toBe(200)
    expect(((await again.json()) as Identity).participantId).toBe(first.participantId)
    // Someone else's id with a forged key is a newcomer, and the name is taken.
    const forged = await post(server.url, session.id, session.tokens.participant, {
      name: 'Member A',
      participantId: first.participantId,
      participantKey: `${first.participantKey}x`,
    })
    expect(forged.status).toBe(409)
    // The same identity joining another session meets only that session's names.
    const other = await createSession(server.url, 'Another session')
    await join(server.url, other.id, other.tokens.participant, 'Member B')
    const elsewhere = await post(server.url, other.id, other.tokens.participant, { name: 'Member B', participantId: first.participantId, participantKey: first.participantKey })
    expect(elsewhere.status).toBe(409)
    const renamed = await post(server.url, other.id, other.tokens.participant, { name: 'Member A', participantId: first.participantId, participantKey: first.participantKey })
    expect(renamed.status).toBe(200)
  })
})
