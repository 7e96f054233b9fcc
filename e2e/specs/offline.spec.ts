// A socket that goes quiet without closing (the network is up but leads nowhere: a dead wifi, a
// proxy that dropped the link). The browser fires no `offline` event; the board must still say
// Offline within seconds, never "All changes saved" for what only this device has, and catch up
// when the server answers again.
import { test, expect } from '../fixtures/index.ts'

test('a socket that goes silent shows Offline within seconds and keeps what is written until it is back', async ({ newPerson, joinAs, session }) => {
  const memberB = await joinAs('Member B')
  const memberA = await newPerson()
  // Every frame passes through here. While the network is silent, frames wait (as TCP would keep
  // them) and are delivered once it is back, unless their socket was given up in between.
  let silent = false
  const resumes: (() => void)[] = []
  await memberA.page.routeWebSocket(/\/sync\//, (ws) => {
    const server = ws.connectToServer()
    const held: (() => void)[] = []
    const pass = (deliver: () => void) => (silent ? held.push(deliver) : deliver())
    ws.onMessage((message) => pass(() => server.send(message)))
    server.onMessage((message) => pass(() => ws.send(message)))
    resumes.push(() => {
      for (const deliver of held.splice(0)) {
        try {
          deliver()
        } catch {
          // That socket was closed while the network was silent.
        }
      }
    })
  })
  await memberA.board.goto(session.joinUrl)
  await memberA.board.join('Member A')

  silent = true
  // Well inside y-websocket's own 30 s, and before any write could tell.
  await expect(memberA.board.connection).toHaveText('Offline', { timeout: 8_000 })
  await memberA.board.addNote('Written into the silence')
  await expect(memberA.board.saveStatus).toHaveText('Offline — changes kept on this device')
  await expect(memberB.board.note('Written into the silence')).toHaveCount(0)

  silent = false
  for (const resume of resumes) resume()
  await memberA.board.expectLive(20_000)
  await expect(memberB.board.note('Written into the silence')).toHaveCount(1)
  await memberA.board.expectSaved()
})
