// Images are stored as files addressed by their content and served back only to the session's
// tokens, as images that can never run as a page. A real server on port 0, real files.
import { createHash, randomBytes } from 'node:crypto'
import fs from 'node:fs'
import path from 'node:path'
import { describe, expect, it } from 'vitest'
import type { Config } from './config.ts'
import { createSession, startServer } from './testing/harness.ts'
import { teardownAfterEach } from './testing/teardown.ts'

const cleanup = teardownAfterEach()

/** A real 1×1 PNG. */
const PNG = Buffer.from('iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mP8z8BQDwAEhQGAhKmMIQAAAABJRU5ErkJggg==', 'base64')
const PNG_MAGIC = Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a])
/** PNG magic bytes followed by `size` random bytes: a distinct "PNG" of a chosen size. */
const pngOf = (size: number) => Buffer.concat([PNG_MAGIC, randomBytes(size - PNG_MAGIC.length)])
const sha256 = (bytes: Buffer) => createHash('sha256').update(bytes).digest('hex')

type Uploaded = { url: string; sha256: string; mimeType: string; bytes: number }
type ErrorAnswer = { error: { code: string; message: string } }

async function setup(overrides: Partial<Config> = {}) {
  const server = await startServer(undefined, overrides)
  cleanup.push(() => server.close())
  const session = await createSession(server.url, 'Images')
  const assetsUrl = `${server.url}/api/sessions/${session.id}/assets`
  const upload = (body: Buffer | string, token: string | null = session.tokens.participant, contentType = 'image/png') =>
    fetch(assetsUrl, {
      method: 'POST',
      headers: { 'content-type': contentType, ...(token === null ? {} : { authorization: `Bearer ${token}` }) },
      body: typeof body === 'string' ? body : Uint8Array.from(body),
    })
  const storedFiles = () => {
    const dir = path.join(server.dataDir, 'assets', session.id)
    return fs.existsSync(dir) ? fs.readdirSync(dir) : []
  }
  return { server, session, assetsUrl, upload, storedFiles }
}

/** Asserts an error answer: status, a code, and a sentence. */
async function expectError(response: Response, status: number): Promise<ErrorAnswer['error']> {
  expect(response.status).toBe(status)
  const body = (await response.json()) as ErrorAnswer
  expect(body.error.code).toEqual(expect.any(String))
  expect(body.error.message).toMatch(/\w+ \w+ \w+/)
  return body.error
}

describe('POST /api/sessions/:id/assets', () => {
  it('stores a PNG by its hash and serves the same bytes back with headers that keep it an image', async () => {
    const { server, session, upload, storedFiles } = await setup()
    const response = await upload(PNG)
    expect(response.status).toBe(201)
    const answer = (await response.json()) as Uploaded
    expect(answer).toEqual({ url: `/api/sessions/${session.id}/assets/${sha256(PNG)}`, sha256: sha256(PNG), mimeType: 'image/png', bytes: PNG.length })
    expect(fs.readFileSync(path.join(server.dataDir, 'assets', session.id, answer.sha256))).toEqual(PNG)

    const served = await fetch(`${server.url}${answer.url}`, { headers: { authorization: `Bearer ${session.tokens.participant}` } })
    expect(served.status).toBe(200)
    expect(Buffer.from(await served.arrayBuffer())).toEqual(PNG)
    expect(served.headers.get('content-type')).toBe('image/png')
    expect(served.headers.get('x-content-type-options')).toBe('nosniff')
    expect(served.headers.get('cache-control')).toBe('private, max-age=31536000, immutable')
    expect(served.headers.get('content-security-policy')).toBe("default-src 'none'")
    expect(storedFiles()).toEqual([answer.sha256])
  })

  it('keeps the same bytes once: a second upload answers the same URL and writes no second file', async () => {
    const { upload, storedFiles } = await setup()
    const first = (await (await upload(PNG)).json()) as Uploaded
    const again = await upload(PNG, undefined, 'application/octet-stream')
    expect(again.status).toBe(201)
    expect(((await again.json()) as Uploaded).url).toBe(first.url)
    expect(storedFiles()).toEqual([first.sha256])
  })

  it('takes the type from the bytes, whatever the header says, for each accepted format', async () => {
    const { session, upload } = await setup()
    const formats: [string, Buffer][] = [
      ['image/jpeg', Buffer.concat([Buffer.from([0xff, 0xd8, 0xff, 0xe0]), randomBytes(64)])],
      ['image/gif', Buffer.concat([Buffer.from('GIF89a'), randomBytes(64)])],
      ['image/webp', Buffer.concat([Buffer.from('RIFF'), Buffer.from([0x40, 0, 0, 0]), Buffer.from('WEBPVP8 '), randomBytes(64)])],
      ['image/png', PNG],
    ]
    for (const [mimeType, bytes] of formats) {
      // Labelled as something else entirely, and uploaded by the facilitator this time.
      const response = await upload(bytes, session.tokens.facilitator, 'text/plain')
      expect(response.status, mimeType).toBe(201)
      expect(((await response.json()) as Uploaded).mimeType).toBe(mimeType)
    }
  })

  it('refuses SVG, HTML and text even when labelled image/png (415), and stores nothing', async () => {
    const { upload, storedFiles } = await setup()
    const disguised = [
      '<svg xmlns="http://www.w3.org/2000/svg"><script>alert(1)</script></svg>',
      '<?xml version="1.0"?><svg xmlns="http://www.w3.org/2000/svg"/>',
      '<!doctype html><html><body><script>alert(1)</script></body></html>',
      'just some text',
      // Magic bytes a few bytes late do not count.
      Buffer.concat([Buffer.from('    '), PNG]),
    ]
    for (const body of disguised) {
      const error = await expectError(await upload(body), 415)
      expect(error.message).toMatch(/PNG, JPEG, GIF and WebP/)
    }
    expect(storedFiles()).toEqual([])
  })

  it('refuses an image over MAX_ASSET_BYTES (413) with a sentence naming the limit, and keeps 64 KiB for JSON routes', async () => {
    const { server, upload, storedFiles } = await setup({ maxAssetBytes: 200 * 1024 })
    expect((await upload(pngOf(150 * 1024))).status).toBe(201) // over the JSON limit, under the image one
    const error = await expectError(await upload(pngOf(300 * 1024)), 413)
    expect(error.message).toMatch(/0\.2 MiB/)
    expect(storedFiles()).toHaveLength(1)
    const json = await fetch(`${server.url}/api/sessions`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ title: 'x'.repeat(100 * 1024) }),
    })
    expect(json.status).toBe(413)
  })

  it('holds the per-session quota (507), also against uploads racing each other', async () => {
    const { upload, storedFiles } = await setup({ maxAssetBytesPerSession: 100 * 1024 })
    const images = Array.from({ length: 5 }, () => pngOf(30 * 1024))
    const answers = await Promise.all(images.map((image) => upload(image)))
    expect(answers.map((r) => r.status).sort()).toEqual([201, 201, 201, 507, 507])
    const error = await expectError(answers.find((r) => r.status === 507) as Response, 507)
    expect(error.message).toMatch(/MAX_ASSET_BYTES_PER_SESSION/)
    expect(storedFiles()).toHaveLength(3)
    // Bytes the session already has cost nothing, so they still go through when it is full.
    const kept = images[answers.findIndex((r) => r.status === 201)] as Buffer
    expect((await upload(kept)).status).toBe(201)
    expect(storedFiles()).toHaveLength(3)
  })

  it('lets only participants and facilitators upload: a viewer gets 403, no or a wrong token 401, an unknown session 404', async () => {
    const { server, session, upload, storedFiles } = await setup()
    const viewer = await expectError(await upload(PNG, session.tokens.viewer), 403)
    expect(viewer.message).toMatch(/viewer/i)
    await expectError(await upload(PNG, null), 401)
    await expectError(await upload(PNG, 'not-a-token'), 401)
    const other = await createSession(server.url, 'Another')
    await expectError(await upload(PNG, other.tokens.participant), 401)
    const unknown = await fetch(`${server.url}/api/sessions/${'A'.repeat(22)}/assets`, {
      method: 'POST',
      headers: { 'content-type': 'image/png', authorization: `Bearer ${session.tokens.participant}` },
      body: PNG,
    })
    await expectError(unknown, 404)
    expect(storedFiles()).toEqual([])
  })

  it('rate limits uploads per address (429 with a sentence)', async () => {
    const { upload } = await setup()
    const statuses: number[] = []
    for (let i = 0; i < 61; i++) statuses.push((await upload(PNG)).status)
    expect(statuses.slice(0, 60).every((s) => s === 201)).toBe(true)
    expect(statuses[60]).toBe(429)
    await expectError(await upload(PNG), 429)
  })
})

describe('GET /api/sessions/:id/assets/:sha256', () => {
  it('serves any role of the session, with the token in the query as an <img> sends it, and nobody else', async () => {
    const { server, session, upload } = await setup()
    const { url } = (await (await upload(PNG)).json()) as Uploaded
    for (const token of Object.values(session.tokens)) {
      const response = await fetch(`${server.url}${url}?token=${token}`)
      expect(response.status).toBe(200)
      expect(Buffer.from(await response.arrayBuffer())).toEqual(PNG)
    }
    await expectError(await fetch(`${server.url}${url}`), 401)
    await expectError(await fetch(`${server.url}${url}?token=wrong`), 401)
    const other = await createSession(server.url, 'Another')
    await expectError(await fetch(`${server.url}${url}?token=${other.tokens.participant}`), 401)
    // The same hash under another session is not this session's image.
    await expectError(await fetch(`${server.url}/api/sessions/${other.id}/assets/${sha256(PNG)}?token=${other.tokens.participant}`), 404)
  })

  it('answers 404 for unknown or malformed hashes and never reads outside the session’s folder', async () => {
    const { server, session, upload } = await setup()
    const { sha256: hash } = (await (await upload(PNG)).json()) as Uploaded
    const base = `${server.url}/api/sessions/${session.id}/assets`
    const token = `token=${session.tokens.participant}`
    for (const name of [
      '0'.repeat(64),
      hash.toUpperCase(),
      hash.slice(0, 63),
      `${hash}.tmp`,
      '..%2F..%2Fsandbox.sqlite',
      '..%2F..%2Fparticipant-secret',
      `..%2F${session.id}%2F${hash}`,
      '%2E%2E',
    ]) {
      const response = await fetch(`${base}/${name}?${token}`)
      expect([400, 404], name).toContain(response.status)
      expect(response.headers.get('content-type'), name).toMatch(/^application\/json/)
    }
  })
})
