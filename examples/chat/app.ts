/**
 * A broadcast chat room: the page opens one websocket per tab, every message fans out to every
 * connected client, and a client that leaves is removed from the room.
 */
import { currentObject, Flagon, type Websocket, websocket } from '@flagon/framework'

const page = `<!doctype html>
<meta charset="utf-8">
<title>Flagon chat</title>
<h1>Chat</h1>
<ul id="messages"></ul>
<form id="form"><input id="text" autocomplete="off" aria-label="message"><button>Send</button></form>
<script>
  const url = new URL('/ws', location.href)
  url.protocol = location.protocol === 'https:' ? 'wss:' : 'ws:'
  const socket = new WebSocket(url)
  socket.onmessage = (event) => {
    const item = document.createElement('li')
    item.textContent = event.data
    document.getElementById('messages').append(item)
  }
  document.getElementById('form').onsubmit = (event) => {
    event.preventDefault()
    const text = document.getElementById('text')
    socket.send(text.value)
    text.value = ''
  }
</script>`

export function createApp(): Flagon & { room: Set<Websocket> } {
  const app = new Flagon(import.meta.url) as Flagon & { room: Set<Websocket> }
  app.room = new Set()

  app.get('/', function index() {
    return page
  })

  app.websocket('/ws', async function chat() {
    await websocket.accept()
    // The proxy follows whichever connection is current; the room keeps the connections themselves.
    const self = currentObject(websocket)
    app.room.add(self)
    try {
      await broadcast(app.room, `${app.room.size} in the room`)
      for await (const message of self) await broadcast(app.room, String(message))
    } finally {
      app.room.delete(self)
      await broadcast(app.room, `${app.room.size} in the room`)
    }
  })

  return app
}

async function broadcast(room: Set<Websocket>, message: string): Promise<void> {
  await Promise.allSettled([...room].map((member) => member.send(message)))
}
