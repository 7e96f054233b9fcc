// Issue 10: two processes of one deployment (one PostgreSQL, no routing by session) serve one
// session as one: a person on each process sees the other's stickies and cursor live.
import { test, expect } from '@playwright/test'
import { BoardPage } from '../pages/BoardPage.ts'
import { SandboxServer } from '../fixtures/SandboxServer.ts'
import { startTestPostgres } from '../../server/src/testing/postgres.ts'

test('two browsers on two different processes see each other’s stickies and cursors', async ({ browser }) => {
  test.setTimeout(120_000)
  const cluster = await startTestPostgres()
  const servers: SandboxServer[] = []
  try {
    const databaseUrl = await cluster.createDatabase()
    const a = await SandboxServer.launch({ DATABASE_URL: databaseUrl })
    servers.push(a)
    const b = await SandboxServer.launch({ DATABASE_URL: databaseUrl })
    servers.push(b)
    const created = await fetch(`${a.baseURL}/api/sessions`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ title: 'Two processes' }) })
    expect(created.status).toBe(201)
    const { joinUrl } = (await created.json()) as { joinUrl: string }
    // The same link, opened through the other process (as a load balancer would send it).
    const joinUrlOnB = joinUrl.replace(a.baseURL, b.baseURL)
    expect(joinUrlOnB).not.toBe(joinUrl)

    const people = await Promise.all(
      [a, b].map(async (server) => {
        const context = await browser.newContext({ baseURL: server.baseURL })
        const page = await context.newPage()
        return { context, board: new BoardPage(page) }
      }),
    )
    const [onA, onB] = people as [(typeof people)[number], (typeof people)[number]]
    try {
      await onA.board.goto(joinUrl)
      await onA.board.join('Member A')
      await onB.board.goto(joinUrlOnB)
      await onB.board.join('Member B')

      await onA.board.addNote('Written through process A')
      await expect(onB.board.note('Written through process A')).toHaveCount(1)
      await onB.board.addNote('Written through process B', { x: 650, y: 320 })
      await expect(onA.board.note('Written through process B')).toHaveCount(1)

      await onA.board.moveCursor({ x: 300, y: 250 })
      await expect(onB.board.collaboratorCursor('Member A')).toBeVisible()
      await onB.board.moveCursor({ x: 500, y: 420 })
      await expect(onA.board.collaboratorCursor('Member B')).toBeVisible()
      await onA.board.expectSaved()
      await onB.board.expectSaved()
    } finally {
      for (const p of people) await p.context.close()
    }
  } finally {
    for (const server of servers) await server.dispose()
    await cluster.stop()
  }
})
