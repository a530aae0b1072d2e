/**
 * @flagon/framework: an async web microframework for TypeScript on Node.js, modelled on Quart.
 *
 * Grouped as a user meets it: the app · routing · contexts and proxies · requests and responses ·
 * websockets · errors · signals · testing.
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
export type { Logger } from './logging.js'
export type { ListenOptions, RunOptions } from './server/listen.js'
export type { ServingFn, WhileServingFn } from './server/lifespan.js'

// Routing
export type {
  AfterRequestFn,
  AfterWebsocketFn,
  BeforeRequestFn,
  ErrorHandlerFn,
  RouteOptions,
  TeardownFn,
  UrlValuesFn,
  View as ViewFunction,
  ViewResult,
  WebsocketHandler,
} from './scaffold.js'
export type { RouteParams } from './routing/params.js'
export { BuildError } from './routing/errors.js'
export { type Converter, type ConverterClass, ValidationError } from './routing/converters.js'
export { urlFor, type UrlForValues } from './helpers/url-for.js'

// Contexts and the proxies that read them
export {
  ContextError,
  currentApp,
  currentObject,
  g,
  hasAppContext,
  hasRequestContext,
  hasWebsocketContext,
  request,
  session,
  websocket,
} from './globals/proxies.js'
export { Globals } from './globals/g.js'
export { AppContext, RequestContext, WebsocketContext } from './context.js'
export {
  afterThisRequest,
  copyCurrentAppContext,
  copyCurrentRequestContext,
} from './helpers/request-hooks.js'

// Requests and responses
export { Request, type RequestInit } from './wrappers/request.js'
export { MultiDict } from './wrappers/multidict.js'
export { UploadedFile } from './wrappers/files.js'
export { Response, type ResponseBody, type ResponseInit } from './wrappers/response.js'
export type { CookieOptions, DeleteCookieOptions } from './wrappers/set-cookie.js'
export { ViewReturnError } from './lifecycle/make-response.js'
export { makeResponse } from './helpers/make-response.js'
export { DefaultJSONProvider, type JSONProvider, jsonify, jsonResponse } from './json.js'
export { redirect } from './helpers/redirect.js'
export { type FileSource, type SendFileOptions, sendFile, sendFromDirectory } from './helpers/send-file.js'
export { makeConditional } from './files/conditional.js'
export { safeJoin } from './files/safe-join.js'

// Sessions (the session layer is @flagon/sessions; these are re-exported for convenience)
export {
  MemcachedStore,
  MemoryStore,
  NullSession,
  RedisStore,
  type RevocationEvent,
  SESSION_REVOKED_CLOSE_CODE,
  SecureCookieSessionInterface,
  ServerSideSession,
  ServerSideSessionInterface,
  Session,
  type SessionData,
  SessionInterface,
  type Store,
  StoreUnavailable,
  useServerSessions,
} from '@flagon/sessions'

// Templates and flashed messages
export * from './templating/index.js'

// Class-based views and background work
export { type ClassBasedView, MethodView, View, type ViewClass } from './views.js'

// Websockets
export { type AcceptOptions, Websocket, WebsocketDisconnect } from './wrappers/websocket.js'

// Errors
export * from './exceptions.js'

// Signals
export * from './signals.js'

// The flagon CLI: the app's own commands
export {
  Command,
  type CommandArgs,
  CommandError,
  CommandGroup,
  type CommandHandler,
  type CommandOption,
  type CommandOptions,
  type CommandSpec,
  type CommandValues,
  UsageError,
} from './cli/commands.js'
export { loadApp, locateApp, NoAppError } from './cli/discover.js'

// Testing
export {
  CookieJar,
  type RequestOptions as TestRequestInit,
  TestClient,
  TestResponse,
  TestWebsocket,
  type TestWebsocketOptions,
  WebsocketResponseError,
} from './testing/client.js'
export type { TestRequestOptions } from './testing/request-context.js'
