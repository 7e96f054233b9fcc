// Structured logs: one JSON line per event. Tokens never reach a log line (see the redact paths).
import { pino, type Logger } from 'pino'

export type { Logger }

export function createLogger(level: string): Logger {
  return pino({
    level,
    base: { service: 'sandbox' },
    timestamp: pino.stdTimeFunctions.isoTime,
    redact: { paths: ['token', '*.token', 'tokens', '*.tokens', 'participantKey', '*.participantKey', 'req.headers.authorization'], censor: '[redacted]' },
  })
}
