/**
 * The signals of templating and flashing (Quart's `before_render_template`, `template_rendered`,
 * `message_flashed`), for extensions and tests to observe renders and flashes.
 */
import { Signal } from '../signals.js'
import type { FlashMessage } from './flash.js'

/** What the render signals carry: the template's name (null for a template string) and its context. */
export interface TemplateSignalData {
  readonly template: string | null
  readonly context: Record<string, unknown>
}

/** Sent before a template renders, with the full context it will see. */
export const beforeRenderTemplate = new Signal<TemplateSignalData>('beforeRenderTemplate')
/** Sent after a template rendered (after its last chunk, when streamed). */
export const templateRendered = new Signal<TemplateSignalData>('templateRendered')
/** Sent by `flash()` with the message and its category. */
export const messageFlashed = new Signal<{ readonly message: FlashMessage; readonly category: string }>(
  'messageFlashed',
)
