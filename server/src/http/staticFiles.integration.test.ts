// The built client as the server sends it: hashed files under /assets/ cached for good, and the
// compressed copies the build writes (scripts/precompress.ts) sent to browsers that accept them.
import fs from 'node:fs'
import path from 'node:path'
import zlib from 'node:zlib'
import { describe, expect, it } from 'vitest'
import { startServer, tempDataDir } from '../testing/harness.ts'
import { teardownAfterEach } from '../testing/teardown.ts'

const cleanup = teardownAfterEach()

const SCRIPT = Buffer.from(`export const x = ${JSON.stringify('sticky '.repeat(500))}\n`)

/** A built client: an entry and two chunks, one of them with compressed copies. */
function builtClient(): string {
  const dir = tempDataDir()
  fs.mkdirSync(path.join(dir, 'assets'))
  fs.writeFileSync(path.join(dir, 'index.html'), '<!doctype html>\n<html>\n  <head>\n    <script type="module" crossorigin src="/assets/index-AAAAAAAA.js"></script>\n  </head>\n  <body></body>\n</html>\n')
  for (const name of ['index-AAAAAAAA.js', 'ReplayPage-BBBBBBBB.js', 'tldraw-CCCCCCCC.js']) fs.writeFileSync(path.join(dir, 'assets', name), SCRIPT)
  fs.writeFileSync(path.join(dir, 'assets', 'tldraw-CCCCCCCC.js.br'), zlib.brotliCompressSync(SCRIPT))
  fs.writeFileSync(path.join(dir, 'assets', 'tldraw-CCCCCCCC.js.gz'), zlib.gzipSync(SCRIPT))
  fs.writeFileSync(path.join(dir, 'robots.txt'), 'User-agent: *\n')
  cleanup.push(() => fs.rmSync(dir, { recursive: true, force: true }))
  return dir
}

describe('the built client', () => {
  it('sends hashed files compressed as the browser accepts, cached for good', async () => {
    const clientDir = builtClient()
    const own = await startServer(undefined, { clientDir })
    cleanup.push(() => own.close())
    const get = (encoding: string) => fetch(`${own.url}/assets/tldraw-CCCCCCCC.js`, { headers: { 'accept-encoding': encoding } })
    const br = await get('gzip, deflate, br')
    expect(br.status).toBe(200)
    expect(br.headers.get('content-encoding')).toBe('br')
    expect(br.headers.get('cache-control')).toBe('public, max-age=31536000, immutable')
    expect(Buffer.from(await br.arrayBuffer())).toEqual(SCRIPT) // fetch decodes it
    const gz = await get('gzip')
    expect(gz.headers.get('content-encoding')).toBe('gzip')
    expect(Buffer.from(await gz.arrayBuffer())).toEqual(SCRIPT)
    const plain = await get('identity')
    expect(plain.headers.get('content-encoding')).toBeNull()
    expect(Buffer.from(await plain.arrayBuffer())).toEqual(SCRIPT)
    // A file without copies is sent as it is.
    const other = await fetch(`${own.url}/assets/index-AAAAAAAA.js`, { headers: { 'accept-encoding': 'br' } })
    expect(other.headers.get('content-encoding')).toBeNull()
    expect(Buffer.from(await other.arrayBuffer())).toEqual(SCRIPT)
    // A file whose name does not change with its content: an hour.
    expect((await fetch(`${own.url}/robots.txt`)).headers.get('cache-control')).toBe('public, max-age=3600')
  })
})
