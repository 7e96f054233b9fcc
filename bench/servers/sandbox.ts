// Sandbox as a bench child process: the real createServer with the environment's config.
// BENCH_SANDBOX_ROOT (another checkout of this repository) runs that checkout's server instead, so
// before/after comparisons (bench/hotpathCompare.ts) run both builds in one run.
import fs from 'node:fs'
import path from 'node:path'
import { pathToFileURL } from 'node:url'
import { serveParent } from './ipc.ts'

const root = process.env.BENCH_SANDBOX_ROOT ? pathToFileURL(path.resolve(process.env.BENCH_SANDBOX_ROOT) + '/') : new URL('../../', import.meta.url)
const { loadConfig } = (await import(new URL('server/src/config.ts', root).href)) as typeof import('../../server/src/config.ts')
const { createServer } = (await import(new URL('server/src/createServer.ts', root).href)) as typeof import('../../server/src/createServer.ts')

// BENCH_JUDGE_BOARD=off is read here only, by the benchmark's own server process, to measure
// what judging the board costs (bench/validationCost.ts); the product has no such switch.
const config = loadConfig({ LOG_LEVEL: 'warn', ...process.env, PORT: '0', HOST: '127.0.0.1' }, { judgeBoard: process.env.BENCH_JUDGE_BOARD !== 'off' })
const server = await createServer(config)
const version = (JSON.parse(fs.readFileSync(new URL('package.json', root), 'utf8')) as { version: string }).version
serveParent(server.port, `sandbox ${version}`, () => server.close())
