// `npm start`: reads the environment, starts Sandbox, and shuts down cleanly on SIGTERM/SIGINT
// (final commit and checkpoint of every room) so a restart loses nothing. On a terminal it says
// where Sandbox is, where its data is and how to stop it, then one short line per event; anywhere
// else (a service manager, a container) it writes JSON lines only (LOG_FORMAT overrides).
import module from 'node:module'
import path from 'node:path'

// Cache compiled code between starts (in the OS temp dir): restarts matter, they are when
// everyone's tabs are waiting to reconnect.
module.enableCompileCache?.()
const { loadConfig } = await import('./config.ts')
const { createServer } = await import('./createServer.ts')
const { DataDirError } = await import('./storage/dataDir.ts')
const { createLogger, logFormatFor, prettyDestination } = await import('./log.ts')

let config: ReturnType<typeof loadConfig>
let format: ReturnType<typeof logFormatFor>
try {
  config = loadConfig()
  format = logFormatFor(process.env, process.stdout.isTTY === true)
} catch (error) {
  // A mistyped setting is a setup problem: one sentence, not a stack trace.
  process.stderr.write(`${error instanceof Error ? error.message : String(error)}\n`)
  process.exit(1)
}
// On a terminal the banner below says where Sandbox listens; Fastify's own lines would repeat it.
const pretty = prettyDestination((text) => {
  if (!/^\S+ info +Server listening at /.test(text)) process.stdout.write(text)
})
const log = createLogger(config.logLevel, format === 'pretty' ? pretty : undefined)
const server = await createServer(config, { log }).catch((error: unknown) => {
  // A data directory the server cannot write is a setup problem: one sentence, not a stack trace.
  if (!(error instanceof DataDirError)) throw error
  process.stderr.write(`${error.message}\n`)
  process.exit(1)
})
const url = config.publicUrl ?? server.url
if (format === 'pretty') {
  const relative = path.relative(process.cwd(), config.dataDir) || '.'
  const dataDir = relative.startsWith('..') ? config.dataDir : `./${relative}`
  // With PostgreSQL the sessions live in the database; only uploaded images stay in DATA_DIR.
  const database = config.databaseUrl ? new URL(config.databaseUrl) : null
  const data = database
    ? `PostgreSQL database “${database.pathname.slice(1)}” on ${database.hostname}${database.port ? `:${database.port}` : ''} (sessions and history); images in ${dataDir}`
    : `${dataDir} (sessions, history and images; back it up)`
  process.stdout.write(
    [
      '',
      `  Sandbox is running at ${url}`,
      '',
      `  Open it, give the session a title and share the join link.`,
      `  Data:  ${data}`,
      '  Stop:  Ctrl+C (everything is saved first)',
      '',
      '',
    ].join('\n'),
  )
} else {
  server.log.info({ event: 'server.started', url, dataDir: config.dataDir, storage: config.databaseUrl ? 'postgres' : 'sqlite' }, `Sandbox is running at ${url}`)
}

let stopping = false
for (const signal of ['SIGTERM', 'SIGINT'] as const) {
  process.on(signal, () => {
    if (stopping) return
    stopping = true
    server.log.info({ event: 'server.stopping', signal }, 'saving everything, then stopping')
    server
      .close()
      .then(() => process.exit(0))
      .catch((error: unknown) => {
        server.log.error({ event: 'server.stop_failed', err: error }, 'stop failed')
        process.exit(1)
      })
  })
}
