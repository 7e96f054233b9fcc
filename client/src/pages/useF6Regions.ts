// F6 and Shift+F6 move the keyboard between the board's regions (the canvas, the phase bar, the
// session panel), as in desktop apps and browsers: tldraw's canvas keeps Tab to itself, so without
// this a keyboard user could reach the panel only through the skip link.
import { useEffect } from 'react'

/** Each region, and what in it takes focus; a region that is not on screen is skipped. */
const REGIONS: readonly { region: string; target: string }[] = [
  { region: '.board-canvas', target: '.tl-container' },
  { region: '.phase-bar', target: 'button:not([disabled]), [tabindex="0"]' },
  { region: '.session-sidebar', target: '#session-sidebar-body' },
]

const visible = (el: Element): boolean => el.getClientRects().length > 0 && getComputedStyle(el).visibility !== 'hidden'

/** The region after (or before) the one holding `active`, with its element to focus. */
export function nextRegionTarget(root: ParentNode, active: Element | null, backwards: boolean): HTMLElement | null {
  const present = REGIONS.flatMap(({ region, target }) => {
    const container = root.querySelector(region)
    const focusable = container?.matches(target) ? container : container?.querySelector(target)
    return container && focusable instanceof HTMLElement && visible(focusable) ? [{ container, focusable }] : []
  })
  if (present.length === 0) return null
  const current = present.findIndex(({ container }) => active !== null && container.contains(active))
  const step = backwards ? -1 : 1
  const next = current === -1 ? (backwards ? present.length - 1 : 0) : (current + step + present.length) % present.length
  return present[next]?.focusable ?? null
}

export function useF6Regions(): void {
  useEffect(() => {
    const onKeyDown = (event: KeyboardEvent) => {
      if (event.key !== 'F6' || event.altKey || event.ctrlKey || event.metaKey) return
      const target = nextRegionTarget(document, document.activeElement, event.shiftKey)
      if (!target) return
      event.preventDefault()
      event.stopPropagation()
      target.focus()
    }
    // Capture: tldraw handles keys on the canvas before they would bubble up to the window.
    window.addEventListener('keydown', onKeyDown, true)
    return () => window.removeEventListener('keydown', onKeyDown, true)
  }, [])
}
