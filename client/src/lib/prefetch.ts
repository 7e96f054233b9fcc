// GETs a page is sure to make, started as soon as the address is known instead of after its code
// has downloaded: the replay's code carries tldraw (~500 kB gzip), and the server can read the
// session's log while the browser is still fetching and compiling it. Each prefetched response is
// handed out once, to the first request for the same path and token; later requests fetch afresh.
const started = new Map<string, Promise<Response>>()

const keyOf = (path: string, token: string): string => `${token}\u0000${path}`

export function prefetch(path: string, token: string): void {
  const key = keyOf(path, token)
  if (started.has(key)) return
  const response = fetch(path, { headers: { Authorization: `Bearer ${token}` } })
  // A failure is seen (and reported) by the request that takes it; none may take it at all.
  response.catch(() => undefined)
  started.set(key, response)
}

/** The prefetched response for this GET, if there is one not yet taken. */
export function takePrefetched(path: string, token: string | undefined): Promise<Response> | null {
  if (!token) return null
  const key = keyOf(path, token)
  const response = started.get(key)
  if (!response) return null
  started.delete(key)
  return response
}
