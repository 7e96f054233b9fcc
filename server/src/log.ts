// Logs: one JSON line per event for machines, or one short readable line per event on a terminal
// (LOG_FORMAT=json|pretty; pretty when stdout is a terminal, json otherwise). Tokens and chat webhook
// URLs never reach a log line in either format (see the redact paths).
import { pino, type DestinationStream, type Logger } from 'pino'

export type { Logger }

export const LOG_FORMATS = ['json', 'pretty'] as const
export type LogFormat = (typeof LOG_FORMATS)[number]

/** `LOG_FORMAT` when set; otherwise pretty for a person at a terminal, JSON for everything else. */
export function logFormatFor(env: NodeJS.ProcessEnv, isTTY: boolean): LogFormat {
  const wanted = env.LOG_FORMAT?.trim().toLowerCase()
  if (wanted === 'json' || wanted === 'pretty') return wanted
  if (wanted) throw new Error(`Invalid environment: LOG_FORMAT: expected json or pretty, got "${env.LOG_FORMAT}"`)
  return isTTY ? 'pretty' : 'json'
}

const LEVEL_NAMES: Record<number, string> = { 10: 'trace', 20: 'debug', 30: 'info', 40: 'warn', 50: 'error', 60: 'fatal' }
/** Fields every line carries, or that the line's message already says. */
const QUIET_FIELDS = new Set(['level', 'time', 'msg', 'service', 'pid', 'hostname', 'event'])

const shown = (value: unknown): string => {
  if (typeof value === 'string') return /\s/.test(value) || value === '' ? JSON.stringify(value) : value
  if (value instanceof Object && 'message' in value && typeof value.message === 'string') return JSON.stringify(value.message)
  return JSON.stringify(value)
}

/** One JSON log line as a person reads it: `09:31:02 warn  connection closed  code=4429 …`. */
export function prettyLine(json: string): string {
  let entry: Record<string, unknown>
  try {
    entry = JSON.parse(json) as Record<string, unknown>
  } catch {
    return json.endsWith('\n') ? json : `${json}\n`
  }
  const time = typeof entry.time === 'string' ? entry.time.slice(11, 19) : ''
  const level = LEVEL_NAMES[entry.level as number] ?? String(entry.level)
  const fields = Object.entries(entry)
    .filter(([key, value]) => !QUIET_FIELDS.has(key) && value !== undefined)
    .map(([key, value]) => `${key}=${shown(value)}`)
  const err = entry.err as { stack?: unknown } | undefined
  const stack = level !== 'info' && typeof err?.stack === 'string' ? `\n${err.stack}` : ''
  return `${time} ${level.padEnd(5)} ${String(entry.msg ?? entry.event ?? '')}${fields.length > 0 ? `  ${fields.join(' ')}` : ''}${stack}\n`
}

/** A destination that writes each line in the readable format. */
export const prettyDestination = (write: (text: string) => void): DestinationStream => ({ write: (line: string) => write(prettyLine(line)) })

/** `destination` lets tests read exactly what production would write (redaction included). */
export function createLogger(level: string, destination?: DestinationStream): Logger {
  const options = {
    level,
    base: { service: 'sandbox' },
    timestamp: pino.stdTimeFunctions.isoTime,
    redact: {
      paths: [
        'token',
        '*.token',
        'tokens',
        '*.tokens',
        'participantKey',
        '*.participantKey',
        'req.headers.authorization',
        // Chat webhook URLs are credentials: whoever holds one can post to the channel.
        'webhookUrl',
        '*.webhookUrl',
        'slackUrl',
        '*.slackUrl',
        'teamsUrl',
        '*.teamsUrl',
        'slackWebhookUrl',
        '*.slackWebhookUrl',
        'teamsWebhookUrl',
        '*.teamsWebhookUrl',
        'req.body',
      ],
      censor: '[redacted]',
    },
  }
  return destination ? pino(options, destination) : pino(options)
}
