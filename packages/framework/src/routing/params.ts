/**
 * The view arguments a rule gives, computed from its text, so a handler for `/users/<int:id>` is typed
 * `{ id: number }` without writing it twice.
 */

/**
 * The parameters of a rule: `int` and `float` give numbers, every other converter a string; a rule without
 * variables gives `Record<string, never>`.
 * @example
 * type P = RouteParams<'/users/<int:id>/<path:rest>'> // { id: number; rest: string }
 */
export type RouteParams<Path extends string> = keyof Collect<Path> extends never
  ? Record<string, never>
  : { [Name in keyof Collect<Path>]: Collect<Path>[Name] }

// Walks the rule, one <...> at a time, into an intersection of one-key objects.
type Collect<Path extends string> = Path extends `${string}<${infer Inner}>${infer Rest}`
  ? Variable<Inner> & Collect<Rest>
  : unknown

// `<name>` or `<converter(args):name>`; the name is after the last colon, since arguments may hold colons.
type Variable<Inner extends string> = Inner extends `${infer Head}:${infer Name}`
  ? Name extends `${string}:${string}`
    ? Variable<Name> extends infer Found
      ? { [K in keyof Found]: ValueOf<ConverterName<Head>> }
      : never
    : { [K in Name]: ValueOf<ConverterName<Head>> }
  : { [K in Inner]: string }

type ConverterName<Spec extends string> = Spec extends `${infer Name}(${string}` ? Name : Spec

type ValueOf<Converter extends string> = Converter extends 'int' | 'float' ? number : string
