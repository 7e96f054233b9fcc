// Who last wrote each sticky, in full. tldraw's note draws only the first word of the author's name
// (two people who share a first name look alike), so its label is hidden (author-labels.css) and this layer,
// in front of the canvas and following the camera, draws the whole name at the sticky's bottom
// left, clear of the vote and owner badges. Display only; pointer events go through.
import { useEditor, useValue, type TLNoteShape } from 'tldraw'
import { stickyText, useStickyPlacements } from './stickies.ts'
import '../styles/author-labels.css'

/** Below this on-screen width a sticky is too small to carry a readable label. */
const MIN_LABELLED_WIDTH_PX = 96

export function AuthorLabels() {
  const editor = useEditor()
  const placements = useStickyPlacements(editor)
  const authors = useValue(
    'sandbox sticky authors',
    () => {
      const out = new Map<string, string>()
      for (const { id } of placements) {
        const shape = editor.getShape<TLNoteShape>(id as TLNoteShape['id'])
        const author = shape?.props.textLastEditedBy
        // tldraw labels only notes with text; so does this.
        if (!shape || !author || stickyText(editor, shape) === '') continue
        const name = editor.getAttributionDisplayName(author)
        if (name) out.set(id, name)
      }
      return out
    },
    [editor, placements],
  )

  return (
    <div className="author-labels" aria-hidden="true">
      {placements.map((p) => {
        const name = authors.get(p.id)
        if (!name || p.width < MIN_LABELLED_WIDTH_PX) return null
        return (
          <div key={p.id} className="author-labels__sticky" style={{ left: p.left, top: p.top, width: p.width, height: p.height }}>
            <span className="author-label" data-testid="author-label" data-sticky-id={p.id}>
              {name}
            </span>
          </div>
        )
      })}
    </div>
  )
}
