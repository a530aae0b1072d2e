import { describe, expectTypeOf, it } from 'vitest'
import type { RouteParams } from '../../src/routing/index.js'

describe('the params type of a rule', () => {
  it('types int and path variables', () => {
    expectTypeOf<RouteParams<'/users/<int:id>/<path:rest>'>>().toEqualTypeOf<{ id: number; rest: string }>()
  })

  it('types float as a number and a bare variable as a string', () => {
    expectTypeOf<RouteParams<'/p/<float:price>/<name>'>>().toEqualTypeOf<{ price: number; name: string }>()
  })

  it('reads converter arguments, colons included', () => {
    expectTypeOf<RouteParams<'/<int(min=1):n>/<any(a, "b:c"):kind>'>>().toEqualTypeOf<{
      n: number
      kind: string
    }>()
  })

  it('types uuid and custom converters as strings', () => {
    expectTypeOf<RouteParams<'/<uuid:id>/<list:tags>'>>().toEqualTypeOf<{ id: string; tags: string }>()
  })

  it('gives a rule without variables no params', () => {
    expectTypeOf<RouteParams<'/about'>>().toEqualTypeOf<Record<string, never>>()
  })
})
