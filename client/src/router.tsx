// A tiny history router: four routes do not need a library. `navigate` pushes a URL and every
// `useLocation` subscriber re-renders; `Link` keeps ordinary links working with modifier keys.
import { useSyncExternalStore, type AnchorHTMLAttributes, type MouseEvent } from 'react'

export type Route =
  | { name: 'home' }
  | { name: 'board'; sessionId: string }
  | { name: 'tasks'; sessionId: string }
  | { name: 'replay'; sessionId: string }
  | { name: 'notFound' }

const NAVIGATE_EVENT = 'sandbox:navigate'

function subscribe(onChange: () => void): () => void {
  window.addEventListener('popstate', onChange)
  window.addEventListener(NAVIGATE_EVENT, onChange)
  return () => {
    window.removeEventListener('popstate', onChange)
    window.removeEventListener(NAVIGATE_EVENT, onChange)
  }
}

const snapshot = (): string => window.location.pathname + window.location.search

/** The current path + query string; re-renders on navigation. */
export function useLocation(): URL {
  const href = useSyncExternalStore(subscribe, snapshot)
  return new URL(href, window.location.origin)
}

export function navigate(to: string): void {
  window.history.pushState(null, '', to)
  window.dispatchEvent(new Event(NAVIGATE_EVENT))
  window.scrollTo(0, 0)
}

export function matchRoute(pathname: string): Route {
  if (pathname === '/' || pathname === '') return { name: 'home' }
  const parts = pathname.split('/').filter(Boolean).map(decodeURIComponent)
  if (parts[0] !== 's' || !parts[1]) return { name: 'notFound' }
  const sessionId = parts[1]
  if (parts.length === 2) return { name: 'board', sessionId }
  if (parts.length === 3 && parts[2] === 'tasks') return { name: 'tasks', sessionId }
  if (parts.length === 3 && parts[2] === 'replay') return { name: 'replay', sessionId }
  return { name: 'notFound' }
}

export const boardPath = (sessionId: string, token: string): string =>
  `/s/${encodeURIComponent(sessionId)}?token=${encodeURIComponent(token)}`
export const replayPath = (sessionId: string, token: string): string =>
  `/s/${encodeURIComponent(sessionId)}/replay?token=${encodeURIComponent(token)}`
export const tasksPath = (sessionId: string, token: string): string =>
  `/s/${encodeURIComponent(sessionId)}/tasks?token=${encodeURIComponent(token)}`

type LinkProps = AnchorHTMLAttributes<HTMLAnchorElement> & { href: string }

/** An in-app link: a plain click navigates without a reload, ctrl/cmd-click opens a tab as usual. */
export function Link({ href, onClick, ...rest }: LinkProps) {
  const handleClick = (event: MouseEvent<HTMLAnchorElement>) => {
    onClick?.(event)
    if (event.defaultPrevented || event.button !== 0) return
    if (event.metaKey || event.ctrlKey || event.shiftKey || event.altKey) return
    if (rest.target && rest.target !== '_self') return
    const url = new URL(href, window.location.href)
    if (url.origin !== window.location.origin) return
    event.preventDefault()
    navigate(url.pathname + url.search + url.hash)
  }
  return <a href={href} onClick={handleClick} {...rest} />
}
