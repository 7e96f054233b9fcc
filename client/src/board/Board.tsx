// The tldraw canvas for one session, bound to the store `useYjsStore` prepared.
import { useCallback, useMemo, useRef, type MouseEvent } from 'react'
import {
  DefaultStylePanel,
  Tldraw,
  atom,
  createTLCurrentUser,
  useEditor,
  useValue,
  type Editor,
  type TLComponents,
  type TLStore,
  type TLUiStylePanelProps,
  type TLUserPreferences,
} from 'tldraw'
import 'tldraw/tldraw.css'
import { AuthorLabels } from '../session/AuthorLabels.tsx'
import { assetUrls } from './assetUrls.ts'
import type { PresenceUser } from './presenceSync.ts'
import { isSafeLink } from './readRecord.ts'
import { LazyLabelNoteShapeUtil } from './noteShape.tsx'
import { NearbyNoteShapeTool } from './noteTool.ts'
import { warmNoteLabels } from './warmLabels.ts'
import { BoardLimits } from '@sandbox/shared/board'

/**
 * tldraw's style panel, shown only while there is something to style: shapes selected, or a tool
 * other than select and hand. Always open, it covered the top-right corner of the board.
 */
function StylePanelWhenUseful(props: TLUiStylePanelProps) {
  const editor = useEditor()
  const useful = useValue(
    'style panel useful',
    () => editor.getSelectedShapeIds().length > 0 || !['select', 'hand'].includes(editor.getCurrentToolId()),
    [editor],
  )
  return useful ? <DefaultStylePanel {...props} /> : null
}

// The top bar already lists who is here with names and colours; tldraw's own avatar row would repeat it.
const TLDRAW_COMPONENTS: TLComponents = { SharePanel: null, StylePanel: StylePanelWhenUseful, InFrontOfTheCanvas: AuthorLabels }
// What the server's asset route stores (it reads the type from the bytes); anything else, such as
// SVG or video, is refused here with tldraw's own message instead of a failed upload.
const IMAGE_TYPES = ['image/png', 'image/jpeg', 'image/gif', 'image/webp'] as const
const NO_VIDEO: readonly string[] = []
// Stickies whose text is measured only when asked (noteShape.ts): a big board opens without
// measuring every sticky's text first.
const SHAPE_UTILS = [LazyLabelNoteShapeUtil]
// The note tool looks for a free spot beside the notes near the click, not every note on the page.
const TOOLS = [NearbyNoteShapeTool]
// tldraw refuses new shapes past 4,000 on a page by default: on a 5,000-sticky board nobody could
// add one. The server's own limit on a board's records is the one that counts.
const TLDRAW_OPTIONS = { maxShapesPerPage: BoardLimits.MAX_RECORDS_PER_SESSION }

export interface BoardProps {
  store: TLStore
  user: PresenceUser
  readOnly: boolean
  licenseKey: string | undefined
  onEditor(editor: Editor | null): void
}

export function Board({ store, user, readOnly, licenseKey, onEditor }: BoardProps) {
  // Name and colour come from the participant record; tldraw's own preference menu may change
  // the rest (dark mode, snapping) but never who this person is.
  const currentUser = useMemo(() => {
    const pinned = { id: user.id, name: user.name, color: user.color }
    const $preferences = atom<TLUserPreferences>('user preferences', { ...pinned, colorScheme: 'light' })
    return createTLCurrentUser({
      userPreferences: $preferences,
      setUserPreferences: (next) => $preferences.set({ ...next, ...pinned }),
    })
  }, [user.id, user.name, user.color])

  const onEditorRef = useRef(onEditor)
  onEditorRef.current = onEditor
  const handleMount = useCallback(
    (editor: Editor) => {
      if (readOnly) editor.updateInstanceState({ isReadonly: true })
      onEditorRef.current(editor)
      // The HTML of the stickies around the view is made while the page is idle (warmLabels.ts).
      const stopWarming = warmNoteLabels(editor)
      return () => {
        stopWarming()
        onEditorRef.current(null)
      }
    },
    [readOnly],
  )

  // Last line of defence for links inside shapes and rich text: only http(s) and mailto open.
  const guardLinks = useCallback((event: MouseEvent<HTMLDivElement>) => {
    const anchor = (event.target as Element | null)?.closest?.('a[href]')
    if (anchor && !isSafeLink(anchor.getAttribute('href') ?? '', window.location.href)) {
      event.preventDefault()
      event.stopPropagation()
    }
  }, [])

  return (
    <div className="board-canvas" onClickCapture={guardLinks} onAuxClickCapture={guardLinks}>
      <Tldraw
        store={store}
        user={currentUser}
        licenseKey={licenseKey}
        assetUrls={assetUrls}
        acceptedImageMimeTypes={IMAGE_TYPES}
        acceptedVideoMimeTypes={NO_VIDEO}
        onMount={handleMount}
        components={TLDRAW_COMPONENTS}
        shapeUtils={SHAPE_UTILS}
        tools={TOOLS}
        options={TLDRAW_OPTIONS}
        autoFocus
      />
    </div>
  )
}
