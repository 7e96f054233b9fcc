// The replay's badges over tldraw's stickies (ReplayBadgeLayer.tsx), placed where tldraw draws them.
import type { Editor } from 'tldraw'
import { useStickyPlacements } from '../session/stickies.ts'
import { ReplayBadgeLayer, type ReplayBadgeLayerProps } from './ReplayBadgeLayer.tsx'

export function ReplayBadges({ editor, ...rest }: Omit<ReplayBadgeLayerProps, 'placements'> & { editor: Editor | null }) {
  return <ReplayBadgeLayer placements={useStickyPlacements(editor)} {...rest} />
}
