/**
 * Names for WHATWG fetch types that @types/node does not declare globally on Node 20,
 * derived from the global classes so they always match the runtime's.
 */

/** What `new Headers(init)` accepts. */
export type HeadersInit = ConstructorParameters<typeof Headers>[0]
/** What `new Response(body)` accepts as a body. */
export type BodyInit = NonNullable<ConstructorParameters<typeof Response>[0]>
