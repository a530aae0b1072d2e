/**
 * Flashed messages (Flask's `flash` and `get_flashed_messages`): a message stored in the session
 * now and shown once, usually on the next page. They live under the session key `_flashes` as
 * `(category, message)` tuples, which Flask's tagged JSON writes as `{" t": ["info", "hi"]}`, so
 * flashes cross between Flask/Quart and Flagon in the session cookie.
 */
import { type Session, tuple } from '@flagon/sessions'
import { currentFrame, type RequestContext } from '../context.js'
import { ContextError } from '../globals/proxies.js'
import type { HasHTML } from './markup.js'
import { getSession } from './session.js'
import { messageFlashed } from './signals.js'

/** A flashed message: text, or markup to show unescaped. */
export type FlashMessage = string | HasHTML
/** A message with its category, as stored. */
export type FlashEntry = readonly [category: string, message: FlashMessage]

/** Options of {@link getFlashedMessages}. */
export interface FlashedMessagesOptions {
  /** Return `[category, message]` pairs instead of messages. */
  withCategories?: boolean
  /** Only the messages of these categories; the others are dropped all the same. */
  categoryFilter?: readonly string[]
}

/**
 * Stores `message` in the session for the next `getFlashedMessages()`, and sends `messageFlashed`.
 * @example await flash('Saved.', 'info')
 * @throws ContextError outside a request context.
 * @throws SessionUnavailableError when SECRET_KEY is not set (the session is a null session).
 */
export async function flash(message: FlashMessage, category = 'message'): Promise<void> {
  const frame = currentFrame()
  if (!frame?.request) throw new ContextError('flash', 'request')
  const session = getSession() as Session
  const flashes = session.get('_flashes')
  session.set('_flashes', [...(Array.isArray(flashes) ? flashes : []), tuple(category, message)])
  await messageFlashed.send(frame.app.app, { message, category })
}

/**
 * The messages flashed so far, taken out of the session: the first call in a request pops them,
 * later calls in the same request return the same ones. A `categoryFilter` filters after popping,
 * so the messages it leaves out are gone, as in Flask.
 * @example getFlashedMessages({ withCategories: true }) // [['info', 'Saved.']]
 * @throws ContextError outside a request context.
 */
export function getFlashedMessages(
  options?: FlashedMessagesOptions & { withCategories?: false },
): FlashMessage[]
export function getFlashedMessages(options: FlashedMessagesOptions & { withCategories: true }): FlashEntry[]
export function getFlashedMessages(options?: FlashedMessagesOptions): FlashMessage[] | FlashEntry[]
export function getFlashedMessages(options: FlashedMessagesOptions = {}): FlashMessage[] | FlashEntry[] {
  const ctx = currentFrame()?.request
  if (!ctx) throw new ContextError('getFlashedMessages', 'request')
  let flashes = popped.get(ctx)
  if (!flashes) {
    flashes = popFlashes()
    popped.set(ctx, flashes)
  }
  const { withCategories = false, categoryFilter = [] } = options
  const kept = categoryFilter.length
    ? flashes.filter(([category]) => categoryFilter.includes(category))
    : flashes
  return withCategories ? kept : kept.map(([, message]) => message)
}

/**
 * `getFlashedMessages` as templates call it: Flask's positional `(with_categories, category_filter)`
 * or keyword arguments, in Jinja's spelling or Flagon's.
 * @example {% for category, message in get_flashed_messages(with_categories=true) %}
 */
export function getFlashedMessagesForTemplates(...args: unknown[]): FlashMessage[] | FlashEntry[] {
  const last = args[args.length - 1]
  const keywords =
    typeof last === 'object' && last !== null && !Array.isArray(last) ? (args.pop() as Keywords) : {}
  const [withCategories = keywords.with_categories ?? keywords.withCategories, categoryFilter] = args
  return getFlashedMessages({
    withCategories: Boolean(withCategories),
    categoryFilter: (categoryFilter ?? keywords.category_filter ?? keywords.categoryFilter ?? []) as string[],
  })
}

type Keywords = Record<string, unknown>

// Flask keeps the popped messages on the request context (`request_ctx.flashes`).
const popped = new WeakMap<RequestContext, FlashEntry[]>()

function popFlashes(): FlashEntry[] {
  const session = getSession()
  if (!session?.has('_flashes')) return []
  const flashes = session.get('_flashes')
  session.delete('_flashes')
  return Array.isArray(flashes) ? (flashes as FlashEntry[]) : []
}
