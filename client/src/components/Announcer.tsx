// One polite live region for the page, and `useAnnounce()` for any panel to say something to
// screen-reader users that sighted people see happen (the phase moved, a vote was counted, the
// timer ran out, the votes were revealed). Saying the same sentence twice is heard twice.
import { createContext, useCallback, useContext, useEffect, useRef, useState, type ReactNode } from 'react'

export type Announce = (message: string) => void

const AnnounceContext = createContext<Announce>(() => {})

/** Say `message` through the page's live region (a no-op outside an AnnouncerProvider). */
export const useAnnounce = (): Announce => useContext(AnnounceContext)

/** The region is emptied first and filled a moment later, so a repeated sentence is read again. */
const REFILL_MS = 100

export function AnnouncerProvider({ children }: { children: ReactNode }) {
  const [message, setMessage] = useState('')
  const timer = useRef<number | undefined>(undefined)
  const announce = useCallback<Announce>((text) => {
    window.clearTimeout(timer.current)
    setMessage('')
    timer.current = window.setTimeout(() => setMessage(text), REFILL_MS)
  }, [])
  useEffect(() => () => window.clearTimeout(timer.current), [])
  return (
    <AnnounceContext.Provider value={announce}>
      {children}
      <div className="visually-hidden" role="status" aria-live="polite" aria-atomic="true" data-testid="announcer">
        {message}
      </div>
    </AnnounceContext.Provider>
  )
}
