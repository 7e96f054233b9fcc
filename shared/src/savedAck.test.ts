import * as decoding from 'lib0/decoding'
import { describe, expect, it } from 'vitest'
import * as Y from 'yjs'
import { MessageType } from './protocol.ts'
import { encodeSavedFrame, readSavedClocks } from './savedAck.ts'

describe('saved acknowledgement', () => {
  it('is a Yjs state vector behind its message type, read back by both Yjs and readSavedClocks', () => {
    const clocks = [[1, 10], [4_294_967_295, 0], [77, 123_456]] as const
    const frame = encodeSavedFrame(clocks)
    const ours = decoding.createDecoder(frame)
    expect(decoding.readVarUint(ours)).toBe(MessageType.saved)
    expect(readSavedClocks(ours)).toEqual(new Map(clocks))
    const theirs = decoding.createDecoder(frame)
    decoding.readVarUint(theirs)
    expect(Y.decodeStateVector(decoding.readVarUint8Array(theirs))).toEqual(new Map(clocks))
  })
})
