/**
 * Markup: text that is already safe HTML (markupsafe's `Markup`). Templates insert it without
 * escaping, wherever it comes from: the context, a filter, a global, a macro. Any object with an
 * `__html__()` method is treated the same way, so markup from other libraries works too.
 *
 * The class is the session package's, so that markup stored in a session (Flask's `{" m": …}` tag)
 * comes back as the same `Markup` templates know.
 */
export { escape, type HasHTML, hasHTML, Markup } from '@flagon/sessions'
