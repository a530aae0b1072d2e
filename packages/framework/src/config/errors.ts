/**
 * The errors config loading and validation throw. Both carry the facts as fields, so tests and
 * tools can read them without parsing the message.
 */

/**
 * A config key has a value of the wrong type or range, or a name that looks like a misspelt
 * Flagon key. Thrown by `config.validate()`, which the app calls at start.
 *
 * `value` is not enumerable, so that logging the error does not print a secret key.
 */
export class ConfigError extends Error {
  /** The offending key, e.g. `SESSION_COOKIE_SAMESITE`. */
  readonly key: string
  /** Where the value came from: an environment variable, a file path or a loader call; `undefined` when set in code. */
  readonly source: string | undefined
  /** For an unknown key, the known key it most resembles. */
  readonly suggestion: string | undefined
  /** The offending value. */
  declare readonly value: unknown

  constructor(
    message: string,
    details: { key: string; value: unknown; source: string | undefined; suggestion?: string },
  ) {
    super(message)
    this.name = 'ConfigError'
    this.key = details.key
    this.source = details.source
    this.suggestion = details.suggestion
    Object.defineProperty(this, 'value', { value: details.value, enumerable: false })
  }
}

/**
 * A config file could not be read or parsed by `config.fromFile()`. The underlying error,
 * if any, is the `cause`.
 */
export class ConfigFileError extends Error {
  /** The absolute path that was tried. */
  readonly path: string
  /** The file system's error code (`ENOENT`, `EACCES` …), or `undefined` when the file was read but not understood. */
  readonly code: string | undefined

  constructor(message: string, path: string, cause?: unknown) {
    super(message, cause === undefined ? undefined : { cause })
    this.name = 'ConfigFileError'
    this.path = path
    this.code = (cause as NodeJS.ErrnoException | undefined)?.code
  }
}
