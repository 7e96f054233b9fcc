// tldraw needs a license key in production. Without one, tldraw hides the editor on a production
// origin; say plainly why and what the person running the server should do.
const LOOPBACK_HOSTS = new Set(['localhost', '127.0.0.1', '[::1]', '::1'])

export const isProductionOrigin = (): boolean =>
  window.location.protocol === 'https:' && !LOOPBACK_HOSTS.has(window.location.hostname)

export function LicenseNotice() {
  return (
    <div className="notice notice--warning" role="note" aria-label="License notice">
      <strong>This server has no tldraw license key.</strong> The whiteboard needs one when served over HTTPS. Whoever runs
      Sandbox: set <code>TLDRAW_LICENSE_KEY</code> in the server’s environment and restart it.
    </div>
  )
}
