/**
 * Templating and flashed messages: what the framework's public index re-exports.
 */
export {
  createEnvironment,
  type EnvironmentOptions,
  environmentOf,
  FlagonTemplate,
  TemplateEnvironment,
} from './environment.js'
export { TemplateError, TemplateNotFound } from './errors.js'
export {
  type FlashEntry,
  type FlashedMessagesOptions,
  type FlashMessage,
  flash,
  getFlashedMessages,
} from './flash.js'
export { escape, type HasHTML, hasHTML, Markup } from './markup.js'
export {
  type ContextProcessor,
  type TemplateFilter,
  TemplateRegistry,
  type TemplateTest,
} from './registry.js'
export {
  getTemplateAttribute,
  renderTemplate,
  renderTemplateString,
  streamTemplate,
  streamTemplateString,
  type TemplateContext,
} from './render.js'
export { getSession } from './session.js'
export { beforeRenderTemplate, messageFlashed, type TemplateSignalData, templateRendered } from './signals.js'
