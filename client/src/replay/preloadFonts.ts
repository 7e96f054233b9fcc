// The fonts tldraw draws a sticky's text with (the "draw" font, its bold and italic). The replay
// preloads them while React and tldraw start: tldraw asks for them only once its canvas is up,
// and until they arrive it cannot lay out the first sticky. Same files (and URLs) as
// board/assetUrls.ts hands tldraw, so the browser's cache answers tldraw's own requests.
// The preview (ReplayPreview.tsx) draws with the regular face under a name of its own, so
// tldraw's own loading of `tldraw_draw` is left as it was.
import regular from '@tldraw/assets/fonts/Shantell_Sans-Informal_Regular.woff2?url'
import bold from '@tldraw/assets/fonts/Shantell_Sans-Informal_Bold.woff2?url'
import italic from '@tldraw/assets/fonts/Shantell_Sans-Informal_Regular_Italic.woff2?url'
import boldItalic from '@tldraw/assets/fonts/Shantell_Sans-Informal_Bold_Italic.woff2?url'

const PREVIEW_FONT = 'sandbox-replay-draw'
export const PREVIEW_FONT_FAMILY = `'${PREVIEW_FONT}', 'tldraw_draw', sans-serif`

export function preloadStickyFonts(): void {
  for (const href of [regular, bold, italic, boldItalic]) {
    const link = document.createElement('link')
    link.rel = 'preload'
    link.as = 'font'
    link.type = 'font/woff2'
    link.crossOrigin = 'anonymous'
    link.href = href
    document.head.append(link)
  }
  // Text shows at once in a fallback font and swaps when the face is in (the preview is brief).
  if (typeof FontFace === 'function') {
    const face = new FontFace(PREVIEW_FONT, `url(${regular}) format('woff2')`, { display: 'swap' })
    document.fonts.add(face)
    void face.load().catch(() => undefined)
  }
}
