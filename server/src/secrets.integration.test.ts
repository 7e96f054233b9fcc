// Private writing and blind voting, checked on the wire: every byte another person's socket
// receives is searched for a private sticky's text or a hidden ballot before the reveal, and
// found after it. Crafted reveals, toggles and clears by a participant are refused.
import * as Y from 'yjs'
import { describe, expect, it } from 'vitest'
import { Root, type PrivateRequest } from '@sandbox/shared'
import { stickyRecord } from '@sandbox/shared/board'
import { connect, createSession, join, privateFrame, privateMessages, putSticky, rawSocket, startServer, synced, tempDataDir, waitFor, wsBase, type Client, type Identity } from './testing/harness.ts'
import { teardownAfterEach } from './testing/teardown.ts'

const cleanup = teardownAfterEach()

const received = (frames: Buffer[], text: string): boolean => frames.some((f) => f.includes(Buffer.from(text, 'utf8')))

async function setup(dataDir?: string) {
  const server = await startServer(dataDir)
  cleanup.push(() => server.close())
  const session = await createSession(server.url, 'Secrets')
  return { server, session }
}

/** A Sandbox-speaking socket (opted in to message types 100+) that records every frame it gets. */
async function sandboxSocket(url: string, sessionId: string, token: string, identity?: Identity) {
  const params = new URLSearchParams({ token, ack: '1' })
  if (identity) {
    params.set('pid', identity.participantId)
    params.set('pkey', identity.participantKey)
  }
  const socket = await rawSocket(`${wsBase(url)}/${sessionId}?${params}`)
  cleanup.push(() => socket.ws.close())
  return { ...socket, send: (request: PrivateRequest) => socket.ws.send(privateFrame(request)) }
}

async function stock(url: string, sessionId: string, token: string, identity?: Identity): Promise<Client> {
  const client = connect(url, sessionId, token, identity)
  cleanup.push(() => client.destroy())
  await synced(client)
  return client
}

const session = (c: Client) => c.doc.getMap(Root.session)
const settle = () => new Promise((r) => setTimeout(r, 150))

async function toPhase(fac: Client, phases: string[]): Promise<void> {
  for (const phase of phases) {
    session(fac).set('phase', phase)
    await settle()
  }
}

describe('private writing', () => {
  it('sends a private sticky to its author only, then to everyone at the reveal', async () => {
    const { server, session: s } = await setup()
    const hostId = await join(server.url, s.id, s.tokens.facilitator, 'Host')
    const authorId = await join(server.url, s.id, s.tokens.participant, 'Author')
    const otherId = await join(server.url, s.id, s.tokens.participant, 'Other')
    const fac = await stock(server.url, s.id, s.tokens.facilitator, hostId)
    // Everyone else's sockets, recording every byte: a participant, the facilitator and a viewer.
    const other = await sandboxSocket(server.url, s.id, s.tokens.participant, otherId)
    const facWire = await sandboxSocket(server.url, s.id, s.tokens.facilitator, hostId)
    const viewer = await rawSocket(`${wsBase(server.url)}/${s.id}?token=${s.tokens.viewer}`)
    cleanup.push(() => viewer.ws.close())
    const otherStock = await stock(server.url, s.id, s.tokens.participant, otherId)

    await toPhase(fac, ['frame', 'collaborate'])
    session(fac).set('privateWriting', true)
    await waitFor(() => session(otherStock).get('privateWriting') === true, 'private writing on')

    const author = await sandboxSocket(server.url, s.id, s.tokens.participant, authorId)
    const secret = 'Half-formed idea 7f3a: rewrite onboarding'
    const record = stickyRecord({ id: 'shape:private1', text: secret })
    author.send({ t: 'put', record })
    author.send({ t: 'put', record: stickyRecord({ id: 'shape:private2', text: 'second thought 91c' }) })
    await waitFor(() => JSON.stringify(session(otherStock).get('ideaCounts')) === JSON.stringify({ [authorId.participantId]: 2 }), 'idea count')
    await settle()
    for (const wire of [other, facWire, viewer]) {
      expect(received(wire.messages, secret)).toBe(false)
      expect(received(wire.messages, 'second thought 91c')).toBe(false)
    }
    expect(otherStock.doc.getMap(Root.records).has('shape:private1')).toBe(false)

    // A participant cannot reveal, turn private writing off, or write the counts.
    const crafter = await stock(server.url, s.id, s.tokens.participant, otherId)
    session(crafter).set('privateWriting', false)
    session(crafter).set('ideaCounts', {})
    await settle()
    await waitFor(() => session(crafter).get('privateWriting') === true, 'crafted toggle reverted')
    expect(received(other.messages, secret)).toBe(false)

    // The author's other tab (a reload) gets them back; nobody else does.
    const authorTab = await sandboxSocket(server.url, s.id, s.tokens.participant, authorId)
    await waitFor(() => privateMessages(authorTab.messages).some((m) => m.t === 'private' && m.put.length === 2), 'author’s stickies on reload')

    session(fac).set('anonymousReveal', true)
    session(fac).set('privateWriting', false)
    await waitFor(() => otherStock.doc.getMap(Root.records).has('shape:private1'), 'revealed on the board')
    expect(received(other.messages, secret)).toBe(true)
    expect(received(viewer.messages, secret)).toBe(true)
    const revealed = (otherStock.doc.getMap(Root.records).get('shape:private1') as Y.Map<unknown>).toJSON()
    expect((revealed.props as { textLastEditedBy: unknown }).textLastEditedBy).toBeNull()
    expect(session(otherStock).get('stickiesRevealedAt')).toEqual(expect.any(Number))
    expect(session(otherStock).get('ideaCounts')).toEqual({})
    // The replay marks the moment: before it, the log holds none of the private stickies.
    const timeline = (await (await fetch(`${server.url}/api/sessions/${s.id}/timeline`, { headers: { authorization: `Bearer ${s.tokens.viewer}` } })).json()) as {
      events: { type: string; what?: string }[]
    }
    expect(timeline.events).toContainEqual(expect.objectContaining({ type: 'reveal', what: 'stickies' }))
  })

  it('keeps private stickies across a server restart and reveals them when the phase moves on', async () => {
    const dataDir = tempDataDir()
    const first = await setup(dataDir)
    const s = first.session
    const hostId = await join(first.server.url, s.id, s.tokens.facilitator, 'Host')
    const authorId = await join(first.server.url, s.id, s.tokens.participant, 'Author')
    const fac = await stock(first.server.url, s.id, s.tokens.facilitator, hostId)
    await toPhase(fac, ['frame', 'collaborate'])
    session(fac).set('privateWriting', true)
    await settle()
    const author = await sandboxSocket(first.server.url, s.id, s.tokens.participant, authorId)
    author.send({ t: 'put', record: stickyRecord({ id: 'shape:kept', text: 'survives restarts 55e' }) })
    await waitFor(() => session(fac).get('ideaCounts') !== undefined, 'stored')
    fac.destroy()
    author.ws.close()
    await first.server.close()

    const second = await startServer(dataDir)
    cleanup.push(() => second.close())
    const again = await sandboxSocket(second.url, s.id, s.tokens.participant, authorId)
    await waitFor(() => privateMessages(again.messages).some((m) => m.t === 'private' && m.put.some((r) => r.id === 'shape:kept')), 'after restart')
    const fac2 = await stock(second.url, s.id, s.tokens.facilitator, hostId)
    expect(fac2.doc.getMap(Root.records).has('shape:kept')).toBe(false)
    session(fac2).set('phase', 'converge')
    await waitFor(() => fac2.doc.getMap(Root.records).has('shape:kept'), 'revealed when collaborate ends')
    const revealed = (fac2.doc.getMap(Root.records).get('shape:kept') as Y.Map<unknown>).toJSON()
    expect((revealed.props as { textLastEditedBy: unknown }).textLastEditedBy).toBe(null)
    expect(session(fac2).get('privateWriting')).toBe(false)
  })
})

describe('blind voting', () => {
  it('keeps ballots on the server until the reveal, then shows totals and never who voted for what', async () => {
    const { server, session: s } = await setup()
    const hostId = await join(server.url, s.id, s.tokens.facilitator, 'Host')
    const voterId = await join(server.url, s.id, s.tokens.participant, 'Voter')
    const otherId = await join(server.url, s.id, s.tokens.participant, 'Other')
    const fac = await stock(server.url, s.id, s.tokens.facilitator, hostId)
    putSticky(fac.doc, 'shape:idea', 'An idea')
    putSticky(fac.doc, 'shape:other', 'Another idea')
    await toPhase(fac, ['frame', 'collaborate', 'converge'])
    expect(session(fac).get('hideVotes')).toBe(true)

    const other = await sandboxSocket(server.url, s.id, s.tokens.participant, otherId)
    const otherStock = await stock(server.url, s.id, s.tokens.participant, otherId)
    const voter = await sandboxSocket(server.url, s.id, s.tokens.participant, voterId)
    voter.send({ t: 'vote', target: 'shape:idea', delta: 1 })
    voter.send({ t: 'vote', target: 'shape:idea', delta: 1 })
    voter.send({ t: 'vote', target: 'shape:nowhere', delta: 1 })
    await waitFor(() => privateMessages(voter.messages).some((m) => m.t === 'ballot' && m.votes['shape:idea'] === 2), 'own ballot')
    expect(privateMessages(voter.messages).some((m) => m.t === 'refused')).toBe(true)
    await waitFor(() => JSON.stringify(session(otherStock).get('ballotsUsed')) === JSON.stringify({ [voterId.participantId]: 2 }), 'dots used')
    // Nobody else hears where the dots went: no ballot, no tally, nothing in the shared votes map.
    expect(privateMessages(other.messages).filter((m) => m.t === 'ballot').every((m) => Object.keys(m.votes).length === 0)).toBe(true)
    expect(session(otherStock).get('voteTotals')).toBeUndefined()
    expect(otherStock.doc.getMap(Root.votes).size).toBe(0)

    // A participant's crafted reveal, clear and open vote are refused; the limit holds.
    session(otherStock).set('votesRevealed', true)
    session(otherStock).set('voteTotals', { 'shape:other': 9 })
    otherStock.doc.getMap(Root.votes).set(`${otherId.participantId}|shape:other`, 1)
    other.send({ t: 'clearVotes' })
    await settle()
    await waitFor(() => session(otherStock).get('votesRevealed') === false && otherStock.doc.getMap(Root.votes).size === 0, 'crafted reveal reverted')
    expect(session(otherStock).get('voteTotals')).toBeUndefined()
    for (let i = 0; i < 3; i++) voter.send({ t: 'vote', target: 'shape:other', delta: 1 })
    await waitFor(() => privateMessages(voter.messages).some((m) => m.t === 'refused' && m.reason.includes('used all')), 'limit refused')

    session(fac).set('votesRevealed', true)
    await waitFor(() => session(otherStock).get('voteTotals') !== undefined, 'totals')
    expect(session(otherStock).get('voteTotals')).toEqual({ 'shape:idea': 2, 'shape:other': 1 })
    expect(otherStock.doc.getMap(Root.votes).size).toBe(0)
    expect(received(other.messages, voterId.participantId + '|')).toBe(false)
    // Voting is closed once the votes are revealed.
    voter.send({ t: 'vote', target: 'shape:other', delta: -1 })
    await waitFor(() => privateMessages(voter.messages).some((m) => m.t === 'refused' && m.reason.includes('revealed')), 'closed after reveal')
  })

  it('votes openly when the facilitator turns hiding off before anyone votes', async () => {
    const { server, session: s } = await setup()
    const hostId = await join(server.url, s.id, s.tokens.facilitator, 'Host')
    const voterId = await join(server.url, s.id, s.tokens.participant, 'Voter')
    const fac = await stock(server.url, s.id, s.tokens.facilitator, hostId)
    putSticky(fac.doc, 'shape:idea', 'An idea')
    await toPhase(fac, ['frame', 'collaborate', 'converge'])
    session(fac).set('hideVotes', false)
    const voter = await stock(server.url, s.id, s.tokens.participant, voterId)
    await waitFor(() => session(voter).get('hideVotes') === false, 'open voting')
    voter.doc.getMap(Root.votes).set(`${voterId.participantId}|shape:idea`, 1)
    await waitFor(() => fac.doc.getMap(Root.votes).get(`${voterId.participantId}|shape:idea`) === 1, 'open vote stands')
    // Once someone voted, the mode stays.
    session(fac).set('hideVotes', true)
    await settle()
    await waitFor(() => session(fac).get('hideVotes') === false, 'mode kept after voting started')
  })
})
