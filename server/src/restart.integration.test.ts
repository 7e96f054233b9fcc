// A board survives a clean restart and a kill -9 of a child-process server.
import fs from 'node:fs'
import { describe, expect, it } from 'vitest'
import * as Y from 'yjs'
import { Root } from '@sandbox/shared'
import { connect, createSession, freePort, putSticky, spawnServer, startServer, synced, tempDataDir, waitFor } from './testing/harness.ts'
import { teardownAfterEach } from './testing/teardown.ts'

const cleanup = teardownAfterEach()


describe('restart', () => {
  it('keeps the board exactly as it was across a clean restart', async () => {
    const dataDir = tempDataDir()
    cleanup.push(() => fs.rmSync(dataDir, { recursive: true, force: true }))
    const first = await startServer(dataDir)
    const session = await createSession(first.url)
    const a = connect(first.url, session.id, session.tokens.participant)
    await synced(a)
    for (let i = 0; i < 50; i++) putSticky(a.doc, `shape:${i}`, `idea ${i}`)
    // The server has every sticky (not "100 ms later": a busy machine takes longer), then stops cleanly.
    await waitFor(() => first.rooms.loaded.get(session.id)?.doc.getMap(Root.records).has('shape:49'), 'the server has all 50 stickies')
    const expected = a.doc.getMap(Root.records).toJSON()
    a.destroy()
    await first.close()

    const second = await startServer(dataDir)
    cleanup.push(() => second.close())
    const b = connect(second.url, session.id, session.tokens.participant)
    cleanup.push(() => b.destroy())
    await synced(b)
    expect(b.doc.getMap(Root.records).toJSON()).toEqual(expected)
  })

  it('keeps every acknowledged edit after kill -9, and open clients reconnect by themselves', async () => {
    const dataDir = tempDataDir()
    cleanup.push(() => fs.rmSync(dataDir, { recursive: true, force: true }))
    const port = await freePort()
    let server = await spawnServer(dataDir, port)
    cleanup.push(() => server.child.kill('SIGKILL'))
    const session = await createSession(server.url)
    const a = connect(server.url, session.id, session.tokens.participant)
    cleanup.push(() => a.destroy())
    await synced(a)
    putSticky(a.doc, 'shape:before', 'before the crash')
    // Wait until the server has it (a second client sees it), then crash the server.
    const probe = connect(server.url, session.id, session.tokens.participant)
    await waitFor(() => probe.doc.getMap(Root.records).has('shape:before'), 'probe sees edit')
    probe.destroy()
    await new Promise((r) => setTimeout(r, 50))
    server.child.kill('SIGKILL')
    await waitFor(() => !a.provider.wsconnected || null, 'client notices the crash')
    putSticky(a.doc, 'shape:offline', 'made while the server was down')

    server = await spawnServer(dataDir, port)
    await waitFor(() => a.provider.wsconnected && a.provider.synced, 'client reconnects by itself', 15_000)
    const b = connect(server.url, session.id, session.tokens.participant)
    cleanup.push(() => b.destroy())
    await waitFor(() => b.doc.getMap(Root.records).has('shape:offline'), 'offline edit arrives after reconnect')
    expect(b.doc.getMap(Root.records).has('shape:before')).toBe(true)
  })
})
