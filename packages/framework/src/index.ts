/**
 * @flagon/framework: an async web microframework for TypeScript on Node.js, modelled on Quart.
 *
 * Grouped as a user meets it: the app · routing · hooks and contexts · requests and responses ·
 * errors · signals · testing.
 */

// The app and its configuration
export { Flagon, type FlagonOptions } from './app.js'
export {
  Blueprint,
  type BlueprintOptions,
  type BlueprintSetupState,
  type RegisterBlueprintOptions,
} from './blueprint.js'
export { Config, ConfigError, ConfigFileError, defaultConfig, type FlagonConfig } from './config.js'
export { AppContext, RequestContext } from './context.js'
// Errors
export * from './exceptions.js'
export { Globals } from './globals/g.js'
// Contexts and the proxies that read them
export { ContextError, currentApp, g, hasAppContext, hasRequestContext, request } from './globals/proxies.js'
export { makeResponse } from './helpers/make-response.js'
export { redirect } from './helpers/redirect.js'
export {
  afterThisRequest,
  copyCurrentAppContext,
  copyCurrentRequestContext,
} from './helpers/request-hooks.js'
export { type UrlForValues, urlFor } from './helpers/url-for.js'
export { DefaultJSONProvider, type JSONProvider, jsonify, jsonResponse } from './json.js'
export { ViewReturnError } from './lifecycle/make-response.js'
export type { Logger } from './logging.js'
export { type Converter, type ConverterClass, ValidationError } from './routing/converters.js'
export { BuildError } from './routing/errors.js'
export type { RouteParams } from './routing/params.js'
// Routing
export type {
  AfterRequestFn,
  AfterWebsocketFn,
  BeforeRequestFn,
  ErrorHandlerFn,
  RouteOptions,
  TeardownFn,
  UrlValuesFn,
  View,
  ViewResult,
  WebsocketHandler,
} from './scaffold.js'
export type { ServingFn, WhileServingFn } from './server/lifespan.js'
export type { ListenOptions, RunOptions } from './server/listen.js'
// Signals
export * from './signals.js'
// Testing
export {
  CookieJar,
  type RequestOptions as TestRequestInit,
  TestClient,
  TestResponse,
} from './testing/client.js'
export type { TestRequestOptions } from './testing/request-context.js'
export { UploadedFile } from './wrappers/files.js'
export { MultiDict } from './wrappers/multidict.js'
// Requests and responses
export { Request, type RequestInit } from './wrappers/request.js'
export { escapeHtml as escape, Response, type ResponseBody, type ResponseInit } from './wrappers/response.js'
export type { CookieOptions, DeleteCookieOptions } from './wrappers/set-cookie.js'
