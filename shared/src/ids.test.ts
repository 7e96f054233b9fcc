import { describe, expect, it } from 'vitest'
import { isSessionId, randomId, SESSION_ID_BYTES, TOKEN_BYTES } from './ids.ts'

describe('random ids', () => {
  it('carry at least 128 bits in URL-safe characters', () => {
    const id = randomId(SESSION_ID_BYTES)
    expect(id).toMatch(/^[A-Za-z0-9_-]{22}$/)
    expect(isSessionId(id)).toBe(true)
    expect(randomId(TOKEN_BYTES)).toHaveLength(32)
    expect(new Set(Array.from({ length: 1000 }, () => randomId())).size).toBe(1000)
    expect(isSessionId('../etc')).toBe(false)
  })
})
