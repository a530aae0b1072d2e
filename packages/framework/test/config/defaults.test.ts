import { describe, expect, it } from 'vitest'
import { Config, defaultConfig } from '../../src/config.js'

// Quart 0.21's default_config (quart-behaviour.md §1.3), in seconds and bytes.
const defaults: Array<[key: string, value: unknown]> = [
  ['DEBUG', false],
  ['TESTING', false],
  ['PROPAGATE_EXCEPTIONS', null],
  ['SECRET_KEY', null],
  ['SECRET_KEY_FALLBACKS', null],
  ['PERMANENT_SESSION_LIFETIME', 2_678_400],
  ['SESSION_COOKIE_NAME', 'session'],
  ['SESSION_COOKIE_DOMAIN', null],
  ['SESSION_COOKIE_PATH', null],
  ['SESSION_COOKIE_HTTPONLY', true],
  ['SESSION_COOKIE_SECURE', false],
  ['SESSION_COOKIE_PARTITIONED', false],
  ['SESSION_COOKIE_SAMESITE', null],
  ['SESSION_REFRESH_EACH_REQUEST', true],
  ['APPLICATION_ROOT', '/'],
  ['SERVER_NAME', null],
  ['PREFER_SECURE_URLS', false],
  ['PREFERRED_URL_SCHEME', 'http'],
  ['MAX_CONTENT_LENGTH', 16_777_216],
  ['MAX_FORM_MEMORY_SIZE', 500_000],
  ['MAX_FORM_PARTS', 1_000],
  ['BODY_TIMEOUT', 60],
  ['RESPONSE_TIMEOUT', 60],
  ['BACKGROUND_TASK_SHUTDOWN_TIMEOUT', 5],
  ['SEND_FILE_MAX_AGE_DEFAULT', 43_200],
  ['MAX_COOKIE_SIZE', 4093],
  ['TRAP_HTTP_EXCEPTIONS', false],
  ['TRAP_BAD_REQUEST_ERRORS', null],
  ['EXPLAIN_TEMPLATE_LOADING', false],
  ['TEMPLATES_AUTO_RELOAD', null],
  ['PROVIDE_AUTOMATIC_OPTIONS', true],
  ['PRESERVE_CONTEXT_ON_EXCEPTION', null],
  ['JSON_SORT_KEYS', true],
  ['JSON_AS_ASCII', true],
  ['JSONIFY_MIMETYPE', 'application/json'],
  ['SHUTDOWN_TIMEOUT', 30],
  ['TRUSTED_HOSTS', null],
  ['WEBSOCKET_MAX_MESSAGE_SIZE', 16 * 1024 * 1024],
  ['WEBSOCKET_PING_INTERVAL', 20],
  ['WEBSOCKET_SHUTDOWN_GRACE', 5],
  // Flagon's own server limits (issue 11)
  ['HEADERS_TIMEOUT', 10],
  ['KEEP_ALIVE_TIMEOUT', 5],
  ['MAX_HEADER_SIZE', 16 * 1024],
]

describe('the default config', () => {
  for (const [key, value] of defaults) {
    it(`${key} defaults to ${JSON.stringify(value)}`, () => {
      expect(defaultConfig[key]).toStrictEqual(value)
      expect(new Config('/app')[key]).toStrictEqual(value)
    })
  }

  it('has exactly the keys of the table, and no others', () => {
    expect(Object.keys(defaultConfig).sort()).toStrictEqual(defaults.map(([key]) => key).sort())
  })

  it('passes its own validation', () => {
    expect(() => new Config('/app').validate()).not.toThrow()
  })

  it('is frozen, and each Config gets its own copy', () => {
    expect(Object.isFrozen(defaultConfig)).toBe(true)
    const a = new Config('/app')
    a.DEBUG = true
    expect(new Config('/app').DEBUG).toBe(false)
    expect(defaultConfig.DEBUG).toBe(false)
  })
})

describe('new Config(rootPath, defaults)', () => {
  it('applies the given defaults over the built-in ones', () => {
    const config = new Config('/app', { TESTING: true, MY_KEY: 1 })
    expect(config.TESTING).toBe(true)
    expect(config.MY_KEY).toBe(1)
    expect(config.DEBUG).toBe(false)
  })

  it('accepts a file: URL as the root path', () => {
    expect(new Config(new URL('file:///srv/app/')).rootPath).toBe('/srv/app/')
    expect(new Config('file:///srv/app').rootPath).toBe('/srv/app')
  })

  it('reads and writes keys like a plain object, with no methods among its keys', () => {
    const config = new Config('/app')
    config.SECRET_KEY = 'x'
    const key = 'DEBUG'
    config[key] = true
    expect(config.SECRET_KEY).toBe('x')
    expect('DEBUG' in config).toBe(true)
    expect(Object.keys(config)).toStrictEqual(Object.keys(defaultConfig))
    expect({ ...config }.DEBUG).toBe(true)
  })

  it('serialises to its keys with toJSON', () => {
    const config = new Config('/app', { EXTRA: [1] })
    expect(JSON.parse(JSON.stringify(config))).toStrictEqual({ ...defaultConfig, EXTRA: [1] })
    expect(config.toJSON()).not.toBe(config)
  })
})
