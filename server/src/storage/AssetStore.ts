// Images uploaded to a session, stored by content: `<dataDir>/assets/<sessionId>/<sha256 hex>`.
// The document holds only the URL of an image, never its bytes, so a newcomer downloads the
// board's images once (and caches them) instead of receiving them inside every sync.
// Files appear whole or not at all (written to a temporary name, synced, then renamed), the same
// bytes are stored once, and a session's total is checked and charged under a per-session lock
// so concurrent uploads cannot overshoot its quota. A database-backed store can replace this
// class: the HTTP routes only use the `AssetStorage` interface.
import { createHash, randomBytes } from 'node:crypto'
import fs from 'node:fs'
import path from 'node:path'
import type { Readable } from 'node:stream'

export const IMAGE_TYPES = ['image/png', 'image/jpeg', 'image/gif', 'image/webp'] as const
export type ImageType = (typeof IMAGE_TYPES)[number]

const HASH_PATTERN = /^[0-9a-f]{64}$/
const SAFE_SESSION_ID = /^[A-Za-z0-9_-]{1,128}$/
/** Enough leading bytes to tell every accepted format apart. */
const SNIFF_BYTES = 12

const startsWith = (bytes: Uint8Array, prefix: readonly number[], offset = 0) =>
  bytes.length >= offset + prefix.length && prefix.every((b, i) => bytes[offset + i] === b)
const ascii = (text: string) => [...text].map((c) => c.charCodeAt(0))

/**
 * The image type the content itself declares by its magic bytes, or null. Headers and file names
 * are never trusted: an SVG or HTML file labelled image/png is not an image here.
 */
export function sniffImageType(bytes: Uint8Array): ImageType | null {
  if (startsWith(bytes, [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a])) return 'image/png'
  if (startsWith(bytes, [0xff, 0xd8, 0xff])) return 'image/jpeg'
  if (startsWith(bytes, ascii('GIF87a')) || startsWith(bytes, ascii('GIF89a'))) return 'image/gif'
  if (startsWith(bytes, ascii('RIFF')) && startsWith(bytes, ascii('WEBP'), 8)) return 'image/webp'
  return null
}

/** A 64-character lowercase hex SHA-256: the only asset names that ever touch the disk. */
export const isAssetHash = (value: string): boolean => HASH_PATTERN.test(value)

export type PutResult =
  | { ok: true; sha256: string; mimeType: ImageType; bytes: number; created: boolean }
  | { ok: false; reason: 'unsupportedType' }
  | { ok: false; reason: 'quota'; usedBytes: number }

export interface StoredAsset {
  mimeType: ImageType
  bytes: number
  /** The file's content; the caller must consume or destroy it. */
  stream: Readable
}

/** What the HTTP routes need from an asset store; a database-backed one can stand in. */
export interface AssetStorage {
  put(sessionId: string, data: Uint8Array, options: { maxSessionBytes: number }): Promise<PutResult>
  open(sessionId: string, sha256: string): Promise<StoredAsset | null>
  usedBytes(sessionId: string): Promise<number>
}

export class AssetStore implements AssetStorage {
  readonly #root: string
  /** Bytes stored per session, read from disk on first use, then kept up to date by `put`. */
  readonly #used = new Map<string, number>()
  /** The tail of each session's queue of puts. */
  readonly #locks = new Map<string, Promise<unknown>>()

  constructor(dataDir: string) {
    this.#root = path.join(dataDir, 'assets')
  }

  /**
   * Stores an image unless the session would pass `maxSessionBytes`. Storing bytes the session
   * already has changes nothing and costs nothing.
   */
  put(sessionId: string, data: Uint8Array, options: { maxSessionBytes: number }): Promise<PutResult> {
    return this.#exclusive(sessionId, async () => {
      const mimeType = sniffImageType(data)
      if (!mimeType) return { ok: false, reason: 'unsupportedType' }
      const sha256 = createHash('sha256').update(data).digest('hex')
      const dir = this.#sessionDir(sessionId)
      const file = path.join(dir, sha256)
      if (await exists(file)) return { ok: true, sha256, mimeType, bytes: data.byteLength, created: false }
      const usedBytes = await this.#usedBytesUnlocked(sessionId)
      if (usedBytes + data.byteLength > options.maxSessionBytes) return { ok: false, reason: 'quota', usedBytes }
      await fs.promises.mkdir(dir, { recursive: true })
      await writeWhole(file, data)
      this.#used.set(sessionId, usedBytes + data.byteLength)
      return { ok: true, sha256, mimeType, bytes: data.byteLength, created: true }
    })
  }

  /** The stored image, or null if this session has none with that hash. */
  async open(sessionId: string, sha256: string): Promise<StoredAsset | null> {
    if (!isAssetHash(sha256)) return null
    let handle: fs.promises.FileHandle
    try {
      handle = await fs.promises.open(path.join(this.#sessionDir(sessionId), sha256), 'r')
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'ENOENT') return null
      throw error
    }
    try {
      const { size } = await handle.stat()
      const head = Buffer.alloc(SNIFF_BYTES)
      const { bytesRead } = await handle.read(head, 0, SNIFF_BYTES, 0)
      const mimeType = sniffImageType(head.subarray(0, bytesRead))
      if (!mimeType) throw new Error(`stored asset ${sessionId}/${sha256} is not an image`)
      // A known end lets the stream finish with its last chunk instead of one more read that
      // finds EOF, so the response is complete as soon as the client has every byte.
      return { mimeType, bytes: size, stream: handle.createReadStream({ start: 0, end: size - 1, autoClose: true }) }
    } catch (error) {
      await handle.close()
      throw error
    }
  }

  /** Bytes of images this session has stored. */
  usedBytes(sessionId: string): Promise<number> {
    return this.#exclusive(sessionId, () => this.#usedBytesUnlocked(sessionId))
  }

  #sessionDir(sessionId: string): string {
    if (!SAFE_SESSION_ID.test(sessionId)) throw new Error('invalid session id for asset storage')
    return path.join(this.#root, sessionId)
  }

  async #usedBytesUnlocked(sessionId: string): Promise<number> {
    const known = this.#used.get(sessionId)
    if (known !== undefined) return known
    const dir = this.#sessionDir(sessionId)
    let names: string[]
    try {
      names = await fs.promises.readdir(dir)
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw error
      names = []
    }
    let total = 0
    for (const name of names) {
      // A temporary file is what a crash in the middle of a write left behind; no put of this
      // session is running (we hold its lock), so it can go.
      if (!isAssetHash(name)) await fs.promises.rm(path.join(dir, name), { force: true })
      else total += (await fs.promises.stat(path.join(dir, name))).size
    }
    this.#used.set(sessionId, total)
    return total
  }

  #exclusive<T>(sessionId: string, task: () => Promise<T>): Promise<T> {
    const previous = this.#locks.get(sessionId) ?? Promise.resolve()
    const run = previous.then(task, task)
    const tail = run.catch(() => {})
    this.#locks.set(sessionId, tail)
    void tail.then(() => {
      if (this.#locks.get(sessionId) === tail) this.#locks.delete(sessionId)
    })
    return run
  }
}

async function exists(file: string): Promise<boolean> {
  try {
    await fs.promises.access(file)
    return true
  } catch {
    return false
  }
}

/** Writes to a temporary name beside `file`, syncs, and renames: readers see all or nothing. */
async function writeWhole(file: string, data: Uint8Array): Promise<void> {
  const temp = `${file}.${randomBytes(6).toString('hex')}.tmp`
  try {
    const handle = await fs.promises.open(temp, 'wx')
    try {
      await handle.writeFile(data)
      await handle.sync()
    } finally {
      await handle.close()
    }
    await fs.promises.rename(temp, file)
  } catch (error) {
    await fs.promises.rm(temp, { force: true })
    throw error
  }
  // Make the rename itself durable.
  const dir = await fs.promises.open(path.dirname(file), 'r')
  try {
    await dir.sync()
  } finally {
    await dir.close()
  }
}
