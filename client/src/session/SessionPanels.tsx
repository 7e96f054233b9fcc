// SLOT for the session template's panels (phase bar, timer, voting, task panel, review).
//
// BoardPage mounts this component once the board is live, inside `.board-panels`: a layer the
// size of the canvas, stacked above it, that lets clicks through to the canvas except on its
// own children (`pointer-events: auto` on each direct child; see styles/app.css). Position the
// panels inside it (e.g. `.phase-bar` at the top, a task panel docked right). Everything needed
// comes from `useSession()` (session id, token, role, participant, Y.Doc, tldraw editor).
//
// It renders nothing yet.
import type { SessionContextValue } from './SessionContext.ts'

export type SessionPanelsProps = SessionContextValue

export function SessionPanels(_props: SessionPanelsProps) {
  return null
}
