import { describe, expect, it } from 'vitest'
import { toRichText } from '@tldraw/tlschema'
import { richTextPlain } from './richTextPlain.ts'

describe('richTextPlain', () => {
  it('reads what typing on a sticky gives: paragraphs and hard breaks, marks ignored', () => {
    expect(richTextPlain(toRichText('One\nTwo'))).toBe('One\nTwo')
    expect(richTextPlain(toRichText(''))).toBe('')
    const marked = { type: 'doc', content: [{ type: 'paragraph', content: [{ type: 'text', text: 'bold', marks: [{ type: 'bold' }] }, { type: 'hardBreak' }, { type: 'text', text: 'after' }] }] }
    expect(richTextPlain(marked)).toBe('bold\nafter')
  })

  it('gives null for anything else, so a caller can fall back to a full renderer', () => {
    expect(richTextPlain({ type: 'doc', content: [{ type: 'bulletList', content: [] }] })).toBeNull()
    expect(richTextPlain({ type: 'doc', content: [{ type: 'paragraph', content: [{ type: 'mention' }] }] })).toBeNull()
    expect(richTextPlain('text')).toBeNull()
    expect(richTextPlain(null)).toBeNull()
  })
})
