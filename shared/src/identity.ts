// Participant colours: distinct on a white board, and white text on each reaches the 4.5:1
// contrast WCAG AA asks of normal text (the greens, orange and teal were darkened for it).
export const PARTICIPANT_COLORS = [
  '#e03131', '#1971c2', '#2b7a3b', '#b35900', '#9c36b5', '#0b7285',
  '#c2255c', '#4f7a0b', '#6741d9', '#c2410c', '#1864ab', '#087f5b',
] as const

/** A colour picked from the participant id, so the same person keeps the same colour everywhere. */
export function colorFor(participantId: string): string {
  let h = 0
  for (let i = 0; i < participantId.length; i++) h = (Math.imul(h, 31) + participantId.charCodeAt(i)) | 0
  return PARTICIPANT_COLORS[Math.abs(h) % PARTICIPANT_COLORS.length] as string
}

export const MAX_NAME_LENGTH = 40
export const cleanName = (name: string): string => name.replace(/\s+/g, ' ').trim().slice(0, MAX_NAME_LENGTH)

/**
 * What two names must not share in one session, so people can tell each other apart: case,
 * spacing and compatibility forms (full-width letters, ligatures) do not count.
 */
export const nameKey = (name: string): string => name.normalize('NFKC').replace(/\s+/g, '').toLocaleLowerCase('en')

/** The sentence a second person with a name already taken meets. */
export const nameTakenMessage = (name: string): string =>
  `Someone called “${name}” is already here. Add an initial or your team so people can tell you apart.`
