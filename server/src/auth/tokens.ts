// Role tokens and participant keys. Tokens are stored as SHA-256 hashes and compared in constant
// time; a new session's participant and viewer tokens derive from its facilitator token; participant
// keys are an HMAC of the participant id under a secret kept in DATA_DIR.
import crypto from 'node:crypto'
import fs from 'node:fs'
import path from 'node:path'
import { randomId, TOKEN_BYTES, type Role } from '@sandbox/shared'
import { dataDirProblem, ensureWritableDataDir } from '../storage/dataDir.ts'
import type { SessionRow } from '../storage/Storage.ts'

export const hashToken = (token: string): string => crypto.createHash('sha256').update(token, 'utf8').digest('hex')

/**
 * The participant and viewer tokens of a session, derived from its facilitator token (HMAC-SHA256
 * under the facilitator token, cut to TOKEN_BYTES: 192 bits). The server keeps only hashes, so this
 * is how a facilitator gets the other links back; holding a derived token says nothing of the
 * facilitator's.
 */
export function derivedToken(facilitatorToken: string, role: Exclude<Role, 'facilitator'>): string {
  return crypto.createHmac('sha256', facilitatorToken).update(`sandbox ${role} link`, 'utf8').digest().subarray(0, TOKEN_BYTES).toString('base64url')
}

/**
 * The facilitator token of a follow-up session, derived from the facilitator token of the session
 * it follows (HMAC-SHA256, cut to TOKEN_BYTES): asking for the follow-up again hands back the same
 * links, and only the previous session's facilitator can work it out.
 */
export function followUpToken(previousFacilitatorToken: string, followUpId: string): string {
  return crypto.createHmac('sha256', previousFacilitatorToken).update(`sandbox follow-up ${followUpId}`, 'utf8').digest().subarray(0, TOKEN_BYTES).toString('base64url')
}

/** A session's tokens from its facilitator token (the other two derived from it). */
export function tokensFrom(facilitator: string): Record<Role, string> {
  return { participant: derivedToken(facilitator, 'participant'), facilitator, viewer: derivedToken(facilitator, 'viewer') }
}

/** A new session's tokens: one random facilitator token, the other two derived from it. */
export function newTokens(): Record<Role, string> {
  const facilitator = randomId(TOKEN_BYTES)
  return { participant: derivedToken(facilitator, 'participant'), facilitator, viewer: derivedToken(facilitator, 'viewer') }
}

const sameHash = (token: string, hash: string): boolean => crypto.timingSafeEqual(Buffer.from(hashToken(token), 'hex'), Buffer.from(hash, 'hex'))

/**
 * The participant and viewer tokens a facilitator token derives, when they are this session's
 * (sessions created before derivation have random ones: null).
 */
export function derivableTokens(session: SessionRow, facilitatorToken: string): { participant: string; viewer: string } | null {
  const participant = derivedToken(facilitatorToken, 'participant')
  const viewer = derivedToken(facilitatorToken, 'viewer')
  return sameHash(participant, session.tokenHashes.participant) && sameHash(viewer, session.tokenHashes.viewer) ? { participant, viewer } : null
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
