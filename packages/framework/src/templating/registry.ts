/**
 * What an app or a blueprint registers for its templates: filters, tests and globals (app-wide)
 * and context processors (per owner: `null` for the app, a blueprint's dotted name otherwise, so
 * that a blueprint's run only for requests routed to it). The app's environment reads its
 * registry before each render, so registering after the first render works too.
 */
import { types } from 'node:util'

/** A filter: `{{ value|name(arg) }}` calls `fn(value, arg)`. An `async function` is awaited. */
export type TemplateFilter = (value: any, ...args: any[]) => unknown
/** A test: `{% if value is name(arg) %}` calls `fn(value, arg)`. Synchronous. */
export type TemplateTest = (value: any, ...args: any[]) => boolean
/** Adds variables to every template's context; may be async. Explicit arguments win over them. */
export type ContextProcessor = () =>
  | Record<string, unknown>
  | undefined
  | Promise<Record<string, unknown> | undefined>

/** The template filters, tests, globals and context processors of an app or a blueprint. */
export class TemplateRegistry {
  readonly filters = new Map<string, TemplateFilter>()
  readonly tests = new Map<string, TemplateTest>()
  readonly globals = new Map<string, unknown>()
  /** Context processors by owner: `null` for the app, a blueprint's dotted name otherwise. */
  readonly contextProcessors = new Map<string | null, ContextProcessor[]>()
  #version = 0

  /** Counts changes, so that an environment knows when to take them over. */
  get version(): number {
    return this.#version
  }

  /**
   * Registers a filter under `name`, by default the function's name. An `async function` is
   * awaited by the template (nunjucks' async filters); a plain function must not return a promise.
   * @example registry.addFilter((n: number) => n * 2, 'double') // {{ 5|double }} → 10
   * @throws TypeError when there is no usable name.
   */
  addFilter<F extends TemplateFilter>(fn: F, name?: string): F {
    this.filters.set(nameFor('filter', fn, name), fn)
    this.#version++
    return fn
  }

  /**
   * Registers a test under `name`, by default the function's name.
   * @example registry.addTest((n: number) => n % 2 === 0, 'even2') // {{ 4 is even2 }} → true
   * @throws TypeError for an `async function` (nunjucks cannot wait for a test) or no usable name.
   */
  addTest<F extends TemplateTest>(fn: F, name?: string): F {
    const key = nameFor('test', fn, name)
    refuseAsync('test', key, fn)
    this.tests.set(key, fn)
    this.#version++
    return fn
  }

  /**
   * Registers a global: a function or any value every template sees, under `name` (by default a
   * function's name).
   * @example registry.addGlobal((n: number) => n * 2, 'twice') // {{ twice(3) }} → 6
   * @throws TypeError for an `async function` (nunjucks cannot wait for a call) or no usable name.
   */
  addGlobal<V>(value: V, name?: string): V {
    const key = nameFor('global', value, name)
    refuseAsync('global', key, value)
    this.globals.set(key, value)
    this.#version++
    return value
  }

  /**
   * Registers a context processor for `owner` (`null`: every request; a blueprint's dotted name:
   * the requests routed to that blueprint).
   */
  addContextProcessor<F extends ContextProcessor>(fn: F, owner: string | null = null): F {
    const list = this.contextProcessors.get(owner)
    if (list) list.push(fn)
    else this.contextProcessors.set(owner, [fn])
    this.#version++
    return fn
  }

  /**
   * Takes over what a blueprint registered, when it is registered as `name`: its filters, tests
   * and globals app-wide, its context processors under `name` (its nested blueprints' under
   * `name.child`), as Flask merges a blueprint's functions.
   */
  merge(source: TemplateRegistry, name: string): void {
    for (const [key, fn] of source.filters) this.filters.set(key, fn)
    for (const [key, fn] of source.tests) this.tests.set(key, fn)
    for (const [key, value] of source.globals) this.globals.set(key, value)
    for (const [owner, fns] of source.contextProcessors) {
      for (const fn of fns) this.addContextProcessor(fn, owner === null ? name : `${name}.${owner}`)
    }
    this.#version++
  }
}

function nameFor(kind: string, value: unknown, name: string | undefined): string {
  const key = name ?? (typeof value === 'function' ? value.name : '')
  if (!/^[A-Za-z_$][\w$]*$/.test(key)) {
    throw new TypeError(
      key
        ? `Template ${kind} name "${key}" is not a valid name; use letters, digits, _ or $, not starting with a digit.`
        : `This template ${kind} has no name: pass one, e.g. templateFilter('slugify', fn), or use a named function.`,
    )
  }
  return key
}

function refuseAsync(kind: string, name: string, value: unknown): void {
  if (typeof value === 'function' && types.isAsyncFunction(value)) {
    throw new TypeError(
      `Template ${kind} "${name}" is an async function, and nunjucks cannot wait for a ${kind}. ` +
        'Make it a filter (filters may be async), or compute the value in a context processor.',
    )
  }
}
