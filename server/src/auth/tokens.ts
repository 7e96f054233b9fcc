// Role tokens and participant keys. Tokens are stored as SHA-256 hashes and compared in constant
// time; participant keys are an HMAC of the participant id under a secret kept in DATA_DIR.
import crypto from 'node:crypto'
import fs from 'node:fs'
import path from 'node:path'
import { randomId, TOKEN_BYTES, type Role } from '@sandbox/shared'
import { dataDirProblem, ensureWritableDataDir } from '../storage/dataDir.ts'
import type { SessionRow } from '../storage/Storage.ts'

export const hashToken = (token: string): string => crypto.createHash('sha256').update(token, 'utf8').digest('hex')

export function newTokens(): Record<Role, string> {
  return { participant: randomId(TOKEN_BYTES), facilitator: randomId(TOKEN_BYTES), viewer: randomId(TOKEN_BYTES) }
}

const ROLE_ORDER: readonly Role[] = ['facilitator', 'participant', 'viewer']

/** The role a token grants in this session, or null. Every role is checked, so timing says nothing. */
export function roleForToken(session: SessionRow, token: string | null | undefined): Role | null {
  if (!token || token.length > 256) return null
  const given = Buffer.from(hashToken(token), 'hex')
  let found: Role | null = null
  for (const role of ROLE_ORDER) {
    if (crypto.timingSafeEqual(given, Buffer.from(session.tokenHashes[role], 'hex')) && found === null) found = role
  }
  return found
}

export class ParticipantKeys {
  private readonly secret: Buffer

  constructor(secret: Buffer) {
    this.secret = secret
  }

  /** Reads the secret from DATA_DIR, creating it on first start (a DataDirError when it cannot). */
  static fromDataDir(dataDir: string): ParticipantKeys {
    ensureWritableDataDir(dataDir)
    const file = path.join(dataDir, 'participant-secret')
    try {
      return new ParticipantKeys(fs.readFileSync(file))
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw dataDirProblem(dataDir, error, 'read the participant secret in')
    }
    const secret = crypto.randomBytes(32)
    try {
      fs.writeFileSync(file, secret, { mode: 0o600, flag: 'wx' })
    } catch (error) {
      throw dataDirProblem(dataDir, error, 'write the participant secret in')
    }
    return new ParticipantKeys(secret)
  }

  keyFor(participantId: string): string {
    return crypto.createHmac('sha256', this.secret).update(participantId, 'utf8').digest('base64url')
  }

  verify(participantId: string | null | undefined, key: string | null | undefined): boolean {
    if (!participantId || !key || participantId.length > 128 || key.length > 128) return false
    const expected = Buffer.from(this.keyFor(participantId))
    const given = Buffer.from(key)
    return expected.length === given.length && crypto.timingSafeEqual(expected, given)
  }
}
