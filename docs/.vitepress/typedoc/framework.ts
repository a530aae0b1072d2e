/**
 * The app, routing, contexts and proxies, requests and responses, websockets, errors, signals and
 * the test client. Generated from the TSDoc in `packages/framework/src`.
 * @module @flagon/framework
 */
export * from '../../../packages/framework/src/index.js'
