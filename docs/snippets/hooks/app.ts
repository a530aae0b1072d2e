import { afterThisRequest, Blueprint, Flagon, g } from '@flagon/framework'

/** Records the order the hooks run in; `/shop/` answers it in a header. */
export function createApp(log: string[] = []): Flagon {
  const app = new Flagon('hooks')
  const shop = new Blueprint('shop', { urlPrefix: '/shop' })

  // #region order
  app.urlValuePreprocessor(() => void log.push('app urlValuePreprocessor'))
  app.beforeRequest(() => void log.push('app beforeRequest'))
  shop.beforeRequest(() => void log.push('shop beforeRequest'))

  shop.get('/', () => {
    log.push('view')
    afterThisRequest((response) => {
      log.push('afterThisRequest')
      return response
    })
    return 'the shop'
  })

  shop.afterRequest((response) => {
    log.push('shop afterRequest')
    return response
  })
  app.afterRequest((response) => {
    log.push('app afterRequest')
    response.headers.set('x-order', log.join(', '))
    return response
  })
  app.teardownRequest(() => void log.push('app teardownRequest'))
  // #endregion order

  // #region short-circuit
  // A beforeRequest function that returns a value answers instead of the view.
  app.beforeRequest(() => {
    g.maintenance = process.env.MAINTENANCE === '1'
    if (g.maintenance) return ['Down for maintenance', 503]
  })
  // #endregion short-circuit

  app.registerBlueprint(shop)
  return app
}
