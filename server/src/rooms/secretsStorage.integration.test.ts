// A hidden ballot counts only once storage took it: when the write fails, the voter is told so
// (a refusal on the private channel), and neither their ballot nor the dots-used count moves.
import fs from 'node:fs'
import { describe, expect, it } from 'vitest'
import { Root, type PrivateMessage } from '@sandbox/shared'
import { connect, createSession, join, privateFrame, privateMessages, putSticky, rawSocket, startServer, synced, tempDataDir, waitFor, wsBase } from '../testing/harness.ts'
import { teardownAfterEach } from '../testing/teardown.ts'
import { SqliteStorage } from '../storage/SqliteStorage.ts'
import type { SecretKind } from '../storage/Storage.ts'

const cleanup = teardownAfterEach()

/** SQLite whose secret writes fail while `failing` is set, as a full disk or a lost database would. */
class FlakySecrets extends SqliteStorage {
  failing = false
  override async putSecret(sessionId: string, kind: SecretKind, ownerId: string, itemId: string, value: string): Promise<void> {
    if (this.failing) throw new Error('disk I/O error')
    return super.putSecret(sessionId, kind, ownerId, itemId, value)
  }
}

describe('hidden ballots and a failing store', () => {
  it('refuses a vote it could not store, and counts the next one that is stored', async () => {
    const dataDir = tempDataDir()
    cleanup.push(() => fs.rmSync(dataDir, { recursive: true, force: true }))
    const storage = new FlakySecrets(dataDir)
    const server = await startServer(dataDir, {}, { storage })
    cleanup.push(() => server.close())
    const s = await createSession(server.url, 'Votes')
    const host = await join(server.url, s.id, s.tokens.facilitator, 'Host')
    const voterId = await join(server.url, s.id, s.tokens.participant, 'Voter')
    const fac = connect(server.url, s.id, s.tokens.facilitator, host)
    cleanup.push(() => fac.destroy())
    await synced(fac)
    putSticky(fac.doc, 'shape:idea', 'An idea')
    for (const phase of ['frame', 'collaborate', 'converge']) {
      fac.doc.getMap(Root.session).set('phase', phase)
      await waitFor(async () => (await server.rooms.get(s.id)).doc.getMap(Root.session).get('phase') === phase, phase)
    }
    expect(fac.doc.getMap(Root.session).get('hideVotes')).toBe(true)

    const params = new URLSearchParams({ token: s.tokens.participant, ack: '1', pid: voterId.participantId, pkey: voterId.participantKey })
    const voter = await rawSocket(`${wsBase(server.url)}/${s.id}?${params}`)
    cleanup.push(() => voter.ws.close())
    await waitFor(() => privateMessages(voter.messages).some((m) => m.t === 'ballot'), 'the empty ballot on joining')
    const ballots = () => privateMessages(voter.messages).filter((m): m is Extract<PrivateMessage, { t: 'ballot' }> => m.t === 'ballot')

    storage.failing = true
    voter.ws.send(privateFrame({ t: 'vote', target: 'shape:idea', delta: 1 }))
    await waitFor(() => privateMessages(voter.messages).find((m) => m.t === 'refused'), 'the refusal')
    expect(ballots().every((b) => Object.keys(b.votes).length === 0)).toBe(true)
    expect((await server.rooms.get(s.id)).doc.getMap(Root.session).get('ballotsUsed') ?? {}).toEqual({})

    storage.failing = false
    voter.ws.send(privateFrame({ t: 'vote', target: 'shape:idea', delta: 1 }))
    await waitFor(() => ballots().some((b) => b.votes['shape:idea'] === 1), 'the stored vote acknowledged')
    await waitFor(() => JSON.stringify(fac.doc.getMap(Root.session).get('ballotsUsed')) === JSON.stringify({ [voterId.participantId]: 1 }), 'dots used')
    expect(await storage.secrets(s.id, 'ballot')).toEqual([{ ownerId: voterId.participantId, itemId: '', value: JSON.stringify({ 'shape:idea': 1 }) }])
  })
})
