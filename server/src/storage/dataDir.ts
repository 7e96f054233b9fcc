// DATA_DIR must exist and be writable before anything is stored. When it is not, the server says
// in one sentence which directory, what is missing and what to do (main.ts prints it and exits 1),
// instead of a stack trace from deep inside fs or SQLite.
import fs from 'node:fs'
import path from 'node:path'

export class DataDirError extends Error {
  readonly dir: string
  constructor(dir: string, message: string, options?: { cause?: unknown }) {
    super(message, options)
    this.name = 'DataDirError'
    this.dir = dir
  }
}

const codeOf = (error: unknown): string => (error as { code?: unknown } | null)?.code?.toString() ?? ''

/** The nearest part of `dir` that exists, and whether it is a directory. */
function nearestExisting(dir: string): { at: string; isDir: boolean } {
  for (let at = dir; ; at = path.dirname(at)) {
    try {
      return { at, isDir: fs.statSync(at).isDirectory() }
    } catch {
      if (path.dirname(at) === at) return { at, isDir: true }
    }
  }
}

/** What is missing in `place`, and what to do about it, for an fs or SQLite error code; null if unknown. */
function missing(code: string, place: string): string | null {
  const who = typeof process.getuid === 'function' ? `this user (uid ${process.getuid()})` : 'this user'
  if (code === 'EROFS' || code.startsWith('SQLITE_READONLY')) return `${place} is on a read-only file system; set DATA_DIR to a directory on a writable disk`
  if (['EACCES', 'EPERM', 'SQLITE_PERM', 'SQLITE_CANTOPEN', 'SQLITE_AUTH'].includes(code)) {
    return `${who} has no permission to write in ${place}; make ${place} writable for this user or set DATA_DIR to a directory it can write`
  }
  if (code === 'ENOSPC' || code === 'SQLITE_FULL') return `the disk holding ${place} is full; free some space or set DATA_DIR to another disk`
  return null
}

/** One sentence for an error met while creating `dir`. */
function cannotCreate(dir: string, error: unknown): DataDirError {
  const blocker = nearestExisting(dir)
  if (!blocker.isDir) {
    return new DataDirError(dir, `Sandbox cannot use ${dir} as its data directory (DATA_DIR): ${blocker.at} is a file, not a directory; set DATA_DIR to a directory this user can create and write.`, { cause: error })
  }
  // mkdir's own error can be vague (a recursive mkdir on a read-only disk says ENOENT): ask the
  // directory it would have been made in.
  let code = codeOf(error)
  try {
    fs.accessSync(blocker.at, fs.constants.W_OK | fs.constants.X_OK)
  } catch (probe) {
    code = codeOf(probe)
  }
  const why = missing(code, blocker.at) ?? `${(error as Error | null)?.message ?? String(error)}; set DATA_DIR to a directory this user can create and write`
  return new DataDirError(dir, `Sandbox cannot create its data directory ${dir} (DATA_DIR): ${why}.`, { cause: error })
}

/** One sentence for an fs or SQLite error met while using the existing directory `dir`. */
export function dataDirProblem(dir: string, error: unknown, doing = 'write in'): DataDirError {
  const why = missing(codeOf(error), dir) ?? `${(error as Error | null)?.message ?? String(error)}; check the directory or set DATA_DIR to another one`
  return new DataDirError(dir, `Sandbox cannot ${doing} its data directory ${dir} (DATA_DIR): ${why}.`, { cause: error })
}

/** Creates `dir` if needed and checks that this process may write in it (a DataDirError if not). */
export function ensureWritableDataDir(dir: string): void {
  try {
    fs.mkdirSync(dir, { recursive: true })
  } catch (error) {
    throw cannotCreate(dir, error)
  }
  try {
    // Root passes this on a chmod 0500 directory, and can indeed write there; a read-only mount
    // answers EROFS even to root.
    fs.accessSync(dir, fs.constants.W_OK | fs.constants.X_OK)
  } catch (error) {
    throw dataDirProblem(dir, error)
  }
}
