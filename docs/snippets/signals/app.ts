import {
  Flagon,
  gotRequestException,
  renderTemplateString,
  requestFinished,
  templateRendered,
} from '@flagon/framework'

/** Records what the signals saw, for the test (and a real app's metrics). */
export function createApp(seen: string[]): Flagon {
  const app = new Flagon('signals')
  app.get('/', () => renderTemplateString('Hello {{ name }}', { name: 'signals' }))
  app.get('/boom', () => {
    throw new Error('boom')
  })
  app.logger = { debug() {}, info() {}, warn() {}, error() {} }

  // #region connect
  // A receiver gets the app that sent the signal and the signal's data.
  const disconnect = requestFinished.connect((sender, { response }) => {
    if (sender === app) seen.push(`finished ${response.status}`)
  })
  templateRendered.connect((sender, { template }) => {
    if (sender === app) seen.push(`rendered ${template ?? 'a string'}`)
  })
  gotRequestException.connect(async (sender, { error }) => {
    if (sender === app) seen.push(`error ${(error as Error).message}`) // e.g. report it to your error tracker
  })
  // #endregion connect
  app.afterServing(disconnect)
  return app
}
