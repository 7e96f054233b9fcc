// Presence as ordinary clients use it, against a real server: stock y-websocket providers that
// echo each other, close a tab, and lose the network while the server still holds their old
// socket. None of it may trip the anti-spoof filter (no warning), and nobody's presence may freeze.
import net from 'node:net'
import { afterEach, describe, expect, it } from 'vitest'
import { connect, join, sessionWithLog, synced, waitFor, type Client } from './testing/harness.ts'

const cleanup: (() => unknown)[] = []
afterEach(async () => {
  for (const step of cleanup.splice(0).reverse()) await step()
})
const track = (client: Client): Client => {
  cleanup.push(() => client.destroy())
  return client
}

/**
 * A TCP relay in front of the server. `dropClientSides()` closes every link on the client's side
 * only, as a network blip does: the client sees its socket close and reconnects, while the server
 * keeps the old socket open (it would learn of it only from its next ping).
 */
async function relay(target: URL) {
  const links: { client: net.Socket; server: net.Socket }[] = []
  const proxy = net.createServer((client) => {
    const server = net.connect(Number(target.port), target.hostname)
    client.pipe(server)
    server.pipe(client)
    client.on('error', () => {})
    server.on('error', () => {})
    links.push({ client, server })
  })
  await new Promise<void>((resolve) => proxy.listen(0, '127.0.0.1', resolve))
  const url = `http://127.0.0.1:${(proxy.address() as net.AddressInfo).port}`
  return {
    url,
    /** Cuts the client's side of every current link; returns the server sides, still open. */
    dropClientSides(): net.Socket[] {
      const held = links.splice(0)
      for (const { client, server } of held) {
        server.unpipe(client)
        client.unpipe(server)
        client.destroy()
      }
      return held.map((l) => l.server)
    },
    close: () => new Promise<void>((resolve) => proxy.close(() => resolve())),
  }
}

const presenceEvents = (lines: string[]): string[] =>
  lines.map((l) => JSON.parse(l) as { event?: string }).flatMap((l) => (l.event?.startsWith('awareness.') ? [l.event] : []))

describe('presence of ordinary clients', () => {
  it('echoes, a closed tab and a reconnect the server has not noticed log no warning and freeze nobody', async () => {
    const { server, session, lines } = await sessionWithLog((step) => cleanup.push(step))
    const net_ = await relay(new URL(server.url))
    cleanup.push(() => net_.close())
    const memberA = await join(server.url, session.id, session.tokens.participant, 'Member A')
    const memberB = await join(server.url, session.id, session.tokens.participant, 'Member B')
    const a = track(connect(net_.url, session.id, session.tokens.participant, memberA))
    const b = track(connect(server.url, session.id, session.tokens.participant, memberB))
    const observer = track(connect(server.url, session.id, session.tokens.viewer))
    await Promise.all([synced(a), synced(b), synced(observer)])
    const cursorOf = (client: Client) => observer.provider.awareness.getStates().get(client.doc.clientID)?.cursor as { x: number } | undefined

    // Everyone moves: every provider echoes everyone else's changes back to the server.
    for (let x = 1; x <= 20; x++) {
      a.provider.awareness.setLocalStateField('cursor', { x })
      b.provider.awareness.setLocalStateField('cursor', { x: x + 100 })
      await new Promise((r) => setTimeout(r, 5))
    }
    await waitFor(async () => cursorOf(a)?.x === 20 && cursorOf(b)?.x === 120, 'both cursors at their last place')

    // A second tab of Member A opens and closes: Member A's first tab stays present.
    const secondTab = connect(server.url, session.id, session.tokens.participant, memberA)
    await synced(secondTab)
    secondTab.provider.awareness.setLocalStateField('cursor', { x: 999 })
    await waitFor(async () => observer.provider.awareness.getStates().get(secondTab.doc.clientID), 'second tab present')
    secondTab.destroy()
    await waitFor(async () => !observer.provider.awareness.getStates().has(secondTab.doc.clientID), 'second tab gone')
    expect(cursorOf(a)?.x).toBe(20)

    // The network drops under Member A; the server still holds the old socket when A is back.
    const stale = net_.dropClientSides()
    await waitFor(async () => !a.provider.wsconnected, 'A sees its socket close')
    await waitFor(async () => a.provider.synced, 'A reconnected', 10_000)
    a.provider.awareness.setLocalStateField('cursor', { x: 21 })
    await waitFor(async () => cursorOf(a)?.x === 21, 'A’s cursor moves after the reconnect')

    // When the server finally drops the old socket, Member A does not vanish with it.
    for (const socket of stale) socket.destroy()
    await waitFor(async () => (await server.rooms.get(session.id)).connections.size === 3, 'the server closed the old socket')
    expect(cursorOf(a)?.x).toBe(21)
    a.provider.awareness.setLocalStateField('cursor', { x: 22 })
    await waitFor(async () => cursorOf(a)?.x === 22, 'A’s cursor moves after the old socket is gone')

    expect(presenceEvents(lines)).toEqual([])
  })

  it('a client id another person introduced is still theirs: the spoof is dropped and logged once', async () => {
    const { server, session, lines } = await sessionWithLog((step) => cleanup.push(step))
    const memberA = await join(server.url, session.id, session.tokens.participant, 'Member A')
    const memberB = await join(server.url, session.id, session.tokens.participant, 'Member B')
    const a = track(connect(server.url, session.id, session.tokens.participant, memberA))
    const observer = track(connect(server.url, session.id, session.tokens.viewer))
    await Promise.all([synced(a), synced(observer)])
    a.provider.awareness.setLocalStateField('cursor', { x: 1 })
    await waitFor(async () => observer.provider.awareness.getStates().get(a.doc.clientID), 'A present')

    // Member B's client claims Member A's client id, with ever newer clocks.
    const b = track(connect(server.url, session.id, session.tokens.participant, memberB))
    await synced(b)
    b.provider.awareness.clientID = a.doc.clientID
    for (let i = 0; i < 5; i++) b.provider.awareness.setLocalStateField('cursor', { x: 666 + i })
    b.provider.awareness.clientID = 4242
    b.provider.awareness.setLocalState({ marker: 1 })
    // y-protocols ignores a new client's first state at clock 0; the second one counts.
    b.provider.awareness.setLocalState({ marker: 2 })
    await waitFor(async () => observer.provider.awareness.getStates().get(4242), 'B’s own presence, sent after the spoof')
    expect((observer.provider.awareness.getStates().get(a.doc.clientID)?.cursor as { x: number }).x).toBe(1)
    expect(presenceEvents(lines)).toEqual(['awareness.spoof_dropped'])
  })
})
