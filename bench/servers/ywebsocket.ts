// The classic y-websocket server (y-websocket@2.1.0 bin/utils setupWSConnection): in memory, no
// auth, one Y.Doc per path, exactly as its bundled bin/server.cjs wires it.
import http from 'node:http'
import { createRequire } from 'node:module'
import { WebSocketServer, type WebSocket } from 'ws'
import { serveParent } from './ipc.ts'

const require = createRequire(import.meta.url)
const utils = require('y-websocket-2/bin/utils') as {
  setupWSConnection: (ws: WebSocket, req: http.IncomingMessage, opts: { docName: string; gc: boolean }) => void
}
const version = (require('y-websocket-2/package.json') as { version: string }).version

const wss = new WebSocketServer({ noServer: true })
const server = http.createServer((_req, res) => {
  res.writeHead(200, { 'content-type': 'text/plain' })
  res.end('okay')
})
server.on('upgrade', (req, socket, head) => {
  wss.handleUpgrade(req, socket, head, (ws) => {
    const docName = (req.url ?? '/').slice(1).split('?')[0] ?? ''
    utils.setupWSConnection(ws, req, { docName, gc: true })
  })
})
server.listen(0, '127.0.0.1', () => {
  const port = (server.address() as { port: number }).port
  serveParent(port, `y-websocket ${version} (bin/utils, in memory)`, async () => {
    for (const ws of wss.clients) ws.terminate()
    server.close()
  })
})
