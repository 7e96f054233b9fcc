// Structured logs: one JSON line per event. Tokens never reach a log line (see the redact paths).
import { pino, type DestinationStream, type Logger } from 'pino'

export type { Logger }

/** `destination` lets tests read exactly what production would write (redaction included). */
export function createLogger(level: string, destination?: DestinationStream): Logger {
  const options = {
    level,
    base: { service: 'sandbox' },
    timestamp: pino.stdTimeFunctions.isoTime,
    redact: { paths: ['token', '*.token', 'tokens', '*.tokens', 'participantKey', '*.participantKey', 'req.headers.authorization'], censor: '[redacted]' },
  }
  return destination ? pino(options, destination) : pino(options)
}
