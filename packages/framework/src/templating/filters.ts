/**
 * Registered functions as nunjucks calls them, and Flagon's own filters. nunjucks' async filters
 * take a callback; an `async function` registered as a filter is adapted to one. Flagon adds
 * Flask's `tojson` and replaces `escape`/`e` so that markup passes through them unchanged.
 */
import { AsyncLocalStorage } from 'node:async_hooks'
import { types } from 'node:util'
import nunjucks from 'nunjucks'
import type { Flagon } from '../app.js'
import { defaultJSONProvider, type JSONProvider } from '../json.js'
import { recordCulprit } from './errors.js'
import { escape as escapeMarkup, Markup } from './markup.js'
import type { TemplateFilter } from './registry.js'

type Callback = (error: unknown, result?: unknown) => void

/**
 * How the render in progress fails. nunjucks continues a template inside an async filter's
 * callback without a try/catch, so an error thrown there would otherwise be lost (and the render
 * never finish); render.ts sets this for each render.
 */
export const renderFailure = new AsyncLocalStorage<(error: unknown) => void>()

/** A registered filter as nunjucks calls it, and whether nunjucks must treat it as async. */
export function adaptFilter(
  name: string,
  fn: TemplateFilter,
): { filter: (...args: any[]) => unknown; isAsync: boolean } {
  if (types.isAsyncFunction(fn)) {
    return {
      isAsync: true,
      filter(this: unknown, ...args: unknown[]) {
        const callback = args.pop() as Callback
        const fail = renderFailure.getStore()
        const deliver = (error: unknown, result?: unknown) => {
          try {
            callback(error, result)
          } catch (thrown) {
            fail?.(thrown)
          }
        }
        ;(fn.apply(this, args as [unknown]) as Promise<unknown>).then(
          (result) => deliver(null, result),
          (error: unknown) => {
            recordCulprit(error, 'filter', name)
            deliver(error)
          },
        )
      },
    }
  }
  return {
    isAsync: false,
    filter(this: unknown, ...args: unknown[]) {
      let result: unknown
      try {
        result = fn.apply(this, args as [unknown])
      } catch (error) {
        recordCulprit(error, 'filter', name)
        throw error
      }
      if (isThenable(result)) {
        throw new TypeError(
          `The filter "${name}" returned a promise. Declare it with \`async function\` (or \`async () =>\`) so that templates wait for it.`,
        )
      }
      return result
    },
  }
}

/** The filters Flagon adds to nunjucks' own: `tojson`, and markup-aware `escape` and `e`. */
export function builtinFilters(app: Flagon): Record<string, (...args: any[]) => unknown> {
  const escapeFilter = (value: unknown) => (value instanceof SafeString ? value : escapeMarkup(value))
  return {
    /**
     * The value as JSON that is safe inside HTML and `<script>`, as Flask's `tojson`: the app's
     * JSON (sorted keys, ASCII unless JSON_AS_ASCII is off), with `< > & '` as `\u` escapes.
     */
    tojson(value: unknown, indent?: unknown) {
      const provider = (app as Flagon & { json?: JSONProvider }).json ?? defaultJSONProvider
      const json = provider.dumps(value, {
        sortKeys: app.config.JSON_SORT_KEYS !== false,
        asciiOnly: app.config.JSON_AS_ASCII !== false,
        ...(typeof indent === 'number' && { indent }),
      })
      return new Markup(json.replace(/[<>&']/g, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`))
    },
    escape: escapeFilter,
    e: escapeFilter,
  }
}

const SafeString = (nunjucks.runtime as unknown as { SafeString: new (value: string) => object }).SafeString

function isThenable(value: unknown): boolean {
  return (
    typeof value === 'object' && value !== null && typeof (value as { then?: unknown }).then === 'function'
  )
}
