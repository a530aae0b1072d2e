/**
 * @flagon/sessions: Flask/Quart-compatible sessions for any Node host.
 *
 * The package knows nothing of the framework: it types the little it needs from its host (app, request,
 * response) structurally, in `interface.ts`. Cookies it signs open in Flask and Quart, and theirs open here.
 * Server-side sessions (`server/`) keep only an id in the cookie and the data in memory, Redis or Memcached.
 */

// interfaces
export { SecureCookieSessionInterface } from './cookie.js'
export type {
  Awaitable,
  SameSite,
  SessionApp,
  SessionConfig,
  SessionCookieOptions,
  SessionInterfaceOptions,
  SessionRequest,
  SessionResponse,
} from './interface.js'
export { SessionInterface } from './interface.js'
export type { HasHTML } from './markup.js'
// tags
export { escape, hasHTML, Markup } from './markup.js'
export type { SessionData, SessionInit, SessionKey, SessionValue } from './session.js'
// sessions
export { NullSession, Session, SessionUnavailableError } from './session.js'
// signing
export { base64UrlDecode, base64UrlEncode, bytesToInt, intToBytes, wantBytes } from './signing/encoding.js'
export { BadData, BadPayload, BadSignature, BadTimeSignature, SignatureExpired } from './signing/errors.js'
export type { CompactJsonOptions, TextSerializer } from './signing/json.js'
export { compactJson, compactJsonSerializer, compareCodePoints, quoteJson } from './signing/json.js'
export type { URLSafeTimedSerializerOptions } from './signing/serializer.js'
export { URLSafeTimedSerializer } from './signing/serializer.js'
export type { KeyDerivation, SecretKey, SignerOptions } from './signing/signer.js'
export { Signer } from './signing/signer.js'
export type { Timestamped, TimestampSignerOptions } from './signing/timed.js'
export { TimestampSigner } from './signing/timed.js'
export type { JSONTagClass, RegisterTagOptions, TaggedJSONSerializerOptions } from './tag.js'
export {
  JSONTag,
  PassDict,
  PassList,
  sessionJsonSerializer,
  TagBytes,
  TagDateTime,
  TagDict,
  TaggedJSONSerializer,
  TagMarkup,
  TagTuple,
  TagUUID,
} from './tag.js'
export { Tuple, tuple } from './tuple.js'
export { UUID } from './uuid.js'

// server-side sessions: the interface, its session and settings
export type { ServerSessionConfig, ServerSessionSettings } from './server/config.js'
export { defaultServerSessionSettings, readServerSessionSettings } from './server/config.js'
export type {
  ServerSessionResponse,
  ServerSideSessionInterfaceOptions,
  SessionStoreHealth,
} from './server/interface.js'
export { ServerSideSessionInterface } from './server/interface.js'
export { isSessionId, newSessionId, ServerSideSession } from './server/session.js'
export type { ServerSessionHost, UseServerSessionsOptions } from './server/use.js'
export { storeFromConfig, useServerSessions } from './server/use.js'
// key rotation
export type { FallbackKeyUse } from './server/key-usage.js'
export { FallbackKeyUsage, keyFingerprint } from './server/key-usage.js'
// stores
export type { BreakerOptions, BreakerSnapshot, BreakerState } from './server/breaker.js'
export { BreakerOpen, CircuitBreaker } from './server/breaker.js'
export type { StoreOperation, StoreUnavailableOptions } from './server/errors.js'
export { StoreUnavailable } from './server/errors.js'
export type { MemcachedClient, MemcachedStoreOptions } from './server/memcached.js'
export { MemcachedStore } from './server/memcached.js'
export type { MemoryStoreOptions } from './server/memory.js'
export { MemoryStore } from './server/memory.js'
export type { RedisClient, RedisStoreOptions } from './server/redis.js'
export { RedisStore } from './server/redis.js'
export type { RecordUpdate, Store } from './server/store.js'
// every session of a user; revocation
export type { RevocationEvent, RevocationReason, UserSession } from './server/user-sessions.js'
export {
  SESSION_REVOKED_CLOSE_CODE,
  SessionIndexUnavailable,
  sessionIdHash,
} from './server/user-sessions.js'
