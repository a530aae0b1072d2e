/**
 * Class-based views, as Flask's `View` and `MethodView`: a class whose `dispatchRequest` answers,
 * turned into a view function by `asView(name)`. A `MethodView` answers each HTTP method with the
 * method of the same name (`get`, `post` …), and its allowed methods are derived from them.
 */
import { MethodNotAllowed } from './exceptions.js'
import { request } from './globals/proxies.js'
import type { View as ViewFunction, ViewResult } from './scaffold.js'

/** A view function made by `asView`, carrying what the router reads from it. */
export type ClassBasedView = ViewFunction<any> & {
  readonly viewClass: ViewClass
  readonly methods: readonly string[] | undefined
  readonly provideAutomaticOptions: boolean | undefined
}

/** A View subclass, as `asView` sees it. */
export interface ViewClass {
  new (...args: any[]): View
  readonly methods?: readonly string[]
  readonly decorators?: ReadonlyArray<(view: ViewFunction<any>) => ViewFunction<any>>
  readonly provideAutomaticOptions?: boolean
  readonly initEveryRequest?: boolean
}

/**
 * The base of class-based views. Subclass it, implement `dispatchRequest`, and register
 * `MyView.asView('name')`.
 * @example
 * class Hello extends View {
 *   static methods = ['GET']
 *   dispatchRequest({ name }: { name: string }) { return `Hello ${name}` }
 * }
 * app.addUrlRule('/hello/<name>', { view: Hello.asView('hello') })
 */
export abstract class View {
  /** The methods the view answers; default GET (MethodView derives them). */
  static methods?: readonly string[]
  /** Functions wrapped around the view function, first one innermost (as Flask applies them). */
  static decorators: ReadonlyArray<(view: ViewFunction<any>) => ViewFunction<any>> = []
  /** Whether OPTIONS is answered automatically; default the app's setting. */
  static provideAutomaticOptions?: boolean
  /** A new instance per request (the default), or one shared instance made at registration. */
  static initEveryRequest = true

  /** Answers the request with the URL parameters. */
  abstract dispatchRequest(params: Record<string, unknown>): ViewResult | Promise<ViewResult>

  /**
   * The view function for this class, named `name` (its default endpoint). `classArgs` go to the
   * constructor.
   */
  static asView<C extends ViewClass>(
    this: C,
    name: string,
    ...classArgs: ConstructorParameters<C>
  ): ClassBasedView {
    const shared = this.initEveryRequest === false ? new this(...classArgs) : undefined
    let view: ViewFunction<any> = (params) => (shared ?? new this(...classArgs)).dispatchRequest(params)
    for (const decorate of this.decorators ?? []) view = decorate(view)
    Object.defineProperty(view, 'name', { value: name })
    return Object.assign(view, {
      viewClass: this,
      methods: this.methods,
      provideAutomaticOptions: this.provideAutomaticOptions,
    }) as ClassBasedView
  }
}

const httpMethods = ['get', 'post', 'put', 'delete', 'patch', 'head', 'options', 'trace'] as const

/**
 * A view that answers each HTTP method with its method of the same name; HEAD falls back to `get`.
 * @example
 * class UserAPI extends MethodView {
 *   get({ id }: { id: number }) { return users.get(id) ?? abort(404) }
 *   delete({ id }: { id: number }) { users.delete(id); return ['', 204] }
 * }
 * app.addUrlRule('/users/<int:id>', { view: UserAPI.asView('user') })
 */
export abstract class MethodView extends View {
  static override get methods(): readonly string[] {
    const found = new Set<string>()
    for (
      let proto = this.prototype;
      proto && proto !== MethodView.prototype;
      proto = Object.getPrototypeOf(proto)
    ) {
      for (const method of httpMethods) {
        if (typeof Object.getOwnPropertyDescriptor(proto, method)?.value === 'function')
          found.add(method.toUpperCase())
      }
    }
    return [...found]
  }

  dispatchRequest(params: Record<string, unknown>): ViewResult | Promise<ViewResult> {
    const self = this as unknown as Record<
      string,
      ((params: Record<string, unknown>) => ViewResult) | undefined
    >
    const method = request.method.toLowerCase()
    const handler = self[method] ?? (method === 'head' ? self.get : undefined)
    if (!handler) throw new MethodNotAllowed((this.constructor as typeof MethodView).methods)
    return handler.call(this, params)
  }
}
