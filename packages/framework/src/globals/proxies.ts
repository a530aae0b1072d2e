/**
 * The proxies users import: `request`, `g` and `currentApp`. Each reads the context of the code
 * running now (context.ts) and throws a clear error outside of one.
 */

import type { Session } from '@flagon/sessions'
import type { Flagon } from '../app.js'
import { currentFrame } from '../context.js'
import type { Request } from '../wrappers/request.js'
import type { Websocket } from '../wrappers/websocket.js'
import type { Globals } from './g.js'

/** The contexts a proxy can need. */
export type ContextKind = 'app' | 'request' | 'websocket' | 'request or websocket'

const whereToGetOne: Record<ContextKind, string> = {
  app: 'It exists while a request is handled, or inside app.appContext().run(() => …) in a test or script.',
  request:
    "It exists only while a request is handled; in a test or script, create one with app.testRequestContext('/path').",
  websocket:
    'It exists only inside a websocket handler and the hooks it runs (beforeWebsocket, afterWebsocket, teardownWebsocket).',
  'request or websocket':
    "It exists while a request or websocket is handled; in a test or script, create one with app.testRequestContext('/path').",
}

/** Thrown when a proxy is used where its context does not exist. */
export class ContextError extends Error {
  constructor(
    readonly proxy: string,
    readonly context: ContextKind,
  ) {
    super(
      `\`${proxy}\` was used outside ${context === 'app' ? 'an' : 'a'} ${context} context. ${whereToGetOne[context]}`,
    )
    this.name = 'ContextError'
  }
}

/** The request being handled now. */
export const request: Request = proxyOf(() => {
  const ctx = currentFrame()?.request
  if (!ctx) throw new ContextError('request', 'request')
  return ctx.request
})

/** The websocket being served now. */
export const websocket: Websocket = proxyOf(() => {
  const ctx = currentFrame()?.websocket
  if (!ctx) throw new ContextError('websocket', 'websocket')
  return ctx.websocket
})

/** True inside a websocket context. */
export function hasWebsocketContext(): boolean {
  return currentFrame()?.websocket !== undefined
}

/**
 * The session of the current request or websocket. Any use of it marks it accessed, so the
 * response varies on Cookie (Flask 3.1.3's rule), even when the request only read it.
 */
export const session: Session = proxyOf(() => {
  const frame = currentFrame()
  const ctx = frame?.request ?? frame?.websocket
  if (!ctx) throw new ContextError('session', 'request or websocket')
  ctx.session.accessed = true
  return ctx.session
})

/** The app handling the current request (or the app of the current app context). */
export const currentApp: Flagon = proxyOf(() => {
  const frame = currentFrame()
  if (!frame) throw new ContextError('currentApp', 'app')
  return frame.app.app
})

/** The namespace of the current app context. */
export const g: Globals = proxyOf(() => {
  const frame = currentFrame()
  if (!frame) throw new ContextError('g', 'app')
  return frame.app.g
})

/** True inside a request context. */
export function hasRequestContext(): boolean {
  return currentFrame()?.request !== undefined
}

/** True inside an app context (every request context is in one). */
export function hasAppContext(): boolean {
  return currentFrame() !== undefined
}

const currentObjectKey = Symbol('flagon.currentObject')

/**
 * The object a proxy stands for right now, to keep beyond the current context: the connection
 * behind `websocket` (to put in a chat room), the request behind `request`. Werkzeug's
 * `_get_current_object()`.
 * @example room.add(currentObject(websocket))
 * @throws ContextError outside the proxy's context.
 */
export function currentObject<T extends object>(proxy: T): T {
  const object = (proxy as Record<symbol, unknown>)[currentObjectKey]
  if (object === undefined)
    throw new TypeError(
      'currentObject() takes one of the proxies: request, websocket, session, g or currentApp.',
    )
  return object as T
}

function proxyOf<T extends object>(target: () => object): T {
  // Methods are bound to the real object, so that #private fields work through the proxy.
  return new Proxy(Object.create(null) as T, {
    get(_, prop) {
      const object = target()
      if (prop === currentObjectKey) return object
      const value = Reflect.get(object, prop, object)
      return typeof value === 'function' ? value.bind(object) : value
    },
    set: (_, prop, value) => Reflect.set(target(), prop, value),
    has: (_, prop) => Reflect.has(target(), prop),
    deleteProperty: (_, prop) => Reflect.deleteProperty(target(), prop),
    ownKeys: () => Reflect.ownKeys(target()),
    getOwnPropertyDescriptor(_, prop) {
      const descriptor = Reflect.getOwnPropertyDescriptor(target(), prop)
      return descriptor && { ...descriptor, configurable: true }
    },
    getPrototypeOf: () => Reflect.getPrototypeOf(target()),
    defineProperty: (_, prop, descriptor) => Reflect.defineProperty(target(), prop, descriptor),
  })
}
