import { copyCurrentRequestContext, currentObject, Flagon, g, type Request, request } from '@flagon/framework'

export function createApp(): Flagon {
  const app = new Flagon('contexts')

  // #region await
  app.beforeRequest(() => {
    g.username = request.headers.get('x-user') ?? 'anonymous'
  })

  app.get('/whoami', async () => {
    await new Promise((resolve) => setTimeout(resolve, 5))
    return describeRequest() // still this request's `request` and `g`, after the await
  })

  // Any function called while a request is handled sees that request: no parameter to pass down.
  function describeRequest(): string {
    return `${g.username} asked for ${request.path}`
  }
  // #endregion await

  // #region stream
  app.get('/stream', async function* stream() {
    yield 'start\n'
    await new Promise((resolve) => setTimeout(resolve, 5))
    yield `${request.path} for ${g.username}\n` // the body is sent before the contexts end
  })
  // #endregion stream

  // #region callback
  app.get('/later', () => {
    return new Promise<string>((resolve) => {
      // A callback that a library stores and calls later: bind it to this request first.
      const report = copyCurrentRequestContext(() => resolve(`later: ${request.path}`))
      setImmediate(report)
    })
  })
  // #endregion callback

  // #region current-object
  let first: Request | undefined // kept after its request has ended
  app.get('/first/<name>', () => {
    // The Request itself: kept as `request`, the proxy would read whichever request is current.
    first ??= currentObject(request)
    return { first: first.path, now: request.path }
  })
  // #endregion current-object

  return app
}
