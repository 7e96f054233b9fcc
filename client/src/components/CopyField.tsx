// A read-only link with a copy button; the confirmation is announced without renaming the button.
import { useEffect, useId, useRef, useState } from 'react'

export interface CopyFieldProps {
  label: string
  copyLabel: string
  value: string
  hint?: string
}

async function copyText(text: string, fallbackInput: HTMLInputElement | null): Promise<boolean> {
  try {
    await navigator.clipboard.writeText(text)
    return true
  } catch {
    // Clipboard API refused (plain http, permissions): select the text for a manual copy.
    fallbackInput?.select()
    return document.execCommand?.('copy') ?? false
  }
}

export function CopyField({ label, copyLabel, value, hint }: CopyFieldProps) {
  const id = useId()
  const inputRef = useRef<HTMLInputElement>(null)
  const [message, setMessage] = useState('')
  useEffect(() => {
    if (!message) return
    const timer = window.setTimeout(() => setMessage(''), 2500)
    return () => window.clearTimeout(timer)
  }, [message])

  const onCopy = async () => {
    const ok = await copyText(value, inputRef.current)
    setMessage(ok ? 'Copied' : 'Press Ctrl+C to copy')
  }

  return (
    <div className="copy-field">
      <label htmlFor={id} className="copy-field__label">
        {label}
      </label>
      {hint ? <p className="copy-field__hint">{hint}</p> : null}
      <div className="copy-field__row">
        <input
          id={id}
          ref={inputRef}
          className="input copy-field__input"
          type="text"
          readOnly
          value={value}
          onFocus={(e) => e.currentTarget.select()}
        />
        <button type="button" className="button button--secondary" aria-label={copyLabel} onClick={() => void onCopy()}>
          Copy
        </button>
        <span className="copy-field__message" role="status" aria-live="polite">
          {message}
        </span>
      </div>
    </div>
  )
}
