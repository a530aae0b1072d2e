/**
 * `flagon routes`: the app's URL rules as a table (Quart's `routes_command`): Endpoint, Methods and Rule,
 * plus Host when the app matches hosts. HEAD and OPTIONS are hidden unless `--all-methods`.
 */
import type { Rule } from '../routing/rule.js'
import { Command, UsageError } from './commands.js'
import { APP_OPTIONS, type GlobalOptions, prepareApp, withCommandOptions } from './options.js'

/** The orders `--sort` accepts; `match` is the order the rules were registered in, as in Quart. */
export const ROUTE_SORTS = ['endpoint', 'methods', 'domain', 'rule', 'match'] as const
export type RouteSort = (typeof ROUTE_SORTS)[number]

/** Options of `formatRoutes`. */
export interface RoutesTableOptions {
  sort?: RouteSort
  /** Show HEAD and OPTIONS too. */
  allMethods?: boolean
  /** Add the Host column (when some rule has a host). */
  hostMatching?: boolean
}

/** The part of a rule the table shows. */
export type RouteRow = Pick<Rule, 'endpoint' | 'methods' | 'path' | 'websocket' | 'host'>

/**
 * The routes table, one line per rule, lines ending in `\n`; or `No routes were registered.`.
 * Websocket rules show `WEBSOCKET` as their method.
 * @example
 * Endpoint  Methods  Rule
 * --------  -------  -----------
 * index     GET      /
 * user      GET      /users/<int:id>
 */
export function formatRoutes(rules: Iterable<RouteRow>, options: RoutesTableOptions = {}): string {
  const list = [...rules]
  if (list.length === 0) return 'No routes were registered.\n'
  const hidden = options.allMethods ? new Set<string>() : new Set(['HEAD', 'OPTIONS'])
  const withHost = Boolean(options.hostMatching) && list.some((rule) => rule.host)
  const rows = list.map((rule) => {
    const methods = rule.websocket
      ? 'WEBSOCKET'
      : [...rule.methods]
          .filter((method) => !hidden.has(method))
          .sort()
          .join(', ')
    return withHost
      ? [rule.endpoint, methods, rule.host ?? '', rule.path]
      : [rule.endpoint, methods, rule.path]
  })
  const headers = withHost ? ['Endpoint', 'Methods', 'Host', 'Rule'] : ['Endpoint', 'Methods', 'Rule']
  const column = sortColumn(options.sort ?? 'endpoint', withHost)
  // A stable sort, as Python's: equal keys keep the registration order.
  if (column !== undefined) rows.sort((a, b) => compare(a[column]!, b[column]!))
  const widths = headers.map((header, i) => Math.max(header.length, ...rows.map((row) => row[i]!.length)))
  const line = (cells: string[]) =>
    cells
      .map((cell, i) => cell.padEnd(widths[i]!))
      .join('  ')
      .trimEnd()
  const separator = widths.map((width) => '-'.repeat(width))
  return `${[headers, separator, ...rows].map(line).join('\n')}\n`
}

/** The `routes` command; `globals` are the options given before it (`flagon --app x routes`). */
export function routesCommand(globals: GlobalOptions): Command<any> {
  return new Command(
    'routes',
    {
      description: 'Show the routes for the app.',
      withAppContext: false,
      options: {
        sort: {
          type: 'string',
          short: 's',
          default: 'endpoint',
          metavar: '[endpoint|methods|domain|rule|match]',
          description: "Method to sort routes by; 'match' keeps the order they were registered in.",
        },
        'all-methods': { type: 'boolean', description: 'Show HEAD and OPTIONS methods.' },
        ...APP_OPTIONS,
      },
    },
    async ({ values }) => {
      const sort = values.sort as string
      if (!(ROUTE_SORTS as readonly string[]).includes(sort)) {
        throw new UsageError(
          `Invalid value for '-s' / '--sort': '${sort}' is not one of ${ROUTE_SORTS.map((s) => `'${s}'`).join(', ')}.`,
        )
      }
      const app = await prepareApp(withCommandOptions(globals, values))
      const table = await app.appContext().run(() =>
        formatRoutes(app.urlMap.iterRules(), {
          sort: sort as RouteSort,
          allMethods: values['all-methods'] === true,
          hostMatching: app.urlMap.hostMatching,
        }),
      )
      process.stdout.write(table)
    },
  )
}

function sortColumn(sort: RouteSort, withHost: boolean): number | undefined {
  switch (sort) {
    case 'endpoint':
      return 0
    case 'methods':
      return 1
    case 'domain':
      return withHost ? 2 : undefined
    case 'rule':
      return withHost ? 3 : 2
    default:
      return undefined
  }
}

function compare(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0
}
