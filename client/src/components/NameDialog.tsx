// Asked once per browser: the name others see next to this person's cursor and stickies.
import { useEffect, useId, useRef, useState, type FormEvent } from 'react'
import { MAX_NAME_LENGTH, cleanName } from '@sandbox/shared'

export interface NameDialogProps {
  sessionTitle: string
  busy: boolean
  error: string | null
  onSubmit(name: string): void
}

export function NameDialog({ sessionTitle, busy, error, onSubmit }: NameDialogProps) {
  const dialogRef = useRef<HTMLDialogElement>(null)
  const headingId = useId()
  const inputId = useId()
  const errorId = useId()
  const [name, setName] = useState('')
  const [touched, setTouched] = useState(false)

  useEffect(() => {
    const dialog = dialogRef.current
    if (dialog && !dialog.open) dialog.showModal()
  }, [])

  const cleaned = cleanName(name)
  const problem = touched && cleaned.length === 0 ? 'Type the name others will see.' : error

  const submit = (event: FormEvent) => {
    event.preventDefault()
    setTouched(true)
    if (cleaned.length === 0 || busy) return
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
