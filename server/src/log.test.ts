import { describe, expect, it } from 'vitest'
import { createLogger, logFormatFor, prettyDestination, prettyLine } from './log.ts'

describe('log format', () => {
  it('is pretty on a terminal and JSON elsewhere, unless LOG_FORMAT says otherwise', () => {
    expect(logFormatFor({}, true)).toBe('pretty')
    expect(logFormatFor({}, false)).toBe('json')
    expect(logFormatFor({ LOG_FORMAT: 'json' }, true)).toBe('json')
    expect(logFormatFor({ LOG_FORMAT: 'Pretty' }, false)).toBe('pretty')
    expect(() => logFormatFor({ LOG_FORMAT: 'xml' }, true)).toThrow(/LOG_FORMAT/)
  })

  it('writes one readable line per event, with the fields that matter and tokens redacted', () => {
    const lines: string[] = []
    const log = createLogger('info', prettyDestination((text) => lines.push(text)))
    log.warn({ event: 'sync.refused', code: 4401, token: 'secret-token', reason: 'bad link' }, 'connection refused')
    log.debug({ event: 'hidden' }, 'below the level')
    expect(lines).toHaveLength(1)
    expect(lines[0]).toMatch(/^\d\d:\d\d:\d\d warn  connection refused  code=4401 token=\[redacted\] reason="bad link"\n$/)
    expect(lines[0]).not.toContain('secret-token')
  })

  it('passes a line that is not JSON through unchanged', () => {
    expect(prettyLine('plain text')).toBe('plain text\n')
  })
})

describe('chat webhook URLs in logs', () => {
  it('are redacted wherever a line would carry one', () => {
    const lines: string[] = []
    const log = createLogger('info', { write: (line: string) => void lines.push(line) })
    const url = 'https://hooks.slack.com/services/T000/B000/SECRETPART'
    log.info({ event: 'x', slackUrl: url, teamsUrl: url, webhookUrl: url, settings: { slackUrl: url, teamsWebhookUrl: url } }, 'settings')
    expect(lines).toHaveLength(1)
    expect(lines[0]).not.toContain('SECRETPART')
    expect(lines[0]).toContain('[redacted]')
  })
})
