// Collaborate: everyone puts ideas on stickies against a shared time box.
import { createShapeId, type Editor } from 'tldraw'
import type { Timer } from '@sandbox/shared'
import { useActions } from './useActions.ts'

const NOTE_SIZE = 200

/**
 * A new sticky in the middle of the view (nudged aside from one already there), open for typing:
 * the button works from the keyboard alone, where the note tool would need a click on the board.
 */
function addStickyInView(editor: Editor): void {
  const center = editor.getViewportPageBounds().center
  let x = center.x - NOTE_SIZE / 2
  let y = center.y - NOTE_SIZE / 2
  for (let i = 0; i < 20 && editor.getShapesAtPoint({ x: x + NOTE_SIZE / 2, y: y + NOTE_SIZE / 2 }).some((s) => s.type === 'note'); i++) {
    x += 24
    y += 24
  }
  const id = createShapeId()
  editor.markHistoryStoppingPoint('add sticky')
  editor.createShape({ id, type: 'note', x, y })
  editor.select(id)
  editor.setCurrentTool('select')
  editor.setEditingShape(id)
  editor.getContainer().focus()
}

export function CollaboratePanel({ timer, editor, stickyCount, problem }: { timer: Timer; editor: Editor | null; stickyCount: number; problem: string }) {
  const { canWrite } = useActions()
  return (
    <>
      {problem ? (
        <section className="panel-card panel-card--quiet" aria-label="The problem">
          <h3 className="panel-card__eyebrow">The problem</h3>
          <p className="problem-text">{problem}</p>
        </section>
      ) : null}
      <section className="panel-card" aria-labelledby="ideas-title">
        <h3 id="ideas-title" className="panel-card__title">
          Ideas <span className="count-pill">{stickyCount}</span>
        </h3>
        <p className="panel-card__hint">One idea per sticky. Quantity first: no judging until Converge.</p>
        {canWrite && editor ? (
          <button
            type="button"
            className="button button--secondary button--small"
            onClick={() => addStickyInView(editor)}
          >
            Add a sticky
          </button>
        ) : null}
        {canWrite ? <p className="panel-card__hint">It opens for typing in the middle of your view; or press N, then click on the board.</p> : null}
      </section>
    </>
  )
}
