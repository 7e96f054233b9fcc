// The soft two-note chime when the shared timer runs out, made with the Web Audio API (no audio
// files to serve). Browsers only let a page start sound after the person has interacted with it,
// so the context is created on the first pointer or key press and reused; where audio is missing
// or blocked, nothing is played and nothing throws: the banner still says time is up.

type AudioContextConstructor = new () => AudioContext

/** Low: a nudge, not an alarm. */
export const CHIME_GAIN = 0.06
/** A rising fifth (E5 → B5), each note fading out over most of a second. */
export const CHIME_NOTES_HZ = [659.25, 987.77] as const
const NOTE_GAP_S = 0.22
const NOTE_LENGTH_S = 0.9

let shared: AudioContext | null = null

function audioContextConstructor(): AudioContextConstructor | null {
  const g = globalThis as { AudioContext?: AudioContextConstructor; webkitAudioContext?: AudioContextConstructor }
  return g.AudioContext ?? g.webkitAudioContext ?? null
}

function context(): AudioContext | null {
  if (shared && shared.state !== 'closed') return shared
  const Ctor = audioContextConstructor()
  if (!Ctor) return null
  shared = new Ctor()
  return shared
}

/** Creates (or wakes) the audio context; call from a user gesture. Never throws. */
export function primeAudio(): void {
  try {
    const ctx = context()
    if (ctx && ctx.state === 'suspended') void ctx.resume().catch(() => {})
  } catch {
    // Audio is unavailable here; the chime stays silent.
  }
}

/** Plays the chime once. Returns whether it was scheduled; never throws. */
export function playChime(): boolean {
  try {
    const ctx = context()
    if (!ctx) return false
    if (ctx.state === 'suspended') void ctx.resume().catch(() => {})
    const start = ctx.currentTime + 0.02
    const master = ctx.createGain()
    master.gain.value = CHIME_GAIN
    master.connect(ctx.destination)
    CHIME_NOTES_HZ.forEach((hz, i) => {
      const t = start + i * NOTE_GAP_S
      const osc = ctx.createOscillator()
      osc.type = 'sine'
      osc.frequency.value = hz
      const envelope = ctx.createGain()
      envelope.gain.setValueAtTime(0.0001, t)
      envelope.gain.exponentialRampToValueAtTime(1, t + 0.02)
      envelope.gain.exponentialRampToValueAtTime(0.0001, t + NOTE_LENGTH_S)
      osc.connect(envelope)
      envelope.connect(master)
      osc.start(t)
      osc.stop(t + NOTE_LENGTH_S + 0.05)
    })
    return true
  } catch {
    return false
  }
}

/** For tests: forget the shared context. */
export function resetAudioForTests(): void {
  shared = null
}
