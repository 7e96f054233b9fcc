// The plain text of a tldraw rich-text value (TipTap JSON) when it is what typing on a sticky
// gives: paragraphs of text and hard breaks. Read straight from the JSON, without tldraw's
// renderer (which builds a TipTap schema per call and lives in tldraw's chunk): paragraphs are
// joined by a line break, a hard break is a line break, marks are ignored. Anything else (lists,
// headings, unknown nodes) gives null, for callers that can fall back to tldraw's renderer.

interface RichNode {
  type?: unknown
  text?: unknown
  content?: unknown
}

export function richTextPlain(richText: unknown): string | null {
  const doc = richText as RichNode | null
  if (typeof doc !== 'object' || doc === null || doc.type !== 'doc' || !Array.isArray(doc.content)) return null
  const paragraphs: string[] = []
  for (const block of doc.content as RichNode[]) {
    if (typeof block !== 'object' || block === null || block.type !== 'paragraph') return null
    let text = ''
    if (block.content !== undefined) {
      if (!Array.isArray(block.content)) return null
      for (const inline of block.content as RichNode[]) {
        if (typeof inline !== 'object' || inline === null) return null
        if (inline.type === 'text' && typeof inline.text === 'string') text += inline.text
        else if (inline.type === 'hardBreak') text += '\n'
        else return null
      }
    }
    paragraphs.push(text)
  }
  return paragraphs.join('\n')
}
