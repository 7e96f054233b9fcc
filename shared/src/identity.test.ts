import { describe, expect, it } from 'vitest'
import { cleanName, colorFor, nameKey, PARTICIPANT_COLORS } from './identity.ts'

/** WCAG relative luminance of a #rrggbb colour. */
function luminance(hex: string): number {
  const channel = (i: number) => {
    const c = Number.parseInt(hex.slice(i, i + 2), 16) / 255
    return c <= 0.03928 ? c / 12.92 : ((c + 0.055) / 1.055) ** 2.4
  }
  return 0.2126 * channel(1) + 0.7152 * channel(3) + 0.0722 * channel(5)
}

describe('participant colours', () => {
  it('carry white text (names on avatars and chips) at WCAG AA contrast, 4.5:1 or more', () => {
    for (const color of PARTICIPANT_COLORS) expect(1.05 / (luminance(color) + 0.05), color).toBeGreaterThanOrEqual(4.5)
  })

  it('are distinct, and a participant id always maps to the same one', () => {
    expect(new Set(PARTICIPANT_COLORS).size).toBe(PARTICIPANT_COLORS.length)
    expect(colorFor('p_abc')).toBe(colorFor('p_abc'))
  })
})

describe('name keys', () => {
  it('treat names differing only in case, spacing or width as the same person', () => {
    expect(nameKey(cleanName('  member   A '))).toBe(nameKey('Member A'))
    expect(nameKey('MemberA')).toBe(nameKey('Member A'))
    expect(nameKey('Ｍｅｍｂｅｒ')).toBe(nameKey('member'))
  })

  it('keep an added initial or team apart', () => {
    expect(nameKey('Member A')).not.toBe(nameKey('Member A.'))
    expect(nameKey('Member A (Design)')).not.toBe(nameKey('Member A'))
  })
})
