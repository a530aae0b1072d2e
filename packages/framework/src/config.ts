/**
 * Configuration: the defaults, the `Config` object at `app.config`, and its errors.
 * The code is in `config/`: defaults.ts (the keys) · config.ts (loaders) · validate.ts (rules) · errors.ts.
 */
export {
  Config,
  type FromFileOptions,
  type FromPrefixedEnvOptions,
  type GetNamespaceOptions,
} from './config/config.js'
export { defaultConfig, type FlagonConfig, type KnownConfigKey } from './config/defaults.js'
export { ConfigError, ConfigFileError } from './config/errors.js'
