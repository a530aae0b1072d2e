/**
 * The routing layer: Quart's rule syntax and Werkzeug's matching and URL building, with no knowledge of
 * the app. The app adds a `Rule` per route to its `UrlMap`, matches each request, and builds URLs for
 * `urlFor`.
 */
export {
  AnyConverter,
  BaseConverter,
  type Converter,
  type ConverterArg,
  type ConverterClass,
  defaultConverters,
  FloatConverter,
  IntConverter,
  PathConverter,
  StringConverter,
  UuidConverter,
  ValidationError,
} from './converters.js'
export { encodeQuery, quotePath } from './encoding.js'
export { BuildError, type BuildErrorInit } from './errors.js'
export {
  type BuildOptions,
  type BuildResult,
  type MatchOptions,
  type MatchOutcome,
  UrlMap,
  type UrlMapOptions,
} from './map.js'
export type { RouteParams } from './params.js'
export { Rule, type RuleMapSettings, type RuleOptions } from './rule.js'
export { type ConverterArgs, parseConverterArgs, parseRule, type RuleToken } from './syntax.js'
