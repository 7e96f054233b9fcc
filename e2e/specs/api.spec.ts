// HTTP contracts the browser tests build on (PRODUCT.md "External contracts").
import { test, expect, type CreatedSession } from '../fixtures/index.ts'

test('GET /healthz answers 200', async ({ request }) => {
  const response = await request.get('/healthz')
  expect(response.status()).toBe(200)
})

test('POST /api/sessions creates a session with links and unguessable tokens', async ({ request, server }) => {
  const response = await request.post('/api/sessions', { data: { title: 'Retro' } })
  expect(response.status(), await response.text()).toBe(201)
  const session = (await response.json()) as CreatedSession
  // 128 random bits are at least 22 base64url characters (or 32 hex ones).
  for (const secret of [session.id, ...Object.values(session.tokens)]) {
    expect(secret).toMatch(/^[A-Za-z0-9_-]{22,}$/)
  }
  expect(new Set(Object.values(session.tokens)).size).toBe(3)
  expect(session.joinUrl).toBe(`${server.baseURL}/s/${session.id}?token=${session.tokens.participant}`)
  expect(session.facilitatorUrl).toBe(`${server.baseURL}/s/${session.id}?token=${session.tokens.facilitator}`)
  expect(session.viewUrl).toBe(`${server.baseURL}/s/${session.id}?token=${session.tokens.viewer}`)
})

for (const [what, body] of [
  ['malformed JSON', '{"title": '],
  ['a title that is not a string', '{"title": 42}'],
] as const) {
  test(`POST /api/sessions with ${what} answers 400 with a message`, async ({ request }) => {
    const response = await request.post('/api/sessions', {
      headers: { 'content-type': 'application/json' },
      data: body,
    })
    expect(response.status()).toBe(400)
    const answer = (await response.json()) as { error?: { code?: unknown; message?: unknown } }
    expect(answer.error?.code).toEqual(expect.any(String))
    expect(answer.error?.message).toEqual(expect.stringMatching(/\w+ \w+/))
  })
}
