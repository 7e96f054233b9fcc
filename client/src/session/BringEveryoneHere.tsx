// "Bring everyone here": the facilitator writes their viewport (page coordinates) into
// `session.summon`, and every other screen fits its camera to it, once (AttentionLayer).
import { serverNow } from './serverClock.ts'
import { useSession } from './SessionContext.ts'
import { useActions } from './useActions.ts'

const round = (n: number) => Math.round(n * 100) / 100

export function BringEveryoneHere() {
  const { editor, participant } = useSession()
  const { isFacilitator, write } = useActions()
  if (!isFacilitator) return null
  const summon = () => {
    if (!editor) return
    const view = editor.getViewportPageBounds()
    write({ session: { summon: { at: Math.round(serverNow()), x: round(view.x), y: round(view.y), w: round(view.w), h: round(view.h), by: participant.id } } })
  }
  return (
    <button type="button" className="button button--secondary button--small bring-everyone" disabled={!editor} onClick={summon} title="Moves everyone’s view to what you see now">
      <svg width="16" height="16" viewBox="0 0 24 24" aria-hidden="true" fill="none" stroke="currentColor" strokeWidth="2" strokeLinecap="round" strokeLinejoin="round">
        <path d="M3 8V3h5M21 8V3h-5M3 16v5h5M21 16v5h-5" />
        <circle cx="12" cy="12" r="3" />
      </svg>
      {/* On a phone only the icon shows; the words stay the button's name. */}
      <span className="bring-everyone__text">Bring everyone here</span>
    </button>
  )
}
