import { describe, expect, it } from 'vitest'
import { DEFAULT_WEBHOOK_ALLOWED_HOSTS } from '../config.ts'
import { checkWebhookUrl } from './webhookHosts.ts'

const allowed = [...DEFAULT_WEBHOOK_ALLOWED_HOSTS, '127.0.0.1:4567']
const verdict = (url: string) => {
  const check = checkWebhookUrl(url, allowed)
  return check.ok ? 'ok' : check.reason
}

describe('the webhook allow list', () => {
  it("lets Slack's and Microsoft's webhook hosts through over https", () => {
    expect(verdict('https://hooks.slack.com/services/T0/B0/x')).toBe('ok')
    expect(verdict('https://prod-12.westeurope.logic.azure.com:443/workflows/abc/triggers/manual/paths/invoke?sig=x')).toBe('ok')
    expect(verdict('https://contoso.webhook.office.com/webhookb2/x')).toBe('ok')
    expect(verdict('https://default1234.56.environment.api.powerplatform.com/powerautomate/x')).toBe('ok')
  })

  it('matches a wildcard on subdomains only, never on look-alikes', () => {
    expect(verdict('https://logic.azure.com/x')).toMatch(/^Refused: host not allowed \(logic\.azure\.com\)/)
    expect(verdict('https://evillogic.azure.com/x')).toMatch(/host not allowed/)
    expect(verdict('https://hooks.slack.com.evil.example/x')).toMatch(/host not allowed/)
    expect(verdict('https://x.hooks.slack.com/x')).toMatch(/host not allowed/)
  })

  it('wants https on the usual port, except for an explicit host:port entry', () => {
    expect(verdict('http://hooks.slack.com/services/x')).toBe('Refused: hooks.slack.com is allowed over https only, on its usual port.')
    expect(verdict('https://hooks.slack.com:8443/services/x')).toMatch(/https only/)
    expect(verdict('http://127.0.0.1:4567/slack')).toBe('ok')
    expect(verdict('http://127.0.0.1:4568/slack')).toMatch(/host not allowed \(127\.0\.0\.1\)/)
    expect(verdict('http://localhost:4567/slack')).toMatch(/host not allowed/)
  })

  it('refuses what is not a web URL, and URLs with credentials', () => {
    expect(verdict('hooks.slack.com/services/x')).toMatch(/not a URL/)
    expect(verdict('ftp://hooks.slack.com/x')).toMatch(/https:\/\//)
    expect(verdict('https://user:pass@hooks.slack.com/x')).toMatch(/no user name or password/)
  })
})
