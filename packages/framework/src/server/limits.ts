/**
 * The body limits a new request starts with, read from the config. A route may change them
 * after matching (its `maxContentLength`, `bodyTimeout` … options).
 */
import type { Flagon } from '../app.js'

/** The four per-request limits of a `Request`, from the app's config. */
export function requestLimits(app: Flagon) {
  const { config } = app
  return {
    maxContentLength: config.MAX_CONTENT_LENGTH ?? null,
    bodyTimeout: config.BODY_TIMEOUT ?? null,
    maxFormMemorySize: config.MAX_FORM_MEMORY_SIZE ?? null,
    maxFormParts: config.MAX_FORM_PARTS ?? null,
  }
}
