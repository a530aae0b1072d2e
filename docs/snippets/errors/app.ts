import { abort, Flagon, type HTTPException, NotFound, request } from '@flagon/framework'

// #region class
/** An error of the app's own, with the data its handler needs. */
export class OutOfStock extends Error {
  constructor(readonly item: string) {
    super(`${item} is out of stock`)
  }
}
// #endregion class

export function createApp(): Flagon {
  const app = new Flagon('errors')
  const stock = new Map([
    ['tea', 3],
    ['coffee', 0],
  ])

  // #region raise
  app.get('/items/<name>', ({ name }) => {
    const count = stock.get(name)
    if (count === undefined) abort(404, `We do not sell ${name}.`)
    if (count === 0) throw new OutOfStock(name)
    return { name, count }
  })

  app.get('/admin', () => {
    throw new NotFound() // the same as abort(404)
  })

  app.get('/boom', () => {
    throw new Error('a bug') // nobody handles it: logged with its stack, answered 500
  })
  // #endregion raise

  // #region handlers
  // By status: every 404, whether a view threw it or no rule matched.
  app.errorHandler(404, (error: HTTPException) => {
    if (request.path.startsWith('/items')) return [{ error: error.description }, 404]
    return error.getResponse() // the default HTML page
  })

  // By class: this error and its subclasses.
  app.errorHandler(OutOfStock, (error) => [{ error: error.message, item: error.item }, 409])

  // The last resort: a 500 handler also receives the errors nothing else handled.
  app.errorHandler(500, () => ['Something went wrong on our side.', 500])
  // #endregion handlers

  return app
}
