// `node server/src/main.ts` with a DATA_DIR it cannot create or write: one sentence naming the
// directory, what is missing and what to do, exit code 1, no stack trace. Tests run as root here,
// where chmod stops nothing, so the directories fail for reasons root meets too: a path under a
// regular file, and (where mount namespaces are allowed) a read-only mount.
import { spawnSync } from 'node:child_process'
import fs from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { fileURLToPath } from 'node:url'
import { describe, expect, it } from 'vitest'
import { teardownAfterEach } from '../testing/teardown.ts'

const cleanup = teardownAfterEach()
const main = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../main.ts')

function start(dataDir: string, wrap: (argv: string[]) => string[] = (argv) => argv): { status: number | null; stderr: string; stdout: string } {
  const [command, ...args] = wrap([process.execPath, main])
  const result = spawnSync(command as string, args, {
    env: { ...process.env, DATA_DIR: dataDir, PORT: '0', HOST: '127.0.0.1', LOG_LEVEL: 'warn' },
    encoding: 'utf8',
    timeout: 20_000,
  })
  return { status: result.status, stderr: result.stderr, stdout: result.stdout }
}

function scratch(): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'sandbox-datadir-'))
  cleanup.push(() => fs.rmSync(dir, { recursive: true, force: true }))
  return dir
}

const expectOneSentence = (stderr: string, ...parts: string[]) => {
  const lines = stderr.trim().split('\n')
  expect(lines, stderr).toHaveLength(1)
  for (const part of parts) expect(lines[0]).toContain(part)
  expect(stderr).not.toMatch(/^\s+at /m)
  expect(lines[0]).toMatch(/DATA_DIR/)
}

const canMountReadOnly = (() => {
  if (process.platform !== 'linux') return false
  const probe = spawnSync('unshare', ['-m', 'sh', '-c', 'd=$(mktemp -d) && mount -t tmpfs -o ro tmpfs "$d" && umount "$d"; s=$?; rmdir "$d"; exit $s'], { encoding: 'utf8' })
  return probe.status === 0
})()

describe('a DATA_DIR the server cannot write', () => {
  it('under a regular file: exits 1 with one sentence naming the directory and the file in the way', () => {
    const dir = scratch()
    const file = path.join(dir, 'file.txt')
    fs.writeFileSync(file, 'not a directory')
    const dataDir = path.join(file, 'data')
    const result = start(dataDir)
    expect(result.status).toBe(1)
    expectOneSentence(result.stderr, dataDir, `${file} is a file, not a directory`, 'set DATA_DIR to')
  })

  it('that is itself a regular file: exits 1 with one sentence', () => {
    const file = path.join(scratch(), 'data')
    fs.writeFileSync(file, '')
    const result = start(file)
    expect(result.status).toBe(1)
    expectOneSentence(result.stderr, file, 'is a file, not a directory')
  })

  it.skipIf(!canMountReadOnly)('on a read-only mount (as root too): exits 1 with one sentence, whether it exists or must be created', () => {
    const mountPoint = scratch()
    // A private mount namespace: the read-only mount exists only for the server process.
    const readOnly = (argv: string[]) => ['unshare', '-m', 'sh', '-c', `mount -t tmpfs -o ro tmpfs "${mountPoint}" && exec "$0" "$@"`, ...argv]
    const existing = start(mountPoint, readOnly)
    expect(existing.status).toBe(1)
    expectOneSentence(existing.stderr, `cannot write in its data directory ${mountPoint}`, 'read-only file system')
    const missing = start(path.join(mountPoint, 'data'), readOnly)
    expect(missing.status).toBe(1)
    expectOneSentence(missing.stderr, `cannot create its data directory ${path.join(mountPoint, 'data')}`, `${mountPoint} is on a read-only file system`)
  })
})
