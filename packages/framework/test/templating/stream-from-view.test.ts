import { describe, expect, it } from 'vitest'
import { Flagon, streamTemplateString } from '../../src/index.js'

describe('a view that returns a streamed template', () => {
  it('streams the rendered template, not JSON', async () => {
    const app = new Flagon('stream-view')
    app.get('/', async () => streamTemplateString('<p>{{ n }} items</p>', { n: 3 }))
    const client = app.testClient()
    const response = await client.get('/')
    await client.close()
    expect(response.headers.get('content-type')).toBe('text/html; charset=utf-8')
    expect(response.headers.get('transfer-encoding')).toBe('chunked')
    expect(await response.text()).toBe('<p>3 items</p>')
  })
})
