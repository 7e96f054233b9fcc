// `npm run dev`: the server (restarted when its code changes) and Vite's dev server with hot
// reload, which proxies the API and the websocket to it. Open the address Vite prints.
import { spawn } from 'node:child_process'
import { fileURLToPath } from 'node:url'

const root = fileURLToPath(new URL('..', import.meta.url))
const apiPort = process.env.PORT ?? '8080'
const devPort = process.env.DEV_PORT ?? '5173'
const children = [
  spawn(process.execPath, ['--watch-path=server/src', '--watch-path=shared/src', 'server/src/main.ts'], {
    cwd: root,
    stdio: 'inherit',
    // Links the server hands out point at the dev server, which proxies the API and websocket.
    env: { PUBLIC_URL: `http://localhost:${devPort}`, ...process.env, PORT: apiPort, LOG_LEVEL: process.env.LOG_LEVEL ?? 'warn' },
  }),
  spawn(process.execPath, ['node_modules/vite/bin/vite.js', '--port', devPort, '--strictPort'], {
    cwd: root,
    stdio: 'inherit',
    env: { ...process.env, SANDBOX_API: `http://localhost:${apiPort}` },
  }),
]
const stop = () => {
  for (const child of children) child.kill('SIGTERM')
}
for (const signal of ['SIGINT', 'SIGTERM']) process.on(signal, stop)
for (const child of children) child.on('exit', (code) => {
  stop()
  process.exitCode = code ?? 0
})
