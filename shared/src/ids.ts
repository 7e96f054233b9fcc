// Random identifiers. Session ids and role tokens carry 128 bits or more (base64url, no padding).
const ALPHABET = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_'

export function randomId(bytes = 16): string {
  const buf = new Uint8Array(bytes)
  globalThis.crypto.getRandomValues(buf)
  let out = ''
  // 16 bytes → 22 characters; the last character carries the 2 remaining bits.
  let acc = 0
  let bits = 0
  for (const b of buf) {
    acc = (acc << 8) | b
    bits += 8
    while (bits >= 6) {
      bits -= 6
      out += ALPHABET[(acc >> bits) & 63]
    }
    acc &= (1 << bits) - 1
  }
  if (bits > 0) out += ALPHABET[(acc << (6 - bits)) & 63]
  return out
}

/** 128 random bits: session ids, tokens. */
export const SESSION_ID_BYTES = 16
export const TOKEN_BYTES = 24
export const SESSION_ID_PATTERN = /^[A-Za-z0-9_-]{22,64}$/
export const isSessionId = (id: string): boolean => SESSION_ID_PATTERN.test(id)
