// A large, quiet card in the middle of the canvas for what the whole room should look at: the
// warm-up question. Display only (clicks go through to the board); the sidebar carries the same
// text for screen readers, so this copy is hidden from them.
export function CanvasBanner({ eyebrow, text }: { eyebrow: string; text: string }) {
  return (
    <div className="canvas-banner" aria-hidden="true">
      <div className="canvas-banner__card">
        <p className="canvas-banner__eyebrow">{eyebrow}</p>
        <p className="canvas-banner__text">{text}</p>
      </div>
    </div>
  )
}
