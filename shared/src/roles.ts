// The three roles a link can grant. Kept apart from schema.ts (which builds zod schemas when it
// loads) so the home page can name roles without downloading the document's schemas.
export const ROLES = ['participant', 'facilitator', 'viewer'] as const
export type Role = (typeof ROLES)[number]
