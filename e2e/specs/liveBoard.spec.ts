// Issue "live board": people on one join link see each other's stickies and cursors live,
// the board survives server restarts, and nothing is fetched from outside the server.
import { HomePage } from '../pages/HomePage.ts'
import { test, expect } from '../fixtures/index.ts'

test('a sticky one person writes appears with the same text for the other', async ({ joinAs }) => {
  const memberA = await joinAs('Member A')
  const memberB = await joinAs('Member B')

  await memberA.board.addNote('Ship the onboarding fix')

  const note = memberB.board.note('Ship the onboarding fix')
  await expect(note).toHaveCount(1)
  await expect(memberB.board.noteText(note)).toHaveText('Ship the onboarding fix')
})

test("each person sees the other's cursor, labelled with their name, moving live", async ({ joinAs }) => {
  const memberA = await joinAs('Member A')
  const memberB = await joinAs('Member B')

  await memberA.board.moveCursor({ x: 300, y: 250 })
  const cursorOfA = memberB.board.collaboratorCursor('Member A')
  await expect(cursorOfA).toBeVisible()
  const before = await cursorOfA.boundingBox()
  if (!before) throw new Error("Member A's cursor is visible but has no bounding box.")

  // Member A moves 300 px right; Member B sees her cursor follow.
  await memberA.board.moveCursor({ x: 600, y: 400 })
  await expect.poll(async () => (await cursorOfA.boundingBox())?.x).toBeGreaterThan(before.x + 200)

  await memberB.board.moveCursor({ x: 500, y: 300 })
  await expect(memberA.board.collaboratorCursor('Member B')).toBeVisible()
})

for (const { how, signal } of [
  { how: 'a graceful server restart', signal: 'SIGTERM' },
  { how: 'kill -9 of the server', signal: 'SIGKILL' },
] as const) {
  test(`stickies survive ${how}, and open tabs reconnect by themselves`, async ({ joinAs, server }) => {
    const text = `Survives ${signal}`
    const memberA = await joinAs('Member A')
    const memberB = await joinAs('Member B')

    await test.step('write a sticky both people see', async () => {
      await memberA.board.addNote(text)
      await expect(memberB.board.note(text)).toHaveCount(1)
      // After a crash, only what the save indicator calls saved is promised to survive. A graceful
      // stop must keep everything the server has (Member B saw it, so the server has it).
      if (signal === 'SIGKILL') await memberA.board.expectSaved()
    })

    await test.step(`stop the server with ${signal}, then start it again`, async () => {
      await server.stop(signal)
      await expect(memberA.board.connection).not.toHaveText('Live')
      await expect(memberB.board.connection).not.toHaveText('Live')
      await server.start()
    })

    await test.step('open tabs reconnect by themselves and keep syncing', async () => {
      await memberA.board.expectLive(20_000)
      await memberB.board.expectLive(20_000)
      await memberB.board.addNote('Written after the restart', { x: 650, y: 300 })
      await expect(memberA.board.note('Written after the restart')).toHaveCount(1)
    })

    await test.step('the sticky is there after a reload, and for someone who was not there', async () => {
      await memberA.board.reload()
      await expect(memberA.board.note(text)).toHaveCount(1)
      // A fresh browser has no local (IndexedDB) copy: what it sees comes from the server's storage.
      const latecomer = await joinAs('Member C')
      await expect(latecomer.board.note(text)).toHaveCount(1)
    })
  })
}

test("nothing is requested from outside the server's origin", async ({ newPerson, server }) => {
  const memberA = await newPerson()
  const home = new HomePage(memberA.page)
  await home.goto()
  const { joinUrl } = await home.createSession('Offline-friendly')
  await memberA.board.goto(joinUrl)
  await memberA.board.join('Member A')

  const memberB = await newPerson()
  await memberB.board.goto(joinUrl)
  await memberB.board.join('Member B')
  await memberA.board.addNote('Fonts and icons come from our server')
  await expect(memberB.board.note('Fonts and icons come from our server')).toHaveCount(1)
  await memberB.board.moveCursor({ x: 300, y: 300 })
  await expect(memberA.board.collaboratorCursor('Member B')).toBeVisible()
  await Promise.all([memberA.page.waitForLoadState('networkidle'), memberB.page.waitForLoadState('networkidle')])

  const origin = new URL(server.baseURL)
  const isOwn = (url: string) => {
    const { protocol, host } = new URL(url)
    return protocol === 'data:' || protocol === 'blob:' || (host === origin.host && ['http:', 'ws:'].includes(protocol))
  }
  for (const person of [memberA, memberB]) {
    expect(person.requestedUrls.some((url) => url.startsWith('ws:')), 'a websocket was opened').toBe(true)
    expect(person.requestedUrls.filter((url) => !isOwn(url))).toEqual([])
  }
})

test('an unknown session id shows "Session not found"', async ({ newPerson, session }) => {
  const memberA = await newPerson()
  const unknownId = 'A'.repeat(session.id.length)
  const response = await memberA.page.goto(`/s/${unknownId}?token=${session.tokens.participant}`)

  expect(response?.status()).toBe(404)
  await expect(memberA.board.notFound).toBeVisible()
  await expect(memberA.board.nameBox).toHaveCount(0)
})

test('the top bar says Offline as soon as the network is gone, keeps what is written, and syncs it when it is back', async ({ joinAs }) => {
  const memberA = await joinAs('Member A')
  const memberB = await joinAs('Member B')
  await memberA.context.setOffline(true)
  await expect(memberA.board.connection).toHaveText('Offline', { timeout: 3_000 })
  await memberA.board.addNote('Written offline')
  await expect(memberA.board.saveStatus).toHaveText('Offline — changes kept on this device')
  await memberA.context.setOffline(false)
  await memberA.board.expectLive(20_000)
  await expect(memberB.board.note('Written offline')).toHaveCount(1)
  await memberA.board.expectSaved()
})
