/**
 * `urlFor()`: the URL of an endpoint, built from the current request (or SERVER_NAME outside one),
 * after the app's and the endpoint's blueprints' `urlDefaults` functions have filled in values.
 */
import { currentFrame } from '../context.js'
import { ContextError } from '../globals/proxies.js'
import { beforeOrder } from '../lifecycle/hooks.js'

/** The values of `urlFor`: the rule's parameters, extra values (query string) and the options. */
export type UrlForValues = Record<string, unknown> & {
  /** An absolute URL with scheme and host. */
  _external?: boolean
  /** The scheme of an absolute URL; implies `_external`. */
  _scheme?: string
  /** A fragment, percent-encoded. */
  _anchor?: string
  /** Picks among rules that share the endpoint. */
  _method?: string
}

/**
 * The URL of `endpoint` with `values`. `.name` means an endpoint of the current blueprint.
 * Websocket endpoints always give absolute `ws://`/`wss://` URLs.
 * @example urlFor('user', { id: 3, tab: 'posts' }) // '/users/3?tab=posts'
 * @throws BuildError when the endpoint is unknown or a parameter is missing.
 * @throws ContextError outside an app context.
 */
export function urlFor(endpoint: string, values: UrlForValues = {}): string {
  const frame = currentFrame()
  if (!frame) throw new ContextError('urlFor', 'app')
  const app = frame.app.app
  const request = frame.request?.request ?? frame.websocket?.handshake
  const { _external, _scheme, _anchor, _method, ...rest } = values
  if (endpoint.startsWith('.')) {
    const blueprint = request?.endpoint?.includes('.')
      ? request.endpoint.slice(0, request.endpoint.lastIndexOf('.'))
      : ''
    endpoint = blueprint ? `${blueprint}${endpoint}` : endpoint.slice(1)
  }
  const params: Record<string, unknown> = { ...rest }
  injectUrlDefaults(app, endpoint, params)

  let scheme: string
  let host: string
  let root: string
  let external: boolean
  if (request) {
    if (_scheme !== undefined && _external === false) {
      throw new Error(`urlFor("${endpoint}"): _scheme needs an absolute URL; drop _external: false.`)
    }
    external = _external ?? _scheme !== undefined
    scheme = _scheme ?? request.scheme
    host = request.host
    root = request.rootPath
  } else {
    const serverName = app.config.SERVER_NAME as string | null
    if (!serverName) {
      throw new Error(
        `urlFor("${endpoint}") was called outside a request, where the host is unknown. ` +
          'Set app.config.SERVER_NAME (e.g. "example.com") to build URLs in scripts and background work.',
      )
    }
    external = _external ?? true
    // Quart reads PREFER_SECURE_URLS and ignores Flask's PREFERRED_URL_SCHEME; either asks for https here.
    scheme =
      _scheme ??
      (app.config.PREFER_SECURE_URLS || app.config.PREFERRED_URL_SCHEME === 'https' ? 'https' : 'http')
    host = serverName
    root = String(app.config.APPLICATION_ROOT ?? '/').replace(/\/$/, '')
  }

  // With subdomain matching, prefer a rule of the current subdomain; another subdomain needs its host.
  const here = app.subdomainMatching ? (app.subdomainOf(host) ?? '') : undefined
  const built = app.urlMap.build(endpoint, params, {
    ...(_method !== undefined && { method: _method }),
    ...(here !== undefined && { host: here }),
  })
  if (here !== undefined && built.host !== here) {
    external = true
    const serverName = String(app.config.SERVER_NAME ?? host)
    host = built.host ? `${built.host}.${serverName}` : serverName
  }
  if (built.rule.websocket) {
    external = true
    scheme = scheme === 'https' || scheme === 'wss' ? 'wss' : 'ws'
  }
  let url = `${root}${built.path}`
  if (external) url = `${scheme}://${host}${url}`
  if (_anchor !== undefined) url += `#${encodeAnchor(String(_anchor))}`
  return url
}

/** Runs the `urlDefaults` functions of the app and of the endpoint's blueprints on `values`. */
export function injectUrlDefaults(
  app: import('../app.js').Flagon,
  endpoint: string,
  values: Record<string, unknown>,
): void {
  const dot = endpoint.lastIndexOf('.')
  const parts = dot === -1 ? [] : endpoint.slice(0, dot).split('.')
  const blueprints = parts.map((_, i) => parts.slice(0, parts.length - i).join('.'))
  for (const fn of beforeOrder(app.urlDefaultFuncs, blueprints)) fn(endpoint, values)
}

// Werkzeug keeps these characters of a fragment as they are.
function encodeAnchor(anchor: string): string {
  return encodeURIComponent(anchor).replace(/%(21|23|24|26|27|28|29|2A|2B|2C|2F|3A|3B|3D|3F|40)/gi, (m) =>
    decodeURIComponent(m),
  )
}
