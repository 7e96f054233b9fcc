// Uploaded images in PostgreSQL (with DATABASE_URL), so that any process of a deployment serves
// any session's images and a backup of the database holds them. Same contract as AssetStore:
// content-addressed, type by magic bytes, the session's quota checked and charged under a
// per-session lock (an advisory transaction lock here, since the puts may come from any process).
import { createHash } from 'node:crypto'
import { Readable } from 'node:stream'
import type postgres from 'postgres'
import { isAssetHash, sniffImageType, type AssetStorage, type ImageType, type PutResult, type StoredAsset } from './AssetStore.ts'

type Sql = postgres.Sql<{ bigint: number }>

export class PostgresAssetStore implements AssetStorage {
  private readonly sql: Sql

  constructor(sql: Sql) {
    this.sql = sql
  }

  put(sessionId: string, data: Uint8Array, options: { maxSessionBytes: number }): Promise<PutResult> {
    const mimeType = sniffImageType(data)
    if (!mimeType) return Promise.resolve({ ok: false, reason: 'unsupportedType' })
    const sha256 = createHash('sha256').update(data).digest('hex')
    return this.sql.begin(async (tx): Promise<PutResult> => {
      await tx`SELECT pg_advisory_xact_lock(hashtext(${`asset:${sessionId}`}))`
      const [existing] = await tx`SELECT 1 FROM assets WHERE session_id = ${sessionId} AND sha256 = ${sha256}`
      if (existing) return { ok: true, sha256, mimeType, bytes: data.byteLength, created: false }
      const [used] = await tx<{ bytes: number }[]>`SELECT COALESCE(SUM(size_bytes), 0)::bigint AS bytes FROM assets WHERE session_id = ${sessionId}`
      const usedBytes = used?.bytes ?? 0
      if (usedBytes + data.byteLength > options.maxSessionBytes) return { ok: false, reason: 'quota', usedBytes }
      await tx`
        INSERT INTO assets (session_id, sha256, mime_type, bytes, size_bytes)
        VALUES (${sessionId}, ${sha256}, ${mimeType}, ${Buffer.from(data.buffer, data.byteOffset, data.byteLength)}, ${data.byteLength})`
      return { ok: true, sha256, mimeType, bytes: data.byteLength, created: true }
    })
  }

  async open(sessionId: string, sha256: string): Promise<StoredAsset | null> {
    if (!isAssetHash(sha256)) return null
    const [row] = await this.sql<{ mime_type: ImageType; bytes: Buffer }[]>`
      SELECT mime_type, bytes FROM assets WHERE session_id = ${sessionId} AND sha256 = ${sha256}`
    if (!row) return null
    return { mimeType: row.mime_type, bytes: row.bytes.length, stream: Readable.from([row.bytes]) }
  }

  async usedBytes(sessionId: string): Promise<number> {
    const [used] = await this.sql<{ bytes: number }[]>`SELECT COALESCE(SUM(size_bytes), 0)::bigint AS bytes FROM assets WHERE session_id = ${sessionId}`
    return used?.bytes ?? 0
  }
}
