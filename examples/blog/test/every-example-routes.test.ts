import { describe, expect, it } from 'vitest'
import { flagon } from './flagon.js'

/** Each example, and the endpoints `flagon routes` must list for it with their methods. */
const examples: Array<
  [example: string, endpoints: Array<[endpoint: string, methods: string, rule: string]>]
> = [
  [
    'hello',
    [
      ['createNote', 'POST', '/notes'],
      ['deleteNote', 'DELETE', '/notes/<int:id>'],
      ['getNote', 'GET', '/notes/<int:id>'],
      ['index', 'GET', '/'],
      ['listNotes', 'GET', '/notes'],
      ['static', 'GET', '/static/<path:filename>'],
    ],
  ],
  [
    'colour',
    [
      ['index', 'GET', '/'],
      ['setColour', 'POST', '/colour/'],
      ['static', 'GET', '/static/<path:filename>'],
    ],
  ],
  [
    'chat',
    [
      ['chat', 'WEBSOCKET', '/ws'],
      ['index', 'GET', '/'],
      ['static', 'GET', '/static/<path:filename>'],
    ],
  ],
  [
    'blog',
    [
      ['auth.login', 'GET, POST', '/auth/login'],
      ['auth.logout', 'GET', '/auth/logout'],
      ['auth.register', 'GET, POST', '/auth/register'],
      ['blog.create', 'GET, POST', '/create'],
      ['blog.delete', 'POST', '/<int:id>/delete'],
      ['blog.index', 'GET', '/'],
      ['blog.update', 'GET, POST', '/<int:id>/update'],
      ['static', 'GET', '/static/<path:filename>'],
    ],
  ],
]

// Each test starts a process that compiles TypeScript; on a busy machine that can take a while.
describe.concurrent('flagon routes on every example', { timeout: 60_000 }, () => {
  for (const [example, endpoints] of examples) {
    it(`lists the endpoints of examples/${example}`, async () => {
      const result = await flagon(['--app', `examples/${example}/app.ts`, 'routes'])
      expect(result.stderr).toBe('')
      expect(result.code).toBe(0)
      const [header, separator, ...lines] = result.stdout.trimEnd().split('\n')
      expect(header).toMatch(/^Endpoint\s+Methods\s+Rule$/)
      expect(separator).toMatch(/^-+ {2}-+ {2}-+$/)
      const rows = lines.map((line) => line.split(/ {2,}/))
      expect(rows).toEqual(endpoints)
    })
  }
})
