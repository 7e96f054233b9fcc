// A large, quiet card in the middle of the canvas for what the whole room should look at: the
// warm-up question, then the problem being framed. Display only (clicks go through to the board); the sidebar carries the same
// text for screen readers, so this copy is hidden from them.
export function CanvasBanner({ eyebrow, text, detail }: { eyebrow: string; text: string; detail?: string | undefined }) {
  return (
    <div className="canvas-banner" aria-hidden="true">
      <div className="canvas-banner__card">
        <p className="canvas-banner__eyebrow">{eyebrow}</p>
        <p className="canvas-banner__text">{text}</p>
        {detail ? <p className="canvas-banner__detail">{detail}</p> : null}
      </div>
    </div>
  )
}
