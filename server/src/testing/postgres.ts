// A throwaway PostgreSQL for tests: initdb into a temporary directory, pg_ctl start on a free port
// (loopback only, fsync off), one fresh database per call of createDatabase, stopped and removed
// by stop(). initdb refuses to run as root, so as root the cluster belongs to the `postgres` user
// (runuser). Without PostgreSQL's programs this throws, with the line that installs them: a
// contributor without PostgreSQL sees a failure, never a silent skip.
import { execFile } from 'node:child_process'
import fs from 'node:fs'
import net from 'node:net'
import os from 'node:os'
import path from 'node:path'
import { promisify } from 'node:util'
import postgres from 'postgres'

const run = promisify(execFile)

/** Debian's PostgreSQL programs: POSTGRES_BIN_DIR, else the newest /usr/lib/postgresql/<version>/bin (15 on these machines). */
export const POSTGRES_BIN_DIR = process.env.POSTGRES_BIN_DIR ?? debianBinDir()

function debianBinDir(): string {
  const root = '/usr/lib/postgresql'
  const versions = fs.existsSync(root) ? fs.readdirSync(root).filter((v) => /^\d+$/.test(v) && fs.existsSync(path.join(root, v, 'bin', 'initdb'))) : []
  versions.sort((a, b) => Number(b) - Number(a))
  return path.join(root, versions[0] ?? '15', 'bin')
}
export const INSTALL_POSTGRES = 'apt-get install -y postgresql'

export interface TestPostgres {
  /** postgres://sandbox@127.0.0.1:PORT/postgres, the maintenance database. */
  readonly adminUrl: string
  readonly port: number
  /** Creates an empty database and returns its DATABASE_URL. */
  createDatabase(): Promise<string>
  /** Stops the cluster and removes its directory. */
  stop(): Promise<void>
}

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = net.createServer()
    server.once('error', reject)
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as net.AddressInfo
      server.close(() => resolve(port))
    })
  })
}

/** Runs a PostgreSQL program, as the `postgres` user when this process is root. */
async function pg(binDir: string, program: string, args: string[]): Promise<void> {
  const bin = path.join(binDir, program)
  const asRoot = process.getuid?.() === 0
  const [cmd, argv] = asRoot ? ['runuser', ['-u', 'postgres', '--', bin, ...args]] : [bin, args]
  try {
    await run(cmd, argv, { timeout: 60_000 })
  } catch (error) {
    const e = error as { stderr?: string; stdout?: string; message: string }
    throw new Error(`${program} failed: ${e.message}\n${e.stderr ?? ''}${e.stdout ?? ''}`)
  }
}

function ownDirectory(dir: string): void {
  if (process.getuid?.() !== 0) return
  let uid: number
  let gid: number
  try {
    const passwd = fs.readFileSync('/etc/passwd', 'utf8').split('\n').find((l) => l.startsWith('postgres:'))
    const fields = passwd?.split(':') ?? []
    uid = Number(fields[2])
    gid = Number(fields[3])
    if (!Number.isInteger(uid) || !Number.isInteger(gid)) throw new Error('no postgres user')
  } catch {
    throw new Error(`There is no "postgres" user to run PostgreSQL as (initdb refuses root). Install PostgreSQL: ${INSTALL_POSTGRES}`)
  }
  fs.chownSync(dir, uid, gid)
}

let databases = 0

/** Starts a PostgreSQL cluster of its own. Call stop() when done (afterAll). */
export async function startTestPostgres(binDir = POSTGRES_BIN_DIR): Promise<TestPostgres> {
  if (!fs.existsSync(path.join(binDir, 'initdb')) || !fs.existsSync(path.join(binDir, 'pg_ctl'))) {
    throw new Error(
      `PostgreSQL is needed for these tests and its programs are not in ${binDir}. Install it with: ${INSTALL_POSTGRES}` +
        ' (or set POSTGRES_BIN_DIR to the directory holding initdb and pg_ctl).',
    )
  }
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'sandbox-pg-'))
  ownDirectory(dir)
  const data = path.join(dir, 'data')
  const logFile = path.join(dir, 'server.log')
  try {
    await pg(binDir, 'initdb', ['-D', data, '-A', 'trust', '-U', 'sandbox', '--no-sync', '-E', 'UTF8', '--locale=C'])
    let port = 0
    // Another process may take the free port between finding it and binding it: try a few.
    for (let attempt = 0; ; attempt++) {
      port = await freePort()
      try {
        await pg(binDir, 'pg_ctl', [
          '-D', data, '-l', logFile, '-w', '-t', '30',
          '-o', `-p ${port} -k ${dir} -c listen_addresses=127.0.0.1 -c fsync=off -c synchronous_commit=off -c full_page_writes=off`,
          'start',
        ])
        break
      } catch (error) {
        if (attempt >= 2) throw new Error(`${(error as Error).message}\n${fs.existsSync(logFile) ? fs.readFileSync(logFile, 'utf8').slice(-2000) : ''}`)
      }
    }
    const adminUrl = `postgres://sandbox@127.0.0.1:${port}/postgres`
    let stopped = false
    return {
      adminUrl,
      port,
      async createDatabase() {
        const name = `sandbox_test_${process.pid}_${++databases}`
        const admin = postgres(adminUrl, { max: 1, onnotice: () => {} })
        try {
          await admin.unsafe(`CREATE DATABASE ${name}`)
        } finally {
          await admin.end({ timeout: 1 })
        }
        return `postgres://sandbox@127.0.0.1:${port}/${name}`
      },
      async stop() {
        if (stopped) return
        stopped = true
        try {
          await pg(binDir, 'pg_ctl', ['-D', data, '-m', 'immediate', '-w', 'stop'])
        } finally {
          fs.rmSync(dir, { recursive: true, force: true })
        }
      },
    }
  } catch (error) {
    fs.rmSync(dir, { recursive: true, force: true })
    throw error
  }
}
