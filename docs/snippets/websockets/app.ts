import { Flagon, request, websocket } from '@flagon/framework'

export function createApp(): Flagon {
  const app = new Flagon('websockets')

  // #region echo
  app.websocket('/echo', async function echo() {
    await websocket.accept()
    for await (const message of websocket) {
      await websocket.send(`echo: ${message}`) // waits until the frame is handed to the network
    }
  })
  // #endregion echo

  // #region json
  app.websocket('/rooms/<room>', async ({ room }) => {
    const hello = (await websocket.receiveJson()) as { name: string } // accepts implicitly
    await websocket.sendJson({ room, welcome: hello.name })
    await websocket.close(4000, 'room closed') // your own codes: 4000–4999
  })
  // #endregion json

  // #region reject
  app.beforeWebsocket(() => {
    // Before the handshake completes, an HTTP response rejects it: the client sees a 403 here.
    if (websocket.args.get('token') !== 'let-me-in') return ['Forbidden', 403]
  })
  // #endregion reject

  // #region mixed
  // HTTP and websocket rules may share a path; each request goes to the rule of its kind.
  app.get('/echo', function echoPage() {
    return `Open ${request.path} with a WebSocket client.`
  })
  // #endregion mixed

  return app
}
