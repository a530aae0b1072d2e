/**
 * Rendering templates with the current app (Quart's `render_template` family): the context every
 * template sees, the render signals, and errors that name the template and the line.
 *
 * The context, in the order later entries win (Flask's `update_template_context`): `g`, and inside
 * a request `request` and `session`; then the context processors, the app's first and then those
 * of the request's blueprints, outer to inner; then the explicit arguments, which nothing
 * overrides. `config`, `urlFor`/`url_for` and `getFlashedMessages`/`get_flashed_messages` are
 * globals, seen by imported macros too.
 */
import type { Flagon } from '../app.js'
import { type ContextFrame, currentFrame, runInFrame } from '../context.js'
import { ContextError } from '../globals/proxies.js'
import { beforeOrder } from '../lifecycle/hooks.js'
import { environmentOf, type FlagonTemplate, type TemplateEnvironment } from './environment.js'
import { toTemplateError } from './errors.js'
import { renderFailure } from './filters.js'
import { getSession } from './session.js'
import { beforeRenderTemplate, templateRendered } from './signals.js'

/** Variables passed to a template. */
export type TemplateContext = Record<string, unknown>

/**
 * Renders the template `name` (or the first of `names` that exists) from the template folders.
 * @example return renderTemplate('posts/show.html', { post })
 * @throws TemplateNotFound when no template folder has it.
 * @throws TemplateError for a syntax error or an error while rendering, with the template's name and line.
 * @throws ContextError outside an app context.
 */
export async function renderTemplate(
  nameOrNames: string | readonly string[],
  context: TemplateContext = {},
): Promise<string> {
  const { app, env, frame } = current('renderTemplate')
  const full = await templateContext(app, frame, context)
  return render(app, env.selectTemplate(nameOrNames), full)
}

/**
 * Renders `source` as a template, autoescaped.
 * @example await renderTemplateString('Hello {{ name }}!', { name: '<you>' }) // 'Hello &lt;you&gt;!'
 * @throws TemplateError for a syntax error or an error while rendering.
 * @throws ContextError outside an app context.
 */
export async function renderTemplateString(source: string, context: TemplateContext = {}): Promise<string> {
  const { app, env, frame } = current('renderTemplateString')
  const full = await templateContext(app, frame, context)
  return render(app, env.fromString(source), full)
}

/**
 * A template as a streamed body: return it from a view. The template is found and the context
 * built now, so a missing template is an error before the response starts; the rendering happens
 * when the body is first read, in the context this was called in. nunjucks renders a template in
 * one piece, so the chunks are the rendered text cut into pieces of about 16 KiB: streaming saves
 * holding the encoded body, not the time to the first byte.
 * @example app.get('/report', () => streamTemplate('report.html', { rows }))
 * @throws TemplateNotFound when no template folder has it; render errors are thrown by the iteration.
 * @throws ContextError outside an app context.
 */
export async function streamTemplate(
  nameOrNames: string | readonly string[],
  context: TemplateContext = {},
): Promise<AsyncIterable<string>> {
  const { app, env, frame } = current('streamTemplate')
  const full = await templateContext(app, frame, context)
  return stream(app, frame, env.selectTemplate(nameOrNames), full)
}

/**
 * `source` rendered as a streamed body; see {@link streamTemplate}.
 * @throws ContextError outside an app context.
 */
export async function streamTemplateString(
  source: string,
  context: TemplateContext = {},
): Promise<AsyncIterable<string>> {
  const { app, env, frame } = current('streamTemplateString')
  const full = await templateContext(app, frame, context)
  return stream(app, frame, env.fromString(source), full)
}

/**
 * A macro or variable a template exports (Flask's `get_template_attribute`), to call from code.
 * @example const hello = await getTemplateAttribute('macros.html', 'hello'); String(hello('World'))
 * @throws TemplateNotFound when no template folder has it.
 * @throws ContextError outside an app context.
 */
export async function getTemplateAttribute(name: string, attribute: string): Promise<unknown> {
  const { env } = current('getTemplateAttribute')
  const template = env.load(name)
  const exported = await new Promise<Record<string, unknown>>((resolve, reject) => {
    const internals = template as unknown as { getExported(callback: (e: unknown, r: unknown) => void): void }
    internals.getExported((error, result) =>
      error ? reject(toTemplateError(error, template.origin())) : resolve(result as Record<string, unknown>),
    )
  })
  return exported[attribute]
}

/** What is cut off a rendered template per streamed chunk, in UTF-16 code units. */
const CHUNK_SIZE = 16 * 1024

function current(api: string): { app: Flagon; env: TemplateEnvironment; frame: ContextFrame } {
  const frame = currentFrame()
  if (!frame) throw new ContextError(api, 'app')
  const app = frame.app.app
  const env = environmentOf(app)
  env.sync(app.templates)
  return { app, env, frame }
}

async function templateContext(
  app: Flagon,
  frame: ContextFrame,
  explicit: TemplateContext,
): Promise<TemplateContext> {
  const context: TemplateContext = { g: frame.app.g }
  if (frame.request) {
    context.request = frame.request.request
    const session = getSession()
    if (session !== undefined) context.session = session
  }
  const blueprints = frame.request?.blueprints ?? []
  for (const processor of beforeOrder(app.templates.contextProcessors, blueprints)) {
    Object.assign(context, await processor())
  }
  return Object.assign(context, explicit)
}

async function render(app: Flagon, template: FlagonTemplate, context: TemplateContext): Promise<string> {
  const data = { template: template.name, context }
  await beforeRenderTemplate.send(app, data)
  const text = await renderText(template, context)
  await templateRendered.send(app, data)
  return text
}

function renderText(template: FlagonTemplate, context: TemplateContext): Promise<string> {
  return new Promise((resolve, reject) => {
    const fail = (error: unknown) => reject(toTemplateError(error, template.origin()))
    renderFailure.run(fail, () =>
      template.render(context, (error, text) => (error ? fail(error) : resolve(text ?? ''))),
    )
  })
}

async function stream(
  app: Flagon,
  frame: ContextFrame,
  template: FlagonTemplate,
  context: TemplateContext,
): Promise<AsyncIterable<string>> {
  const data = { template: template.name, context }
  await beforeRenderTemplate.send(app, data)
  return {
    async *[Symbol.asyncIterator]() {
      const text = await runInFrame(frame, () => renderText(template, context))
      for (let start = 0; start < text.length; ) {
        let end = Math.min(start + CHUNK_SIZE, text.length)
        // Never split a surrogate pair: each chunk is encoded to UTF-8 on its own.
        if (end < text.length && /[\uD800-\uDBFF]/.test(text[end - 1] ?? '')) end++
        yield text.slice(start, end)
        start = end
      }
      await runInFrame(frame, () => templateRendered.send(app, data))
    },
  }
}
