// The fonts tldraw draws a sticky's text with (the "draw" font, its bold and italic). The replay
// preloads them while React and tldraw start: tldraw asks for them only once its canvas is up,
// and until they arrive it cannot lay out the first sticky. Same files (and URLs) as
// board/assetUrls.ts hands tldraw, so the browser's cache answers tldraw's own requests.
import regular from '@tldraw/assets/fonts/Shantell_Sans-Informal_Regular.woff2?url'
import bold from '@tldraw/assets/fonts/Shantell_Sans-Informal_Bold.woff2?url'
import italic from '@tldraw/assets/fonts/Shantell_Sans-Informal_Regular_Italic.woff2?url'
import boldItalic from '@tldraw/assets/fonts/Shantell_Sans-Informal_Bold_Italic.woff2?url'

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
}
