import { abort, Blueprint, Flagon, g, urlFor } from '@flagon/framework'

// #region blueprint
// admin.ts: a group of routes, hooks and error handlers, registered on an app later.
export const admin = new Blueprint('admin', { urlPrefix: '/admin' })

admin.beforeRequest(() => {
  g.section = 'admin' // runs only for requests routed to this blueprint
})

admin.get('/', function index() {
  return `admin home; users at ${urlFor('.users')}` // '.users': this blueprint's endpoint
})

admin.get('/users', function users() {
  return { section: g.section, users: ['ann', 'bo'] }
})

admin.get('/users/<name>', function user({ name }) {
  return ['ann', 'bo'].includes(name) ? { name } : abort(404)
})

// Errors raised in this blueprint's views and hooks; a URL that matches no rule belongs to no
// blueprint, so the app's handlers answer it (Flask's rule).
admin.errorHandler(404, () => ['No such admin user', 404])
// #endregion blueprint

// #region nested
export const reports = new Blueprint('reports', { urlPrefix: '/reports' })
reports.get('/<int:year>', function byYear({ year }) {
  return `report ${year} at ${urlFor('admin.reports.byYear', { year })}`
})
admin.registerBlueprint(reports) // /admin/reports/<year>, endpoint 'admin.reports.byYear'
// #endregion nested

export function createApp(): Flagon {
  // #region register
  const app = new Flagon('blueprints')
  app.registerBlueprint(admin)
  app.registerBlueprint(admin, { name: 'backoffice', urlPrefix: '/backoffice' }) // the same one, twice
  app.get('/', function home() {
    return { section: g.section ?? null, admin: urlFor('admin.index') }
  })
  // #endregion register
  return app
}
