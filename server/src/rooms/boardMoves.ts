// The hot path of judging the board: people dragging stickies change a record's position (`xy`)
// and sometimes its `meta`, many times a second. Such a change is judged field by field here,
// without tldraw's validators or a walk of the whole record; anything else takes the full path.
import * as Y from 'yjs'
import { POSITION_KEY } from '@sandbox/shared'
import { BoardLimits, recordChars, valueChars } from '@sandbox/shared/board'
import type { BoardRecord } from './BoardGuard.ts'

const FAST_FIELDS: ReadonlySet<string> = new Set([POSITION_KEY, 'meta'])

export const isPosition = (xy: unknown): xy is [number, number] =>
  Array.isArray(xy) && xy.length === 2 && Number.isFinite(xy[0]) && Number.isFinite(xy[1])

/** A value JSON can carry as it is (no binary, bigint, undefined or non-finite number). */
function isPlainJson(value: unknown, depth = 0): boolean {
  if (value === null || typeof value === 'string' || typeof value === 'boolean') return true
  if (typeof value === 'number') return Number.isFinite(value)
  if (depth > 32 || typeof value !== 'object') return false
  if (Array.isArray(value)) return value.every((v) => isPlainJson(v, depth + 1))
  if (Object.getPrototypeOf(value) !== Object.prototype) return false
  return Object.values(value).every((v) => isPlainJson(v, depth + 1))
}

/**
 * The record after a change of only its position (`xy` in storage) and/or its `meta`, the hot
 * path of people dragging stickies; null when anything else changed or the new values are not
 * valid (the full judgement then decides, with tldraw's validators).
 */
export function movedRecord(before: BoardRecord, fields: ReadonlySet<string>, map: unknown): BoardRecord | null {
  if (!(map instanceof Y.Map) || !('x' in before)) return null
  for (const field of fields) if (!FAST_FIELDS.has(field)) return null
  const moved = { ...before }
  if (fields.has(POSITION_KEY)) {
    const xy = map.get(POSITION_KEY)
    if (!isPosition(xy)) return null
    moved.x = xy[0]
    moved.y = xy[1]
  }
  if (fields.has('meta')) {
    const meta = map.get('meta')
    if (typeof meta !== 'object' || meta === null || Array.isArray(meta) || !isPlainJson(meta)) return null
    moved.meta = meta
    // Only a larger meta can take the record past its size bound; the rest is measured once.
    let rest = charsWithoutMeta.get(before)
    if (rest === undefined) rest = recordChars(before, 'meta')
    if (rest + POSITION_SLACK_CHARS + valueChars(meta) > BoardLimits.MAX_RECORD_JSON_CHARS) return null
    charsWithoutMeta.set(moved, rest)
  }
  return moved
}

/** JSON length of an accepted record but its meta, measured before its position last changed. */
const charsWithoutMeta = new WeakMap<BoardRecord, number>()
/** What a position's digits can add to that (two numbers of at most 24 characters each). */
const POSITION_SLACK_CHARS = 64
