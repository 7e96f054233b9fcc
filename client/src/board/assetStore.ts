// Where the board's images go: uploaded to the session's asset route, so the document holds only
// the image's URL (`/api/sessions/<id>/assets/<sha256>`) and never its bytes. An <img> cannot
// send an Authorization header, so showing an image of this session adds the token to its URL.
// Nothing is ever removed: a replay shows the board at past moments, images included.
import type { TLAssetStore } from 'tldraw'
import { z } from 'zod/mini'
import { isOwnAssetPath } from '@sandbox/shared/board'

export interface AssetStoreOptions {
  sessionId: string
  token: string
  /** Viewers (and the replay) show images but never upload. */
  canUpload: boolean
}

const uploadedSchema = z.object({ url: z.string() })
const errorSchema = z.object({ error: z.object({ message: z.string() }) })


/**
 * The URL an <img> can load for a stored `src`: this session's images with the token added,
 * other http(s) URLs unchanged, and nothing for anything else (a `javascript:` or unknown scheme).
 */
export function resolveAssetSrc(src: string | null | undefined, sessionId: string, token: string): string | null {
  if (!src) return null
  if (isOwnAssetPath(src, sessionId)) return `${src}?token=${encodeURIComponent(token)}`
  // Boards from before images were uploaded hold them inline; they stay visible.
  if (/^data:image\/(png|jpeg|gif|webp);/.test(src)) return src
  try {
    const url = new URL(src)
    return url.protocol === 'http:' || url.protocol === 'https:' ? src : null
  } catch {
    return null
  }
}

export function createAssetStore({ sessionId, token, canUpload }: AssetStoreOptions): TLAssetStore {
  const uploadUrl = `/api/sessions/${encodeURIComponent(sessionId)}/assets`
  return {
    async upload(_asset, file, abortSignal) {
      if (!canUpload) throw new Error('A viewer cannot add images to the board; open the join link to take part.')
      const response = await fetch(uploadUrl, {
        method: 'POST',
        headers: { Authorization: `Bearer ${token}`, 'Content-Type': file.type || 'application/octet-stream' },
        body: file,
        ...(abortSignal ? { signal: abortSignal } : {}),
      })
      const body: unknown = await response.json().catch(() => null)
      if (!response.ok) {
        const parsed = errorSchema.safeParse(body)
        throw new Error(parsed.success ? parsed.data.error.message : `The image could not be uploaded (the server answered ${response.status}).`)
      }
      const parsed = uploadedSchema.safeParse(body)
      if (!parsed.success || !isOwnAssetPath(parsed.data.url, sessionId)) throw new Error('The server answered the upload with something other than an image address.')
      return { src: parsed.data.url }
    },
    resolve: (asset) => resolveAssetSrc(asset.props.src, sessionId, token),
  }
}
