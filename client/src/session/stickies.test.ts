// A sticky's plain text read straight from its rich text (shared/src/richTextPlain.ts) must say what
// tldraw's own renderer says.
import { describe, expect, it } from 'vitest'
import { renderPlaintextFromRichText, toRichText, type Editor, type TLRichText } from 'tldraw'
import { richTextPlain } from '@sandbox/shared'

// tldraw's renderer only asks the editor for its text options (none here: tldraw's defaults).
const editor = { getTextOptions: () => ({}) } as unknown as Editor
const tldraws = (richText: TLRichText) => renderPlaintextFromRichText(editor, richText)

const paragraphs = (...texts: string[]): TLRichText =>
  ({ type: 'doc', content: texts.map((text) => ({ type: 'paragraph', ...(text ? { content: [{ type: 'text', text }] } : {}) })) }) as TLRichText

describe('richTextPlain', () => {
  it.each([
    ['one line', toRichText('Idea 7')],
    ['lines typed on a note', toRichText('first\nsecond\n\nfourth')],
    ['empty', toRichText('')],
    ['an empty paragraph between two', paragraphs('a', '', 'b')],
    ['marks', { type: 'doc', content: [{ type: 'paragraph', content: [{ type: 'text', text: 'bold', marks: [{ type: 'bold' }] }, { type: 'text', text: ' plain' }] }] } as TLRichText],
    ['a hard break', { type: 'doc', content: [{ type: 'paragraph', content: [{ type: 'text', text: 'a' }, { type: 'hardBreak' }, { type: 'text', text: 'b' }] }] } as TLRichText],
  ])('reads %s as tldraw does', (_name, richText) => {
    expect(richTextPlain(richText)).toBe(tldraws(richText))
  })

  it('leaves lists and headings to tldraw', () => {
    const list = { type: 'doc', content: [{ type: 'bulletList', content: [{ type: 'listItem', content: [{ type: 'paragraph', content: [{ type: 'text', text: 'x' }] }] }] }] } as TLRichText
    const heading = { type: 'doc', content: [{ type: 'heading', attrs: { level: 1 }, content: [{ type: 'text', text: 'Title' }] }] } as TLRichText
    expect(richTextPlain(list)).toBeNull()
    expect(richTextPlain(heading)).toBeNull()
    expect(richTextPlain({ type: 'doc', content: 'nope' } as unknown as TLRichText)).toBeNull()
    expect(richTextPlain({ type: 'doc' } as TLRichText)).toBeNull()
  })
})
