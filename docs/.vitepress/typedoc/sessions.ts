/**
 * Flask/Quart-compatible sessions for any Node host: the session, the session interfaces, the
 * itsdangerous-compatible signing and Flask's tagged JSON. Generated from the TSDoc in `packages/sessions/src`.
 * @module @flagon/sessions
 */
export * from '../../../packages/sessions/src/index.js'
