// One attempt to post a JSON payload to a webhook: never follows a redirect, gives up after a
// timeout, and says in a sentence what went wrong and whether trying again may help. The URL
// never appears in what it returns (the facilitator and the logs see the channel's name only).
export type PostResult = { ok: true; status: number } | { ok: false; retry: boolean; reason: string }

const MAX_ANSWER_CHARS = 120

/** `stop` cuts an attempt short when the server shuts down. */
export async function postWebhook(url: URL, payload: unknown, label: string, timeoutMs: number, stop?: AbortSignal): Promise<PostResult> {
  let res: Response
  try {
    res = await fetch(url, {
      method: 'POST',
      headers: { 'content-type': 'application/json; charset=utf-8' },
      body: JSON.stringify(payload),
      redirect: 'manual',
      signal: stop ? AbortSignal.any([AbortSignal.timeout(timeoutMs), stop]) : AbortSignal.timeout(timeoutMs),
    })
  } catch (error) {
    const name = (error as Error).name
    if (stop?.aborted) return { ok: false, retry: false, reason: `the server stopped before ${label} answered` }
    if (name === 'TimeoutError' || name === 'AbortError') return { ok: false, retry: true, reason: `${label} did not answer within ${Math.round(timeoutMs / 100) / 10} s` }
    const code = ((error as { cause?: { code?: unknown } }).cause?.code as string | undefined) ?? 'network error'
    return { ok: false, retry: true, reason: `${label} could not be reached (${code})` }
  }
  const answer = (await res.text().catch(() => '')).replace(/\s+/g, ' ').trim().slice(0, MAX_ANSWER_CHARS)
  if (res.status >= 200 && res.status < 300) return { ok: true, status: res.status }
  if (res.status >= 300 && res.status < 400) {
    return { ok: false, retry: false, reason: `${label} answered with a redirect (${res.status}); Sandbox does not follow redirects, so check the webhook URL` }
  }
  const said = answer && !answer.startsWith('<') ? ` (${answer})` : ''
  const retry = res.status >= 500 || res.status === 429 || res.status === 408
  return { ok: false, retry, reason: `${label} answered ${res.status}${said}` }
}
