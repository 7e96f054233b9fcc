// Asked once per browser: the name others see next to this person's cursor and stickies. Asked
// again when the name is already someone else's in this session (the server says so), starting
// from the refused name so adding an initial is one keystroke.
import { useEffect, useId, useRef, useState, type FormEvent } from 'react'
import { MAX_NAME_LENGTH, cleanName } from '@sandbox/shared'

export interface NameDialogProps {
  sessionTitle: string
  busy: boolean
  error: string | null
  /** The name to start from: the one the server just refused. */
  initialName?: string | undefined
  onSubmit(name: string): void
}

export function NameDialog({ sessionTitle, busy, error, initialName, onSubmit }: NameDialogProps) {
  const dialogRef = useRef<HTMLDialogElement>(null)
  const headingId = useId()
  const inputId = useId()
  const errorId = useId()
  const inputRef = useRef<HTMLInputElement>(null)
  const [name, setName] = useState(initialName ?? '')
  const [touched, setTouched] = useState(false)
  // The server's refusal is about the name it was given; once that name is edited it no longer applies.
  const [submitted, setSubmitted] = useState(cleanName(initialName ?? ''))

  useEffect(() => {
    const dialog = dialogRef.current
    if (dialog && !dialog.open) dialog.showModal()
    const input = inputRef.current
    if (input && input.value) input.setSelectionRange(input.value.length, input.value.length)
  }, [])

  const cleaned = cleanName(name)
  const problem = touched && cleaned.length === 0 ? 'Type the name others will see.' : error && cleaned === submitted ? error : null

  const submit = (event: FormEvent) => {
    event.preventDefault()
    setTouched(true)
    if (cleaned.length === 0 || busy) return
    setSubmitted(cleaned)
    onSubmit(cleaned)
  }

  return (
    <dialog
      ref={dialogRef}
      className="dialog"
      aria-labelledby={headingId}
      // The board needs a name; Escape must not leave a half-joined page behind.
      onCancel={(e) => e.preventDefault()}
    >
      <form className="dialog__form" onSubmit={submit} noValidate>
        <h2 id={headingId} className="dialog__title">
          Join {sessionTitle ? `“${sessionTitle}”` : 'the board'}
        </h2>
        <p className="dialog__text">Pick the name the others will see next to your cursor. This browser remembers it.</p>
        <label htmlFor={inputId} className="field-label">
          Your name
        </label>
        <input
          ref={inputRef}
          id={inputId}
          className="input"
          type="text"
          autoComplete="name"
          autoFocus
          maxLength={MAX_NAME_LENGTH}
          value={name}
          onChange={(e) => setName(e.target.value)}
          aria-invalid={problem ? true : undefined}
          aria-describedby={problem ? errorId : undefined}
        />
        {problem ? (
          <p id={errorId} className="field-error" role="alert">
            {problem}
          </p>
        ) : null}
        <div className="dialog__actions">
          <button type="submit" className="button button--primary" disabled={busy}>
            Join board
          </button>
        </div>
      </form>
    </dialog>
  )
}
