/**
 * What every target serves, in one place, so that the apps differ only in how their framework
 * says it. A target is started as `node targets/<name>.mjs` with PORT, SCENARIO and ROUTES
 * (the number of routes registered before the parameterised one) in its environment.
 */
import { crc32 } from 'node:zlib'

export const port = Number(process.env.PORT ?? 3000)
export const scenario = process.env.SCENARIO ?? 'plaintext'
export const routeCount = Number(process.env.ROUTES ?? 50)

/** The plaintext body. */
export const PLAINTEXT = 'Hello, World!'

/** The JSON body (its keys sorted, as Flask's provider writes them). */
export const MESSAGE = { message: 'Hello, World!' }

/** Signs the session cookies; long enough for every framework's minimum. */
export const SECRET = 'flagon-bench-secret-key-0123456789abcdef'

/**
 * The routes registered before the parameterised one: each has two parameters as well, and a
 * static prefix of its own, so that a router has to tell them apart from the one asked for.
 * `style` is the framework's syntax: ':' (`/a/:b`) or '<>' (`/a/<b>`).
 */
export function fillerRoutes(style) {
  const routes = []
  for (let i = 0; i < routeCount; i++) {
    routes.push(style === '<>' ? `/api/resource${i}/<id>/items/<item>` : `/api/resource${i}/:id/items/:item`)
  }
  return routes
}

/** The upload scenario's file field. */
export const UPLOAD_FIELD = 'file'

/**
 * What the upload scenario answers, the same in every target: the file's name, its size, and the
 * CRC-32 of its bytes (proof that every byte arrived; zlib's is cheap next to the parsing measured).
 */
export function uploadSummary(filename, bytes) {
  return { crc32: crc32(bytes), name: filename, size: bytes.byteLength }
}

/** The body of the filler routes, which no check asks for. */
export const FILLER = 'filler'

/** The template scenario's folder and the variables it renders: 20 items, each with text to escape. */
export const TEMPLATES = new URL('./templates/', import.meta.url).pathname
export const FORTUNES = {
  title: 'Fortunes & <friends>',
  items: Array.from({ length: 20 }, (_, i) => ({
    name: `Fortune ${i + 1}: <b>rock & 'roll'</b>`,
    price: (i + 1) * 1.5,
  })),
}
