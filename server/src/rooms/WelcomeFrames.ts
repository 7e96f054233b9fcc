// What a room hands newcomers, encoded once per change of the document: the whole document as one
// update (also what a checkpoint stores), sync step 1 (the room's state vector) and sync step 2 with
// the whole document. Encoding a large board takes tens of milliseconds, and when a meeting starts
// everyone opens the link at once: they all get the same bytes.
import * as Y from 'yjs'
import { syncStep1Frame, syncStep2Frame } from './roomCodec.ts'

export class WelcomeFrames {
  private readonly doc: Y.Doc
  private state: Uint8Array | null = null
  private step1: Uint8Array | null = null
  private step2: Uint8Array | null = null

  constructor(doc: Y.Doc) {
    this.doc = doc
  }

  /** The document changed: everything is encoded again when next asked for. */
  changed(): void {
    this.state = null
    this.step1 = null
    this.step2 = null
  }

  /** The whole document as one update. */
  fullState(): Uint8Array {
    return (this.state ??= Y.encodeStateAsUpdate(this.doc))
  }

  /** Sets the full-state bytes when they are already at hand (a checkpoint with no tail after it). */
  prime(state: Uint8Array): void {
    this.state = state
    this.step2 = null
  }

  /** Sync step 1 (the room's state vector). */
  step1Frame(): Uint8Array {
    return (this.step1 ??= syncStep1Frame(this.doc))
  }

  /** Sync step 2 with the whole document. */
  fullStateFrame(): Uint8Array {
    return (this.step2 ??= syncStep2Frame(this.fullState()))
  }
}
