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
    <button type="button" className="button button--secondary button--small" disabled={!editor} onClick={summon} title="Moves everyone’s view to what you see now">
      Bring everyone here
    </button>
  )
}
