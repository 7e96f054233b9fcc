// tldraw's fonts, icons and translations, bundled by Vite and served from our own origin:
// the default CDN is unreachable behind many company firewalls, and tests forbid other origins.
import { getAssetUrlsByImport } from '@tldraw/assets/imports.vite'

export const assetUrls = getAssetUrlsByImport()
