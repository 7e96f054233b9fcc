// Which stored image sources the board shows, and how: the session's own images carry the token
// an <img> needs; nothing but http(s) and this session's route becomes an image address.
import { describe, expect, it } from 'vitest'
import { createAssetStore, resolveAssetSrc } from './assetStore.ts'

const SESSION = 'Abc_123-def456ghi789jkl'
const TOKEN = 'tok/en+='
const HASH = 'a'.repeat(64)

describe('resolveAssetSrc', () => {
  it('adds the token to this session’s asset URLs', () => {
    expect(resolveAssetSrc(`/api/sessions/${SESSION}/assets/${HASH}`, SESSION, TOKEN)).toBe(`/api/sessions/${SESSION}/assets/${HASH}?token=tok%2Fen%2B%3D`)
  })

  it('leaves other http(s) URLs alone and never hands this session’s token to them', () => {
    expect(resolveAssetSrc('https://images.test/cat.png', SESSION, TOKEN)).toBe('https://images.test/cat.png')
    expect(resolveAssetSrc(`/api/sessions/other-session-id-123456/assets/${HASH}`, SESSION, TOKEN)).toBeNull()
    expect(resolveAssetSrc(`/api/sessions/${SESSION}/assets/${HASH}/../x`, SESSION, TOKEN)).toBeNull()
  })

  it('keeps inline PNG, JPEG, GIF and WebP images of boards from before uploads existed', () => {
    expect(resolveAssetSrc('data:image/png;base64,iVBORw0KGgo=', SESSION, TOKEN)).toBe('data:image/png;base64,iVBORw0KGgo=')
  })

  it('shows nothing for other schemes or an empty source', () => {
    for (const src of ['javascript:alert(1)', 'data:text/html,<script>', 'data:image/svg+xml,<svg/>', 'blob:whatever', '', null, undefined]) {
      expect(resolveAssetSrc(src, SESSION, TOKEN)).toBeNull()
    }
  })
})

describe('createAssetStore', () => {
  it('refuses to upload for a viewer, without a request', async () => {
    const store = createAssetStore({ sessionId: SESSION, token: TOKEN, canUpload: false })
    const file = new File([new Uint8Array([0x89, 0x50])], 'a.png', { type: 'image/png' })
    await expect(store.upload({} as never, file)).rejects.toThrow(/viewer/)
  })
})
