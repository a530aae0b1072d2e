/**
 * Markup: a string that is already safe HTML (markupsafe's `Markup`). Templates insert it without
 * escaping, and Flask's tagged JSON stores it under its own tag (`{" m": "..."}`), so it stays markup
 * across requests.
 */

/** Anything that renders itself as safe HTML (markupsafe's protocol). */
export interface HasHTML {
  __html__(): string
}

/**
 * A string of safe HTML. Constructing one trusts the text as it is; use {@link escape} for untrusted text.
 *
 * @example
 * new Markup('<b>hi</b>').__html__() // '<b>hi</b>'
 * escape('<b>hi</b>').__html__() // '&lt;b&gt;hi&lt;/b&gt;'
 */
export class Markup extends String implements HasHTML {
  constructor(value: unknown = '') {
    super(hasHTML(value) ? value.__html__() : value == null ? '' : String(value))
  }

  /** The HTML itself. */
  __html__(): string {
    return this.valueOf()
  }

  override toString(): string {
    return this.valueOf()
  }

  /** A string value in JSON, as Flask's JSON provider writes markup (outside the tagged session JSON). */
  toJSON(): string {
    return this.valueOf()
  }
}

/**
 * Escapes text for HTML (`& < > ' "`, as markupsafe does); markup (anything with `__html__`) passes
 * as it is. `null` and `undefined` give empty markup.
 *
 * @example
 * escape('Tom & "Jerry"') // Markup 'Tom &amp; &#34;Jerry&#34;'
 */
function escapeHTML(value: unknown): Markup {
  if (hasHTML(value)) return new Markup(value.__html__())
  const text = value == null ? '' : String(value)
  return new Markup(text.replace(/[&<>'"]/g, (char) => HTML_ESCAPES[char]!))
}

// Exported under markupsafe's name; declared under another, since a binding named `escape` shadows a global.
export { escapeHTML as escape }

/** Whether a value renders itself as HTML (has an `__html__` method), as Flask's markup tag checks. */
export function hasHTML(value: unknown): value is HasHTML {
  return (
    typeof value === 'object' &&
    value !== null &&
    typeof (value as { __html__?: unknown }).__html__ === 'function'
  )
}

const HTML_ESCAPES: Record<string, string> = {
  '&': '&amp;',
  '<': '&lt;',
  '>': '&gt;',
  "'": '&#39;',
  '"': '&#34;',
}
