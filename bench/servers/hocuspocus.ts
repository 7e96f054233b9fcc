// Hocuspocus with its SQLite extension. The extension's schema, queries and debounced store are
// used as shipped; only its driver is the project's better-sqlite3 13 (the extension pins 12.x,
// which has no prebuilt binary for Node 24 and whose install script this repo does not run).
import fs from 'node:fs'
import { createRequire } from 'node:module'
import path from 'node:path'
import Database from 'better-sqlite3'
import { Server } from '@hocuspocus/server'
import { SQLite } from '@hocuspocus/extension-sqlite'
import { serveParent } from './ipc.ts'

const require = createRequire(import.meta.url)
// Neither package exports its package.json; read it beside the resolved entry (dist/…).
const versionOf = (pkg: string): string =>
  (JSON.parse(fs.readFileSync(path.join(path.dirname(require.resolve(pkg)), '../package.json'), 'utf8')) as { version: string }).version
const version = versionOf('@hocuspocus/server')
const sqliteVersion = versionOf('@hocuspocus/extension-sqlite')
const file = process.env.BENCH_HOCUSPOCUS_DB ?? ':memory:'
export const HOCUSPOCUS_DEBOUNCE_MS = 2_000
export const HOCUSPOCUS_MAX_DEBOUNCE_MS = 10_000

class SQLiteOnNode24 extends SQLite {
  override async onConfigure(): Promise<void> {
    // The extension keeps these private; same two statements as its own onConfigure.
    const self = this as unknown as { db: Database.Database; configuration: { database: string; schema: string } }
    self.db = new Database(self.configuration.database)
    self.db.exec(self.configuration.schema)
  }
}

const server = new Server({
  port: 0,
  address: '127.0.0.1',
  quiet: true,
  stopOnSignals: false,
  debounce: HOCUSPOCUS_DEBOUNCE_MS,
  maxDebounce: HOCUSPOCUS_MAX_DEBOUNCE_MS,
  extensions: [new SQLiteOnNode24({ database: file })],
})
await server.listen()
serveParent(server.address.port, `@hocuspocus/server ${version} + extension-sqlite ${sqliteVersion}`, () => server.destroy())
