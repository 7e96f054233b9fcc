// A sticky's plain text read straight from its rich text must say what tldraw's own renderer says.
import { describe, expect, it } from 'vitest'
import { renderPlaintextFromRichText, toRichText, type Editor, type TLRichText } from 'tldraw'
import { simplePlainText } from './stickies.ts'

// tldraw's renderer only asks the editor for its text options (none here: tldraw's defaults).
const editor = { getTextOptions: () => ({}) } as unknown as Editor
const tldraws = (richText: TLRichText) => renderPlaintextFromRichText(editor, richText)

const paragraphs = (...texts: string[]): TLRichText =>
  ({ type: 'doc', content: texts.map((text) => ({ type: 'paragraph', ...(text ? { content: [{ type: 'text', text }] } : {}) })) }) as TLRichText

describe('simplePlainText', () => {
  it.each([
    ['one line', toRichText('Idea 7')],
    ['lines typed on a note', toRichText('first\nsecond\n\nfourth')],
    ['empty', toRichText('')],
    ['an empty paragraph between two', paragraphs('a', '', 'b')],
    ['marks', { type: 'doc', content: [{ type: 'paragraph', content: [{ type: 'text', text: 'bold', marks: [{ type: 'bold' }] }, { type: 'text', text: ' plain' }] }] } as TLRichText],
    ['a hard break', { type: 'doc', content: [{ type: 'paragraph', content: [{ type: 'text', text: 'a' }, { type: 'hardBreak' }, { type: 'text', text: 'b' }] }] } as TLRichText],
  ])('reads %s as tldraw does', (_name, richText) => {
    expect(simplePlainText(richText)).toBe(tldraws(richText))
  })

  it('leaves lists and headings to tldraw', () => {
    const list = { type: 'doc', content: [{ type: 'bulletList', content: [{ type: 'listItem', content: [{ type: 'paragraph', content: [{ type: 'text', text: 'x' }] }] }] }] } as TLRichText
    const heading = { type: 'doc', content: [{ type: 'heading', attrs: { level: 1 }, content: [{ type: 'text', text: 'Title' }] }] } as TLRichText
    expect(simplePlainText(list)).toBeNull()
    expect(simplePlainText(heading)).toBeNull()
    expect(simplePlainText({ type: 'doc', content: 'nope' } as unknown as TLRichText)).toBeNull()
    expect(simplePlainText({ type: 'doc' } as TLRichText)).toBeNull()
  })
})
