// Notices a socket that has gone quiet without closing (wifi gone, laptop lid, a proxy that
// dropped the link): y-websocket only gives up after 30 s of silence, and the browser's `offline`
// event does not fire for a network that is up but leads nowhere. While the server has said
// nothing for PROBE_AFTER_MS we ask it for something (a sync step 1, which every y-websocket
// server answers with a sync step 2); if still nothing has come after SILENT_MS the socket is
// dead: we say so at once and let y-websocket close it and reconnect.
import * as encoding from 'lib0/encoding'
import * as syncProtocol from 'y-protocols/sync'
import type { WebsocketProvider } from 'y-websocket'
import { MessageType } from '@sandbox/shared'

export const PROBE_AFTER_MS = 3_000
export const SILENT_MS = 6_000
const CHECK_EVERY_MS = 500

export type HeartbeatVerdict = 'fine' | 'probe' | 'silent'

/** What to do after `quietMs` without a message, the last probe sent `sinceProbeMs` ago. */
export function heartbeatVerdict(quietMs: number, sinceProbeMs: number): HeartbeatVerdict {
  if (quietMs >= SILENT_MS) return 'silent'
  if (quietMs >= PROBE_AFTER_MS && sinceProbeMs >= PROBE_AFTER_MS) return 'probe'
  return 'fine'
}

/**
 * Watches `provider`'s socket; `onSilent` runs once per dead socket, and `onAlive` if that very
 * socket speaks again before y-websocket closed it (the network came back within seconds: the
 * socket is still synced, so no `sync` event would ever say Live again). Returns the stop function.
 */
export function watchHeartbeat(provider: WebsocketProvider, onSilent: () => void, onAlive: () => void): () => void {
  let probedAt = 0
  let silentSocket: WebSocket | null = null
  const timer = window.setInterval(() => {
    const ws = provider.ws
    // Until a socket has synced, the server may still be loading the room: y-websocket's own
    // patience applies, and the top bar says Connecting…, not Live.
    if (!ws || !provider.wsconnected || !provider.synced) return
    const now = Date.now()
    if (ws === silentSocket) {
      if (provider.wsLastMessageReceived > 0 && now - provider.wsLastMessageReceived < PROBE_AFTER_MS) {
        silentSocket = null
        onAlive()
      }
      return
    }
    const verdict = heartbeatVerdict(now - provider.wsLastMessageReceived, now - probedAt)
    if (verdict === 'probe' && ws.readyState === WebSocket.OPEN) {
      probedAt = now
      const e = encoding.createEncoder()
      encoding.writeVarUint(e, MessageType.sync)
      syncProtocol.writeSyncStep1(e, provider.doc)
      ws.send(encoding.toUint8Array(e))
    } else if (verdict === 'silent') {
      silentSocket = ws
      onSilent()
      // y-websocket's own check (every 3 s) closes a socket silent for 30 s and reconnects; this
      // makes the silence look that long, so it does both now instead of in 25 s.
      provider.wsLastMessageReceived = 0
    }
  }, CHECK_EVERY_MS)
  return () => window.clearInterval(timer)
}
