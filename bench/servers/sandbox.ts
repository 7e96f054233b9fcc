// Sandbox as a bench child process: the real createServer with the environment's config.
import fs from 'node:fs'
import { loadConfig } from '../../server/src/config.ts'
import { createServer } from '../../server/src/createServer.ts'
import { serveParent } from './ipc.ts'

// BENCH_JUDGE_BOARD=off is read here only, by the benchmark's own server process, to measure
// what judging the board costs (bench/validationCost.ts); the product has no such switch.
const config = loadConfig({ LOG_LEVEL: 'warn', ...process.env, PORT: '0', HOST: '127.0.0.1' }, { judgeBoard: process.env.BENCH_JUDGE_BOARD !== 'off' })
const server = await createServer(config)
const version = (JSON.parse(fs.readFileSync(new URL('../../package.json', import.meta.url), 'utf8')) as { version: string }).version
serveParent(server.port, `sandbox ${version}`, () => server.close())
