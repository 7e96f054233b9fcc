// Records read from the shared document cross a trust boundary: anyone with a join link can
// write them. tldraw validates every record on `put`; on top of that, a link on a shape must be
// http(s) or mailto, so nothing else can ever become a clickable `javascript:` or `data:` link.
import type { TLRecord } from 'tldraw'

const SAFE_LINK_PROTOCOLS = new Set(['http:', 'https:', 'mailto:'])

/** `base` resolves relative links (page chrome); shape links must be absolute. */
export function isSafeLink(url: string, base?: string): boolean {
  if (url === '') return true
  try {
    return SAFE_LINK_PROTOCOLS.has(new URL(url, base).protocol)
  } catch {
    return false
  }
}

/** The record as tldraw may see it, or null if it is not a record at all. */
export function readRecord(value: unknown): TLRecord | null {
  if (typeof value !== 'object' || value === null) return null
  const record = value as Record<string, unknown>
  if (typeof record.id !== 'string' || typeof record.typeName !== 'string') return null
  const props = record.props
  if (typeof props === 'object' && props !== null && 'url' in props) {
    const url = (props as { url: unknown }).url
    if (typeof url !== 'string' || !isSafeLink(url)) return { ...record, props: { ...props, url: '' } } as unknown as TLRecord
  }
  return record as unknown as TLRecord
}
