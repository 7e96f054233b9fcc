// Which webhook URLs the server may post to: hosts in WEBHOOK_ALLOWED_HOSTS only. An entry is a
// host name (https only), `*.example.com` (any subdomain of it, https only), or `host:port`
// (that host and port exactly, plain http allowed: a receiver on this machine). URLs with a user
// name or password are refused. Nothing else is resolved or checked: the allow list is the boundary.
export type WebhookCheck = { ok: true; url: URL; host: string } | { ok: false; reason: string }

const defaultPort = (protocol: string): string => (protocol === 'https:' ? '443' : '80')

export function checkWebhookUrl(raw: string, allowed: readonly string[]): WebhookCheck {
  let url: URL
  try {
    url = new URL(raw)
  } catch {
    return { ok: false, reason: 'Refused: this is not a URL. Paste the webhook URL your chat gave you.' }
  }
  if (url.protocol !== 'https:' && url.protocol !== 'http:') return { ok: false, reason: 'Refused: a webhook URL starts with https://.' }
  if (url.username || url.password) return { ok: false, reason: 'Refused: a webhook URL carries no user name or password.' }
  const host = url.hostname.toLowerCase()
  const port = url.port || defaultPort(url.protocol)
  let httpsOnlyMatch = false
  for (const entry of allowed) {
    const e = entry.toLowerCase()
    if (/:\d+$/.test(e)) {
      if (e === `${host}:${port}`) return { ok: true, url, host }
      continue
    }
    const matches = e.startsWith('*.') ? host.endsWith(e.slice(1)) && host.length > e.length - 1 : host === e
    if (!matches) continue
    if (url.protocol === 'https:' && port === '443') return { ok: true, url, host }
    httpsOnlyMatch = true
  }
  if (httpsOnlyMatch) return { ok: false, reason: `Refused: ${host} is allowed over https only, on its usual port.` }
  return { ok: false, reason: `Refused: host not allowed (${host}). Whoever runs Sandbox can add it to WEBHOOK_ALLOWED_HOSTS.` }
}
