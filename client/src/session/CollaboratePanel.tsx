// Collaborate: everyone puts ideas on stickies against a shared time box.
import type { Editor } from 'tldraw'
import type { Timer } from '@sandbox/shared'
import { TimerCard } from './TimerCard.tsx'
import { useActions } from './useActions.ts'

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
      <TimerCard timer={timer} />
      <section className="panel-card" aria-labelledby="ideas-title">
        <h3 id="ideas-title" className="panel-card__title">
          Ideas <span className="count-pill">{stickyCount}</span>
        </h3>
        <p className="panel-card__hint">One idea per sticky. Quantity first: no judging until Converge.</p>
        {canWrite && editor ? (
          <button
            type="button"
            className="button button--secondary button--small"
            onClick={() => {
              editor.setCurrentTool('note')
              editor.getContainer().focus()
            }}
          >
            Add a sticky
          </button>
        ) : null}
        {canWrite ? <p className="panel-card__hint">Or press N, then click on the board.</p> : null}
      </section>
    </>
  )
}
