import { Flagon, type Logger } from '@flagon/framework'

export function createApp(logger?: Logger): Flagon {
  const app = new Flagon('logging')
  // #region replace
  // Anything with debug, info, warn and error will do: pino, winston, console, or your own.
  if (logger) app.logger = logger
  // #endregion replace

  // #region use
  app.post('/orders', () => {
    app.logger.info('Order placed')
    return ['', 201]
  })
  app.get('/boom', () => {
    throw new Error('the database is on fire')
  })
  // #endregion use
  return app
}
