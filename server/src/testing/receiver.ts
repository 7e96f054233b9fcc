// A chat webhook receiver for tests: a real HTTP server on 127.0.0.1 that records every request
// and answers by path — `/ok` 200, `/fail` 500, `/flaky` 500 to every other request (the 2nd,
// 4th…), `/slow` never, `/redirect` 302. Nothing is mocked: the server under test posts over TCP.
import http from 'node:http'
import type { AddressInfo } from 'node:net'

export interface Received {
  path: string
  contentType: string | undefined
  body: unknown
  bytes: number
}

export async function startReceiver(): Promise<{ base: string; host: string; received: Received[]; close(): Promise<void> }> {
  const received: Received[] = []
  let flakyCount = 0
  const server = http.createServer((req, res) => {
    const chunks: Buffer[] = []
    req.on('data', (c: Buffer) => chunks.push(c))
    req.on('end', () => {
      const raw = Buffer.concat(chunks)
      const path = (req.url ?? '').split('?')[0] ?? ''
      let body: unknown = null
      try {
        body = JSON.parse(raw.toString('utf8'))
      } catch {
        body = raw.toString('utf8')
      }
      received.push({ path, contentType: req.headers['content-type'], body, bytes: raw.length })
      if (path.endsWith('/slow')) return
      if (path.endsWith('/fail')) return void res.writeHead(500).end('boom')
      if (path.endsWith('/flaky')) return void (++flakyCount % 2 === 0 ? res.writeHead(500).end('hiccup') : res.writeHead(200).end('ok'))
      if (path.endsWith('/redirect')) return void res.writeHead(302, { location: '/redirected/ok' }).end()
      res.writeHead(path.includes('teams') ? 202 : 200).end('ok')
    })
  })
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  const { port } = server.address() as AddressInfo
  return {
    base: `http://127.0.0.1:${port}`,
    host: `127.0.0.1:${port}`,
    received,
    close: () =>
      new Promise((resolve) => {
        server.closeAllConnections()
        server.close(() => resolve())
      }),
  }
}
