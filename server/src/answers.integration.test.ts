// Everyone's answers to the frame questions (`Y.Map('answers')`) and "Bring everyone here"
// (`session.summon`) against a real server and stock y-websocket clients: own answers in the frame
// phase go through, anything else is written back for everyone, and a Y type never gets in.
import { describe, expect, it } from 'vitest'
import * as Y from 'yjs'
import { CloseCode, Root } from '@sandbox/shared'
import { craftUpdates, createSession, joinedClient, rawSocket, startServer, syncUpdateFrame, waitFor, wsBase } from './testing/harness.ts'
import { teardownAfterEach } from './testing/teardown.ts'

const cleanup = teardownAfterEach()
const settle = () => new Promise((r) => setTimeout(r, 150))

async function setup() {
  const server = await startServer()
  cleanup.push(() => server.close())
  const session = await createSession(server.url)
  const open = async (token: string, name: string) => {
    const { client, identity } = await joinedClient(server.url, session.id, token, name, cleanup.push)
    return { client, id: identity.participantId }
  }
  const fac = await open(session.tokens.facilitator, 'Host')
  const memberA = await open(session.tokens.participant, 'Member A')
  const memberB = await open(session.tokens.participant, 'Member B')
  const toPhase = async (phase: string) => {
    fac.client.doc.getMap(Root.session).set('phase', phase)
    await waitFor(() => memberA.client.doc.getMap(Root.session).get('phase') === phase && memberB.client.doc.getMap(Root.session).get('phase') === phase, phase)
  }
  return { server, session, fac, memberA, memberB, toPhase }
}

const answersOf = (doc: Y.Doc) => doc.getMap(Root.answers).toJSON()

describe('answers to the frame questions', () => {
  it('keeps a participant’s own answers in the frame phase and writes back someone else’s, for everyone', async () => {
    const { fac, memberA, memberB, toPhase } = await setup()
    await toPhase('frame')
    memberA.client.doc.getMap(Root.answers).set(memberA.id, { clarity: 'ambiguous', priority: 'buy-in' })
    memberB.client.doc.getMap(Root.answers).set(memberB.id, { clarity: 'clear' })
    await waitFor(() => Object.keys(answersOf(fac.client.doc)).length === 2, 'both answers reach the facilitator')
    expect(answersOf(fac.client.doc)).toEqual({ [memberA.id]: { clarity: 'ambiguous', priority: 'buy-in' }, [memberB.id]: { clarity: 'clear' } })

    // Member A answers for Member B: written back everywhere, Member A's own client included.
    memberA.client.doc.getMap(Root.answers).set(memberB.id, { clarity: 'ambiguous' })
    await settle()
    await waitFor(() => (memberA.client.doc.getMap(Root.answers).get(memberB.id) as { clarity?: string }).clarity === 'clear', 'reverted for the sender')
    expect(answersOf(fac.client.doc)[memberB.id]).toEqual({ clarity: 'clear' })
    expect(answersOf(memberB.client.doc)[memberB.id]).toEqual({ clarity: 'clear' })

    // Something that is not one of the options is written back too.
    memberB.client.doc.getMap(Root.answers).set(memberB.id, { clarity: 'clear', essay: 'x'.repeat(5000) })
    await settle()
    await waitFor(() => !('essay' in (memberB.client.doc.getMap(Root.answers).get(memberB.id) as object)), 'invalid answer reverted')
  })

  it('writes back answers given outside the frame phase', async () => {
    const { fac, memberA, toPhase } = await setup()
    memberA.client.doc.getMap(Root.answers).set(memberA.id, { clarity: 'clear' })
    await settle()
    await waitFor(() => !memberA.client.doc.getMap(Root.answers).has(memberA.id), 'warm-up answer reverted')
    await toPhase('frame')
    await toPhase('collaborate')
    memberA.client.doc.getMap(Root.answers).set(memberA.id, { clarity: 'clear' })
    await settle()
    await waitFor(() => !memberA.client.doc.getMap(Root.answers).has(memberA.id), 'collaborate answer reverted')
    expect(answersOf(fac.client.doc)).toEqual({})
  })

  it('refuses a Y type nested inside answers, for every role', async () => {
    const { server, session, memberA } = await setup()
    const room = await server.rooms.get(session.id)
    for (const token of [session.tokens.participant, session.tokens.facilitator]) {
      const [update] = craftUpdates(room.doc, (d) => {
        d.transact(() => {
          const nested = new Y.Map<unknown>()
          d.getMap(Root.answers).set(memberA.id, nested)
          nested.set('clarity', 'clear')
        })
      })
      const { ws, closed } = await rawSocket(`${wsBase(server.url)}/${session.id}?token=${token}`)
      ws.send(syncUpdateFrame(update as Uint8Array))
      expect((await closed).code).toBe(CloseCode.updateRefused)
      expect(room.doc.getMap(Root.answers).get(memberA.id)).toBeUndefined()
    }
  })
})

describe('bring everyone here', () => {
  it('takes the facilitator’s summon and writes back a participant’s', async () => {
    const { fac, memberA, memberB } = await setup()
    const summon = { at: Date.now(), x: 0, y: 0, w: 1000, h: 700, by: memberA.id }
    memberA.client.doc.getMap(Root.session).set('summon', summon)
    await settle()
    await waitFor(() => memberA.client.doc.getMap(Root.session).get('summon') === null, 'participant’s summon reverted')
    expect(memberB.client.doc.getMap(Root.session).get('summon')).toBeNull()

    const real = { ...summon, by: fac.id, x: -300 }
    fac.client.doc.getMap(Root.session).set('summon', real)
    await waitFor(() => (memberB.client.doc.getMap(Root.session).get('summon') as { x?: number } | null)?.x === -300, 'facilitator’s summon arrives')
  })
})
