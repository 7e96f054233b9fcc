// Sticky notes as tldraw records, for everything that writes the board without tldraw's editor:
// the tests, the benchmarks and other tools. A note written with missing fields is completed
// with tldraw's defaults by the server (`completeRecord`); fields that are present must be valid.
import { toRichText } from '@tldraw/tlschema'
import { DEFAULT_PAGE_ID } from './sessionDoc.ts'

/** Fields every shape has, with tldraw's defaults. */
const SHAPE_DEFAULTS = {
  x: 0,
  y: 0,
  rotation: 0,
  isLocked: false,
  opacity: 1,
  meta: {},
  parentId: DEFAULT_PAGE_ID,
} as const

/** A note's props with tldraw's defaults (NoteShapeUtil.getDefaultProps in tldraw 5). */
export const noteDefaultProps = (): Record<string, unknown> => ({
  color: 'yellow',
  labelColor: 'black',
  size: 'm',
  font: 'draw',
  // A multiplier of the size's font (tldraw 5): 0 draws the text at 0 px, an empty-looking sticky.
  fontSizeAdjustment: 1,
  align: 'middle',
  verticalAlign: 'middle',
  growY: 0,
  url: '',
  richText: toRichText(''),
  scale: 1,
  textLastEditedBy: null,
})

export interface StickyInit {
  id: string
  text?: string
  x?: number
  y?: number
  color?: string
  parentId?: string
  /** Fractional index among its siblings; any distinct 'a…' key orders them. */
  index?: string
}

/** A valid tldraw note record. */
export function stickyRecord(init: StickyInit): Record<string, unknown> {
  return {
    ...SHAPE_DEFAULTS,
    id: init.id,
    typeName: 'shape',
    type: 'note',
    x: init.x ?? 0,
    y: init.y ?? 0,
    index: init.index ?? 'a1',
    parentId: init.parentId ?? DEFAULT_PAGE_ID,
    props: { ...noteDefaultProps(), richText: toRichText(init.text ?? ''), ...(init.color ? { color: init.color } : {}) },
  }
}

/**
 * A new shape with only some of its fields, completed with defaults: what was given is kept as
 * it is (and must be valid), what is missing is filled in. Only notes get default props; other
 * shape types must come whole. Returns null when there is nothing sensible to complete.
 */
export function completeRecord(record: Readonly<Record<string, unknown>>): Record<string, unknown> | null {
  if (record.typeName !== 'shape') return null
  const completed: Record<string, unknown> = { ...SHAPE_DEFAULTS, index: 'a1', ...record }
  if (record.type === 'note') {
    const props = typeof record.props === 'object' && record.props !== null && !Array.isArray(record.props) ? record.props : {}
    completed.props = { ...noteDefaultProps(), ...props }
  }
  return completed
}
