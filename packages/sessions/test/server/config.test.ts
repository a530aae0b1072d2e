import { describe, expect, it } from 'vitest'
import {
  defaultServerSessionSettings,
  readServerSessionSettings,
  type ServerSessionConfig,
} from '../../src/index.js'

describe('the SESSION_* keys, read once', () => {
  it("an empty config gives Quart-Session's defaults, and a 2 s store timeout", () => {
    expect(readServerSessionSettings({})).toEqual({
      keyPrefix: 'session:',
      useSigner: false,
      permanent: true,
      explicit: false,
      staticFile: false,
      hijackProtection: false,
      hijackReverseProxy: false,
      storeTimeout: 2,
      storeFailure: 'error',
      regenerateOn: [],
      identityKey: null,
    })
    expect(readServerSessionSettings({})).toEqual(defaultServerSessionSettings)
  })

  const rows: Array<[name: string, config: ServerSessionConfig, setting: string, value: unknown]> = [
    ['SESSION_KEY_PREFIX', { SESSION_KEY_PREFIX: 'app:' }, 'keyPrefix', 'app:'],
    ['SESSION_USE_SIGNER', { SESSION_USE_SIGNER: true }, 'useSigner', true],
    ['SESSION_PERMANENT', { SESSION_PERMANENT: false }, 'permanent', false],
    ['SESSION_EXPLICIT', { SESSION_EXPLICIT: true }, 'explicit', true],
    ['SESSION_STATIC_FILE', { SESSION_STATIC_FILE: true }, 'staticFile', true],
    ['SESSION_HIJACK_PROTECTION', { SESSION_HIJACK_PROTECTION: true }, 'hijackProtection', true],
    ['SESSION_PROTECTION (Quart-Session 3)', { SESSION_PROTECTION: true }, 'hijackProtection', true],
    ['SESSION_HIJACK_REVERSE_PROXY', { SESSION_HIJACK_REVERSE_PROXY: true }, 'hijackReverseProxy', true],
    ['SESSION_REVERSE_PROXY (Quart-Session 3)', { SESSION_REVERSE_PROXY: 2 }, 'hijackReverseProxy', 2],
    ['SESSION_STORE_TIMEOUT', { SESSION_STORE_TIMEOUT: 0.25 }, 'storeTimeout', 0.25],
    ['SESSION_STORE_FAILURE', { SESSION_STORE_FAILURE: 'anonymous' }, 'storeFailure', 'anonymous'],
    ['SESSION_IDENTITY_KEY', { SESSION_IDENTITY_KEY: 'user_id' }, 'identityKey', 'user_id'],
    ['SESSION_REGENERATE_ON', { SESSION_REGENERATE_ON: ['user_id'] }, 'regenerateOn', ['user_id']],
    [
      'both names, agreeing',
      { SESSION_PROTECTION: true, SESSION_HIJACK_PROTECTION: true },
      'hijackProtection',
      true,
    ],
  ]
  for (const [name, config, setting, value] of rows) {
    it(`reads ${name}`, () => {
      expect(readServerSessionSettings(config)).toMatchObject({ [setting]: value })
    })
  }

  const bad: Array<[name: string, config: Record<string, unknown>, message: RegExp]> = [
    [
      'a string for a flag',
      { SESSION_USE_SIGNER: 'yes' },
      /^SESSION_USE_SIGNER must be true or false, not "yes"\.$/,
    ],
    ['a number prefix', { SESSION_KEY_PREFIX: 1 }, /^SESSION_KEY_PREFIX must be a string, not 1\.$/],
    ['a zero timeout', { SESSION_STORE_TIMEOUT: 0 }, /^SESSION_STORE_TIMEOUT must be a positive number/],
    [
      'an unknown SESSION_STORE_FAILURE',
      { SESSION_STORE_FAILURE: 'ignore' },
      /^SESSION_STORE_FAILURE must be "error" or "anonymous", not "ignore"\.$/,
    ],
    [
      'a SESSION_REGENERATE_ON that is no list',
      { SESSION_REGENERATE_ON: 'user_id' },
      /^SESSION_REGENERATE_ON must be a list of session keys, not "user_id"\.$/,
    ],
    ['a proxy count of 0', { SESSION_HIJACK_REVERSE_PROXY: 0 }, /^SESSION_HIJACK_REVERSE_PROXY must be/],
    [
      'a key and its alias disagreeing',
      { SESSION_HIJACK_PROTECTION: true, SESSION_PROTECTION: false },
      /^SESSION_HIJACK_PROTECTION is true but its alias SESSION_PROTECTION is false\. Set only one of them\.$/,
    ],
  ]
  for (const [name, config, message] of bad) {
    it(`refuses ${name}, at start-up`, () => {
      expect(() => readServerSessionSettings(config as ServerSessionConfig)).toThrow(message)
    })
  }
})
