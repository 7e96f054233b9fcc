// `npm start`: reads the environment, starts Sandbox, and shuts down cleanly on SIGTERM/SIGINT
// (final commit and checkpoint of every room) so a restart loses nothing.
import module from 'node:module'

// Cache compiled code between starts (in the OS temp dir): restarts matter, they are when
// everyone's tabs are waiting to reconnect.
module.enableCompileCache?.()
const { loadConfig } = await import('./config.ts')
const { createServer } = await import('./createServer.ts')
const { DataDirError } = await import('./storage/dataDir.ts')

const config = loadConfig()
const server = await createServer(config).catch((error: unknown) => {
  // A data directory the server cannot write is a setup problem: one sentence, not a stack trace.
  if (!(error instanceof DataDirError)) throw error
  process.stderr.write(`${error.message}\n`)
  process.exit(1)
})
server.log.info({ event: 'server.started', url: config.publicUrl ?? server.url, dataDir: config.dataDir }, `Sandbox is running at ${config.publicUrl ?? server.url}`)
if (process.stdout.isTTY) console.log(`\n  Sandbox is running at ${config.publicUrl ?? server.url}\n`)

let stopping = false
for (const signal of ['SIGTERM', 'SIGINT'] as const) {
  process.on(signal, () => {
    if (stopping) return
    stopping = true
    server.log.info({ event: 'server.stopping', signal }, 'flushing and stopping')
    server
      .close()
      .then(() => process.exit(0))
      .catch((error: unknown) => {
        server.log.error({ event: 'server.stop_failed', err: error }, 'stop failed')
        process.exit(1)
      })
  })
}
