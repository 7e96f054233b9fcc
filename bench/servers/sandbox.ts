// Sandbox as a bench child process: the real createServer with the environment's config.
import fs from 'node:fs'
import { loadConfig } from '../../server/src/config.ts'
import { createServer } from '../../server/src/createServer.ts'
import { serveParent } from './ipc.ts'

const config = loadConfig({ LOG_LEVEL: 'warn', ...process.env, PORT: '0', HOST: '127.0.0.1' })
const server = await createServer(config)
const version = (JSON.parse(fs.readFileSync(new URL('../../package.json', import.meta.url), 'utf8')) as { version: string }).version
serveParent(server.port, `sandbox ${version}`, () => server.close())
