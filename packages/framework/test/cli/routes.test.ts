import { describe, expect, it } from 'vitest'
import { formatRoutes } from '../../src/cli/routes.js'
import { Rule } from '../../src/routing/rule.js'
import { flagon } from './cli-process.js'

const byEndpoint = `Endpoint          Methods    Rule
----------------  ---------  ------------------------
chat              WEBSOCKET  /ws
index             GET        /
login             POST       /login
logoutEverywhere  DELETE     /users/<int:id>/sessions
static            GET        /static/<path:filename>
user              GET, POST  /users/<int:id>
`

const tables: Array<[name: string, args: string[], table: string]> = [
  [
    'sorts by endpoint by default, HEAD and OPTIONS hidden; the static route included',
    ['--app', 'routes-app.ts'],
    byEndpoint,
  ],
  [
    'sorts by rule; --app may follow the command name',
    ['-A', 'routes-app', '--sort', 'rule'],
    `Endpoint          Methods    Rule
----------------  ---------  ------------------------
index             GET        /
login             POST       /login
static            GET        /static/<path:filename>
user              GET, POST  /users/<int:id>
logoutEverywhere  DELETE     /users/<int:id>/sessions
chat              WEBSOCKET  /ws
`,
  ],
  [
    'sorts by methods',
    ['--app', 'routes-app.ts', '-s', 'methods'],
    `Endpoint          Methods    Rule
----------------  ---------  ------------------------
logoutEverywhere  DELETE     /users/<int:id>/sessions
static            GET        /static/<path:filename>
index             GET        /
user              GET, POST  /users/<int:id>
login             POST       /login
chat              WEBSOCKET  /ws
`,
  ],
  [
    'keeps the registration order with --sort match, and shows every method with --all-methods',
    ['--app', 'routes-app.ts', '--sort', 'match', '--all-methods'],
    `Endpoint          Methods                   Rule
----------------  ------------------------  ------------------------
static            GET, HEAD, OPTIONS        /static/<path:filename>
index             GET, HEAD, OPTIONS        /
user              GET, HEAD, OPTIONS, POST  /users/<int:id>
login             OPTIONS, POST             /login
logoutEverywhere  DELETE, OPTIONS           /users/<int:id>/sessions
chat              WEBSOCKET                 /ws
`,
  ],
]

describe.concurrent('flagon routes', () => {
  for (const [name, args, table] of tables) {
    it(name, async () => {
      const result = await flagon(['routes', ...args])
      expect(result.stderr).toBe('')
      expect(result.stdout).toBe(table)
      expect(result.code).toBe(0)
    })
  }

  it('says so when the app has no routes', async () => {
    const result = await flagon(['--app', 'empty-app.ts', 'routes'])
    expect(result.stdout).toBe('No routes were registered.\n')
    expect(result.code).toBe(0)
  })

  it('refuses an unknown sort with a usage error (exit code 2)', async () => {
    const result = await flagon(['--app', 'routes-app.ts', 'routes', '--sort', 'size'])
    expect(result.code).toBe(2)
    expect(result.stderr).toContain("'size' is not one of 'endpoint', 'methods', 'domain', 'rule', 'match'")
  })
})

describe('formatRoutes with host matching', () => {
  it('adds a Host column and sorts by it with "domain"', () => {
    const rules = [
      new Rule('/', { endpoint: 'shop', host: 'shop.example.com' }),
      new Rule('/', { endpoint: 'blog', host: 'blog.example.com', methods: ['GET', 'POST'] }),
    ]
    expect(formatRoutes(rules, { hostMatching: true, sort: 'domain' })).toBe(
      `Endpoint  Methods    Host              Rule
--------  ---------  ----------------  ----
blog      GET, POST  blog.example.com  /
shop      GET        shop.example.com  /
`,
    )
  })
})
