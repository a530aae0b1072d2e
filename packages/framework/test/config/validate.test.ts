import { inspect } from 'node:util'
import { describe, expect, it } from 'vitest'
import { knownKeys, rules } from '../../src/config/validate.js'
import { Config, ConfigError, defaultConfig } from '../../src/config.js'

function validationError(config: Config): ConfigError {
  try {
    config.validate()
  } catch (error) {
    if (error instanceof ConfigError) return error
    throw error
  }
  throw new Error('expected validate() to throw')
}

describe('validate() on known keys', () => {
  // [key, bad value, a fragment of the message]
  const bad: Array<[key: string, value: unknown, fragment: string]> = [
    ['DEBUG', 'true', 'DEBUG must be true or false, not "true"'],
    ['DEBUG', 1, 'DEBUG must be true or false, not 1'],
    ['TESTING', null, 'TESTING must be true or false, not null'],
    ['PROPAGATE_EXCEPTIONS', 0, 'must be true, false or null, not 0'],
    ['SECRET_KEY', '', 'SECRET_KEY must be a non-empty string or Uint8Array or null, not an empty string'],
    ['SECRET_KEY', 12345, 'SECRET_KEY must be a non-empty string or Uint8Array or null, not a number'],
    [
      'SECRET_KEY_FALLBACKS',
      'old',
      'must be an array of non-empty strings or Uint8Arrays or null, not a string',
    ],
    ['SECRET_KEY_FALLBACKS', ['ok', 3], 'not an array of 2'],
    [
      'PERMANENT_SESSION_LIFETIME',
      -1,
      'PERMANENT_SESSION_LIFETIME must be a number of seconds (0 or more), not -1',
    ],
    ['PERMANENT_SESSION_LIFETIME', '31d', 'not "31d"'],
    ['PERMANENT_SESSION_LIFETIME', Number.NaN, 'not NaN'],
    ['SESSION_COOKIE_NAME', '', 'SESSION_COOKIE_NAME must be a cookie name'],
    ['SESSION_COOKIE_NAME', 'my session', 'not "my session"'],
    ['SESSION_COOKIE_DOMAIN', false, 'SESSION_COOKIE_DOMAIN must be a string or null, not false'],
    [
      'SESSION_COOKIE_PATH',
      'app',
      'SESSION_COOKIE_PATH must be a path starting with "/" or null (use APPLICATION_ROOT)',
    ],
    ['SESSION_COOKIE_HTTPONLY', 'yes', 'SESSION_COOKIE_HTTPONLY must be true or false'],
    ['SESSION_COOKIE_SECURE', undefined, 'SESSION_COOKIE_SECURE must be true or false, not undefined'],
    ['SESSION_COOKIE_PARTITIONED', 1, 'SESSION_COOKIE_PARTITIONED must be true or false'],
    [
      'SESSION_COOKIE_SAMESITE',
      'lax2',
      'SESSION_COOKIE_SAMESITE must be "Lax", "Strict", "None" or null, not "lax2"',
    ],
    ['SESSION_COOKIE_SAMESITE', true, 'not true'],
    ['SESSION_REFRESH_EACH_REQUEST', 'false', 'must be true or false, not "false"'],
    ['APPLICATION_ROOT', '', 'APPLICATION_ROOT must be a path starting with "/", not ""'],
    ['SERVER_NAME', '', 'SERVER_NAME must be a non-empty string or null, not ""'],
    ['SERVER_NAME', 8080, 'not 8080'],
    ['PREFER_SECURE_URLS', null, 'PREFER_SECURE_URLS must be true or false'],
    ['PREFERRED_URL_SCHEME', '', 'PREFERRED_URL_SCHEME must be a non-empty string'],
    [
      'MAX_CONTENT_LENGTH',
      -1,
      'MAX_CONTENT_LENGTH must be a whole number of bytes (0 or more) or null (no limit), not -1',
    ],
    ['MAX_CONTENT_LENGTH', 1.5, 'not 1.5'],
    ['MAX_CONTENT_LENGTH', Number.POSITIVE_INFINITY, 'or null (no limit), not Infinity'],
    ['MAX_CONTENT_LENGTH', '16MB', 'not "16MB"'],
    ['MAX_FORM_MEMORY_SIZE', -5, 'MAX_FORM_MEMORY_SIZE must be a whole number of bytes'],
    ['MAX_FORM_PARTS', 2.5, 'MAX_FORM_PARTS must be a whole number (0 or more) or null (no limit), not 2.5'],
    [
      'BODY_TIMEOUT',
      Number.POSITIVE_INFINITY,
      'BODY_TIMEOUT must be a number of seconds (0 or more) or null (no limit)',
    ],
    [
      'RESPONSE_TIMEOUT',
      -0.5,
      'RESPONSE_TIMEOUT must be a number of seconds (0 or more) or null (no limit), not -0.5',
    ],
    [
      'BACKGROUND_TASK_SHUTDOWN_TIMEOUT',
      null,
      'BACKGROUND_TASK_SHUTDOWN_TIMEOUT must be a number of seconds (0 or more), not null',
    ],
    [
      'SEND_FILE_MAX_AGE_DEFAULT',
      0.5,
      'SEND_FILE_MAX_AGE_DEFAULT must be a whole number of seconds (0 or more) or null (no Cache-Control)',
    ],
    ['MAX_COOKIE_SIZE', null, 'MAX_COOKIE_SIZE must be a whole number of bytes (0 or more), not null'],
    ['TRAP_HTTP_EXCEPTIONS', 'no', 'TRAP_HTTP_EXCEPTIONS must be true or false'],
    ['TRAP_BAD_REQUEST_ERRORS', 'no', 'TRAP_BAD_REQUEST_ERRORS must be true, false or null'],
    ['EXPLAIN_TEMPLATE_LOADING', 1, 'EXPLAIN_TEMPLATE_LOADING must be true or false'],
    ['TEMPLATES_AUTO_RELOAD', 'auto', 'TEMPLATES_AUTO_RELOAD must be true, false or null, not "auto"'],
    ['PROVIDE_AUTOMATIC_OPTIONS', null, 'PROVIDE_AUTOMATIC_OPTIONS must be true or false'],
    ['PRESERVE_CONTEXT_ON_EXCEPTION', 1, 'PRESERVE_CONTEXT_ON_EXCEPTION must be true, false or null'],
    ['JSON_SORT_KEYS', 'true', 'JSON_SORT_KEYS must be true or false'],
    ['JSON_AS_ASCII', 0, 'JSON_AS_ASCII must be true or false'],
    [
      'JSONIFY_MIMETYPE',
      'json',
      'JSONIFY_MIMETYPE must be a media type such as "application/json", not "json"',
    ],
    ['SHUTDOWN_TIMEOUT', -30, 'SHUTDOWN_TIMEOUT must be a number of seconds (0 or more), not -30'],
    ['TRUSTED_HOSTS', 'example.com', 'TRUSTED_HOSTS must be an array of strings or null, not "example.com"'],
    ['TRUSTED_HOSTS', ['a.com', 1], 'not ["a.com",1]'],
  ]
  for (const [key, value, fragment] of bad) {
    it(`refuses ${key} = ${inspect(value)}`, () => {
      const config = new Config('/app')
      config[key] = value
      const error = validationError(config)
      expect(error).toMatchObject({ key, source: undefined })
      expect(error.value).toBe(value)
      expect(error.message).toContain(fragment)
    })
  }

  const good: Array<[key: string, value: unknown]> = [
    ['SECRET_KEY', 'a long random string'],
    ['SECRET_KEY', new Uint8Array([1, 2, 3])],
    ['SECRET_KEY', Buffer.from('key')],
    ['SECRET_KEY_FALLBACKS', ['old', new Uint8Array([1])]],
    ['PERMANENT_SESSION_LIFETIME', 0],
    ['PERMANENT_SESSION_LIFETIME', 1.5],
    ['SESSION_COOKIE_NAME', '__Host-session'],
    ['SESSION_COOKIE_DOMAIN', '.example.com'],
    ['SESSION_COOKIE_PATH', '/app'],
    ['SESSION_COOKIE_SAMESITE', 'Strict'],
    ['SESSION_COOKIE_SAMESITE', 'None'],
    ['SERVER_NAME', 'example.com:8080'],
    ['MAX_CONTENT_LENGTH', null],
    ['MAX_CONTENT_LENGTH', 0],
    ['BODY_TIMEOUT', 0.25],
    ['RESPONSE_TIMEOUT', null],
    ['SEND_FILE_MAX_AGE_DEFAULT', null],
    ['JSONIFY_MIMETYPE', 'application/vnd.api+json'],
    ['TRUSTED_HOSTS', ['example.com', '.example.org']],
  ]
  for (const [key, value] of good) {
    it(`accepts ${key} = ${inspect(value)}`, () => {
      const config = new Config('/app')
      config[key] = value
      expect(() => config.validate()).not.toThrow()
    })
  }

  it('has a rule for every key of the default config', () => {
    expect(Object.keys(rules).sort()).toStrictEqual(Object.keys(defaultConfig).sort())
    expect(knownKeys).toStrictEqual(Object.keys(defaultConfig))
  })

  it('refuses a known key that was deleted', () => {
    const config = new Config('/app')
    Reflect.deleteProperty(config, 'SECRET_KEY')
    expect(validationError(config)).toMatchObject({ key: 'SECRET_KEY' })
  })
})

describe('SESSION_COOKIE_SAMESITE in another case', () => {
  const rows: Array<[given: string, normalized: string]> = [
    ['lax', 'Lax'],
    ['STRICT', 'Strict'],
    ['none', 'None'],
  ]
  for (const [given, normalized] of rows) {
    it(`accepts "${given}" and stores "${normalized}", as Werkzeug does`, () => {
      const config = new Config('/app').fromMapping({ SESSION_COOKIE_SAMESITE: given })
      config.validate()
      expect(config.SESSION_COOKIE_SAMESITE).toBe(normalized)
    })
  }
})

describe('a ConfigError names where the bad value came from', () => {
  const rows: Array<
    [name: string, load: (config: Config) => void, source: string | undefined, message: string]
  > = [
    [
      'an environment variable',
      (config) => config.fromPrefixedEnv('FLAGON', { env: { FLAGON_SESSION_COOKIE_SAMESITE: 'lax2' } }),
      'FLAGON_SESSION_COOKIE_SAMESITE',
      'SESSION_COOKIE_SAMESITE must be "Lax", "Strict", "None" or null, not "lax2" (from FLAGON_SESSION_COOKIE_SAMESITE).',
    ],
    [
      'fromMapping',
      (config) => config.fromMapping({ DEBUG: 'yes' }),
      'config.fromMapping()',
      'DEBUG must be true or false, not "yes" (from config.fromMapping()).',
    ],
    [
      'fromObject, with the class name',
      (config) => {
        // biome-ignore lint/complexity/noStaticOnlyClass: Flask's class-based config, the thing under test
        class ProductionConfig {
          static BODY_TIMEOUT = -1
        }
        config.fromObject(ProductionConfig)
      },
      'config.fromObject(ProductionConfig)',
      '(from config.fromObject(ProductionConfig)).',
    ],
    [
      'the constructor defaults',
      () => {},
      'the defaults given to new Config()',
      'TESTING must be true or false, not "x" (from the defaults given to new Config()).',
    ],
    [
      'nothing, when the value was set in code after loading',
      (config) => {
        config.fromPrefixedEnv('FLAGON', { env: { FLAGON_DEBUG: 'true' } })
        config.DEBUG = 'later' as never
      },
      undefined,
      'DEBUG must be true or false, not "later".',
    ],
  ]
  for (const [name, load, source, message] of rows) {
    it(name, () => {
      const config = new Config('/app', name === 'the constructor defaults' ? { TESTING: 'x' as never } : {})
      load(config)
      const error = validationError(config)
      expect(error.source).toBe(source)
      expect(error.message.endsWith(message)).toBe(true)
    })
  }
})

describe('a secret in a ConfigError', () => {
  it('is not printed in the message, nor by util.inspect', () => {
    const config = new Config('/app').fromMapping({ SECRET_KEY: { hunter: 'two' } })
    const error = validationError(config)
    expect(error.message).toBe(
      'SECRET_KEY must be a non-empty string or Uint8Array or null, not an object (Object) (from config.fromMapping()).',
    )
    expect(inspect(error)).not.toContain('hunter')
    expect(error.value).toStrictEqual({ hunter: 'two' })
  })
})

describe('a key that looks like a misspelt known key', () => {
  const misspelt: Array<[key: string, suggestion: string]> = [
    ['SECRET_KYE', 'SECRET_KEY'],
    ['SESION_COOKIE_NAME', 'SESSION_COOKIE_NAME'],
    ['SECRET_KEY_FALLBACK', 'SECRET_KEY_FALLBACKS'],
    ['MAX_CONTENT_LENGHT', 'MAX_CONTENT_LENGTH'],
    ['SESSION_COOKIE_SAME_SITE', 'SESSION_COOKIE_SAMESITE'],
    ['secret_key', 'SECRET_KEY'],
    ['DEBGU', 'DEBUG'],
    ['TESTNG', 'TESTING'],
  ]
  for (const [key, suggestion] of misspelt) {
    it(`${key} is an error suggesting ${suggestion}`, () => {
      const config = new Config('/app')
      config[key] = 'x'
      const error = validationError(config)
      expect(error).toMatchObject({ key, suggestion })
      expect(error.message).toContain(`Did you mean ${suggestion}?`)
    })
  }

  it('names its source', () => {
    const config = new Config('/app').fromPrefixedEnv('FLAGON', { env: { FLAGON_SECRET_KYE: 'x' } })
    expect(validationError(config).message).toBe(
      'Unknown config key SECRET_KYE (from FLAGON_SECRET_KYE). Did you mean SECRET_KEY? ' +
        'Rename it, or give your own key a name less like one of Flagon’s.',
    )
  })

  // Keys of Flask and Quart extensions and of users' own: none is within reach of a known key.
  const fine = [
    'DATABASE_URL',
    'SQLALCHEMY_DATABASE_URI',
    'SESSION_TYPE',
    'SESSION_REDIS',
    'SESSION_KEY_PREFIX',
    'SESSION_USE_SIGNER',
    'SESSION_PERMANENT',
    'SESSION_EXPLICIT',
    'SESSION_PROTECTION',
    'MAIL_SERVER',
    'CACHE_TYPE',
    'ENV',
    'USE_X_SENDFILE',
    'JSONIFY_PRETTYPRINT_REGULAR',
    'DEBUG_TOOLBAR',
    'TESTING_DB',
    'API_KEY',
    'X',
  ]
  for (const key of fine) {
    it(`${key} is accepted as a key of your own`, () => {
      const config = new Config('/app')
      config[key] = 'x'
      expect(() => config.validate()).not.toThrow()
    })
  }
})
