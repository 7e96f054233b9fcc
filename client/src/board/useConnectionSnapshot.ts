import { useSyncExternalStore } from 'react'
import type { BoardConnection, ConnectionSnapshot } from './connection.ts'

const IDLE: ConnectionSnapshot = { connection: 'connecting', save: 'saved', fatal: null, everSynced: false, localLoaded: false }
const noop = () => () => {}

export function useConnectionSnapshot(connection: BoardConnection | null): ConnectionSnapshot {
  return useSyncExternalStore(connection ? connection.subscribe : noop, connection ? connection.getSnapshot : () => IDLE)
}
