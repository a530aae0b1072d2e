/**
 * TRUSTED_HOSTS (Flask 3.1; Quart accepts the key and ignores it): a request whose Host is not in
 * the list is refused with 400 before it is routed, so a forged Host cannot reach urlFor, redirects
 * or password-reset links. An entry starting with a dot also trusts every subdomain.
 */

/** Whether `host` (a Host header, port allowed) is one of `trusted`; Werkzeug's host_is_trusted. */
export function isTrustedHost(host: string, trusted: readonly string[]): boolean {
  const name = stripPort(host).toLowerCase()
  if (!name) return false
  for (const entry of trusted) {
    const subdomains = entry.startsWith('.')
    const reference = stripPort(subdomains ? entry.slice(1) : entry).toLowerCase()
    if (name === reference) return true
    if (subdomains && name.endsWith(`.${reference}`)) return true
  }
  return false
}

function stripPort(host: string): string {
  if (host.startsWith('[')) {
    const end = host.indexOf(']')
    return end === -1 ? host : host.slice(0, end + 1)
  }
  const colon = host.lastIndexOf(':')
  return colon === -1 ? host : host.slice(0, colon)
}
