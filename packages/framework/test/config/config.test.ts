import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import { Config, ConfigError, ConfigFileError, defaultConfig } from '../../src/config.js'

const makeConfig = () => new Config(mkdtempSync(join(tmpdir(), 'flagon-config-')))

describe('config.fromMapping', () => {
  const rows: Array<[name: string, mapping: Record<string, unknown>, expected: Record<string, unknown>]> = [
    ['loads UPPERCASE keys', { SECRET_KEY: 'k', MY_SETTING: 1 }, { SECRET_KEY: 'k', MY_SETTING: 1 }],
    ['loads keys with digits and underscores', { S3_BUCKET_2: 'b' }, { S3_BUCKET_2: 'b' }],
    ['skips lowercase and mixed-case keys', { secret_key: 'k', Debug: true }, {}],
    ['skips keys with no letters', { _: 1, '123': 2 }, {}],
  ]
  for (const [name, mapping, expected] of rows) {
    it(name, () => {
      const config = new Config('/app')
      const before = Object.keys(config)
      config.fromMapping(mapping)
      const added = Object.fromEntries(Object.entries(config).filter(([key]) => !before.includes(key)))
      expect({ ...added, ...pick(config, Object.keys(expected)) }).toStrictEqual(expected)
    })
  }

  it('applies the extra keys after the mapping, and returns the config for chaining', () => {
    const config = new Config('/app')
    expect(config.fromMapping({ A_KEY: 1 }, { A_KEY: 2, B_KEY: 3 })).toBe(config)
    expect(pick(config, ['A_KEY', 'B_KEY'])).toStrictEqual({ A_KEY: 2, B_KEY: 3 })
  })

  it('does nothing without arguments', () => {
    expect(Object.keys(new Config('/app').fromMapping())).toHaveLength(Object.keys(defaultConfig).length)
  })
})

describe('config.fromObject', () => {
  it("loads a class's UPPERCASE static fields, inherited ones included", () => {
    // biome-ignore lint/complexity/noStaticOnlyClass: Flask's class-based config, the thing under test
    class Base {
      static DEBUG = true
      static SHARED = 'base'
    }
    class Production extends Base {
      static override SHARED = 'production'
      static lowercase = 'skipped'
    }
    const config = new Config('/app').fromObject(Production)
    expect(pick(config, ['DEBUG', 'SHARED', 'lowercase'])).toStrictEqual({
      DEBUG: true,
      SHARED: 'production',
    })
  })

  it("loads an instance's fields and its prototype's getters", () => {
    class Settings {
      DATABASE_HOST = 'db'
      get DATABASE_URI() {
        return `postgres://${this.DATABASE_HOST}`
      }
      helper() {}
    }
    const config = new Config('/app').fromObject(new Settings())
    expect(pick(config, ['DATABASE_HOST', 'DATABASE_URI', 'helper'])).toStrictEqual({
      DATABASE_HOST: 'db',
      DATABASE_URI: 'postgres://db',
    })
  })

  it('loads a module namespace', async () => {
    const url = 'data:text/javascript,export const MODULE_KEY = 1; export const other = 2'
    const module = await import(url)
    const config = new Config('/app').fromObject(module)
    expect(pick(config, ['MODULE_KEY', 'other'])).toStrictEqual({ MODULE_KEY: 1 })
  })
})

describe('config.fromFile', () => {
  it('loads the UPPERCASE keys of a JSON file relative to the root path', () => {
    const config = makeConfig()
    writeFileSync(join(config.rootPath, 'config.json'), '{"SECRET_KEY": "k", "lower": 1}')
    expect(config.fromFile('config.json')).toBe(config)
    expect(config.SECRET_KEY).toBe('k')
    expect(config.lower).toBeUndefined()
  })

  it('loads an absolute path as is', () => {
    const dir = mkdtempSync(join(tmpdir(), 'flagon-abs-'))
    writeFileSync(join(dir, 'c.json'), '{"TESTING": true}')
    expect(new Config('/nowhere').fromFile(join(dir, 'c.json')).TESTING).toBe(true)
  })

  it('parses with the given load function', () => {
    const config = makeConfig()
    writeFileSync(join(config.rootPath, 'config.env'), 'SERVER_NAME=example.com\nMY_FLAG=on')
    const load = (text: string) => Object.fromEntries(text.split('\n').map((line) => line.split('=')))
    config.fromFile('config.env', { load })
    expect(pick(config, ['SERVER_NAME', 'MY_FLAG'])).toStrictEqual({
      SERVER_NAME: 'example.com',
      MY_FLAG: 'on',
    })
  })

  it('returns false for a missing file when silent', () => {
    const config = makeConfig()
    expect(config.fromFile('missing.json', { silent: true })).toBe(false)
    mkdirSync(join(config.rootPath, 'a-directory'))
    expect(config.fromFile('a-directory', { silent: true })).toBe(false)
  })

  const failures: Array<
    [name: string, file: string | null, content: string, code: string | undefined, message: RegExp]
  > = [
    [
      'a missing file is an error naming the path and the way out',
      null,
      '',
      'ENOENT',
      /does not exist.*silent/,
    ],
    ['bad JSON is an error naming the file', 'bad.json', '{"A": ', undefined, /Unable to parse .*bad\.json/],
    [
      'a file holding an array is an error',
      'list.json',
      '[1, 2]',
      undefined,
      /must hold an object.*not \[1,2\]/,
    ],
    ['a file holding null is an error', 'null.json', 'null', undefined, /must hold an object.*not null/],
  ]
  for (const [name, file, content, code, message] of failures) {
    it(name, () => {
      const config = makeConfig()
      const path = file ?? 'missing.json'
      if (file) writeFileSync(join(config.rootPath, file), content)
      const error = catchError(() => config.fromFile(path))
      expect(error).toBeInstanceOf(ConfigFileError)
      expect(error).toMatchObject({ path: join(config.rootPath, path), code })
      expect((error as Error).message).toMatch(message)
    })
  }

  it('remembers the file as the source of its values', () => {
    const config = makeConfig()
    writeFileSync(join(config.rootPath, 'config.json'), '{"DEBUG": "yes"}')
    config.fromFile('config.json')
    expect(catchError(() => config.validate())).toMatchObject({
      key: 'DEBUG',
      source: join(config.rootPath, 'config.json'),
    })
  })
})

describe('config.fromPrefixedEnv', () => {
  const rows: Array<[name: string, env: Record<string, string>, key: string, value: unknown]> = [
    ['JSON-decodes a boolean', { FLAGON_DEBUG: 'true' }, 'DEBUG', true],
    ['JSON-decodes a number', { FLAGON_MAX_CONTENT_LENGTH: '1024' }, 'MAX_CONTENT_LENGTH', 1024],
    ['JSON-decodes null', { FLAGON_SERVER_NAME: 'null' }, 'SERVER_NAME', null],
    [
      'JSON-decodes an array',
      { FLAGON_TRUSTED_HOSTS: '["a.com","b.com"]' },
      'TRUSTED_HOSTS',
      ['a.com', 'b.com'],
    ],
    [
      'keeps a value that is not JSON as the string',
      { FLAGON_SERVER_NAME: 'example.com' },
      'SERVER_NAME',
      'example.com',
    ],
    ['keeps a quoted JSON string unquoted', { FLAGON_MY_NAME: '"quoted"' }, 'MY_NAME', 'quoted'],
    [
      'keeps the text of a numeric value for a string-typed key',
      { FLAGON_SECRET_KEY: '123456' },
      'SECRET_KEY',
      '123456',
    ],
    ['keeps a number for a key of your own', { FLAGON_MY_NUMBER: '123456' }, 'MY_NUMBER', 123456],
    ['loads lowercase keys, as Flask does', { FLAGON_lower: '1' }, 'lower', 1],
    ['ignores variables without the prefix', { FLAGONX_DEBUG: 'true', DEBUG: 'true' }, 'DEBUG', false],
  ]
  for (const [name, env, key, value] of rows) {
    it(name, () => {
      expect(new Config('/app').fromPrefixedEnv('FLAGON', { env })[key]).toStrictEqual(value)
    })
  }

  it('reads process.env with the FLAGON prefix by default', () => {
    process.env.FLAGON_TEST_FROM_PROCESS = '"yes"'
    try {
      expect(new Config('/app').fromPrefixedEnv().TEST_FROM_PROCESS).toBe('yes')
    } finally {
      delete process.env.FLAGON_TEST_FROM_PROCESS
    }
  })

  it('takes another prefix and another decoder', () => {
    const config = new Config('/app').fromPrefixedEnv('MYAPP', {
      env: { MYAPP_SERVER_NAME: 'x', FLAGON_DEBUG: 'true' },
      loads: (s) => s.toUpperCase(),
    })
    expect(pick(config, ['SERVER_NAME', 'DEBUG'])).toStrictEqual({ SERVER_NAME: 'X', DEBUG: false })
  })

  it('loads in sorted order, whatever the order of the environment', () => {
    const env = { FLAGON_DB__HOST: 'h', FLAGON_DB: '{"PORT": 1}' }
    // DB sorts first and is replaced by an object; DB__HOST then sets a key inside it.
    expect(new Config('/app').fromPrefixedEnv('FLAGON', { env }).DB).toStrictEqual({ PORT: 1, HOST: 'h' })
  })

  describe('a double underscore', () => {
    it('sets a nested key, creating the objects on the way', () => {
      const env = { FLAGON_DB__PRIMARY__HOST: 'db', FLAGON_DB__PRIMARY__PORT: '5432' }
      expect(new Config('/app').fromPrefixedEnv('FLAGON', { env }).DB).toStrictEqual({
        PRIMARY: { HOST: 'db', PORT: 5432 },
      })
    })

    it('adds to an object already in the config', () => {
      const config = new Config('/app').fromMapping({ CACHE: { TYPE: 'memory', TTL: 1 } })
      config.fromPrefixedEnv('FLAGON', { env: { FLAGON_CACHE__TTL: '60' } })
      expect(config.CACHE).toStrictEqual({ TYPE: 'memory', TTL: 60 })
    })

    it('refuses to set a key inside a value that is not an object', () => {
      const error = catchError(() =>
        new Config('/app').fromPrefixedEnv('FLAGON', { env: { FLAGON_DEBUG__LEVEL: '1' } }),
      )
      expect(error).toBeInstanceOf(ConfigError)
      expect(error).toMatchObject({ key: 'DEBUG', source: 'FLAGON_DEBUG__LEVEL' })
      expect((error as Error).message).toBe(
        'FLAGON_DEBUG__LEVEL cannot set DEBUG.LEVEL: DEBUG is false, not an object.',
      )
    })

    it('does not print a secret key it cannot reach into', () => {
      const env = { FLAGON_SECRET_KEY: 'hunter2', FLAGON_SECRET_KEY__X: '1' }
      const error = catchError(() => new Config('/app').fromPrefixedEnv('FLAGON', { env }))
      expect((error as Error).message).toBe(
        'FLAGON_SECRET_KEY__X cannot set SECRET_KEY.X: SECRET_KEY is a string, not an object.',
      )
    })

    it('never climbs into a prototype', () => {
      const env = { FLAGON_X__constructor__prototype__polluted: 'true' }
      const config = new Config('/app').fromPrefixedEnv('FLAGON', { env })
      expect(({} as Record<string, unknown>).polluted).toBeUndefined()
      expect(JSON.stringify(config.X)).toBe('{"constructor":{"prototype":{"polluted":true}}}')
    })
  })

  it("refuses a key that would hide one of the config's methods", () => {
    const error = catchError(() =>
      new Config('/app').fromPrefixedEnv('FLAGON', { env: { FLAGON_validate: '1' } }),
    )
    expect(error).toBeInstanceOf(ConfigError)
    expect(error).toMatchObject({ key: 'validate', source: 'FLAGON_validate' })
  })
})

describe('config.getNamespace', () => {
  const config = new Config('/app').fromMapping({
    IMAGE_STORE_TYPE: 'fs',
    IMAGE_STORE_BASE_URL: 'http://img',
    IMAGE_OTHER: 1,
  })
  const rows: Array<[name: string, options: Parameters<Config['getNamespace']>[1], expected: object]> = [
    ['trims and lower-cases by default', undefined, { type: 'fs', base_url: 'http://img' }],
    ['keeps the case when asked', { lowercase: false }, { TYPE: 'fs', BASE_URL: 'http://img' }],
    [
      'keeps the prefix when asked',
      { trimNamespace: false },
      { image_store_type: 'fs', image_store_base_url: 'http://img' },
    ],
    [
      'can do neither',
      { lowercase: false, trimNamespace: false },
      { IMAGE_STORE_TYPE: 'fs', IMAGE_STORE_BASE_URL: 'http://img' },
    ],
  ]
  for (const [name, options, expected] of rows) {
    it(name, () => {
      expect(config.getNamespace('IMAGE_STORE_', options)).toStrictEqual(expected)
    })
  }
})

function pick(config: Config, keys: string[]): Record<string, unknown> {
  return Object.fromEntries(keys.filter((key) => Object.hasOwn(config, key)).map((key) => [key, config[key]]))
}

function catchError(fn: () => unknown): unknown {
  try {
    fn()
  } catch (error) {
    return error
  }
  throw new Error('expected an error')
}
