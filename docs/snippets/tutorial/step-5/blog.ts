/**
 * The tutorial, step 5: the `blog` blueprint lists the posts and lets a logged-in user write one.
 * Step 6 adds editing and deleting.
 */
import { Blueprint, flash, g, redirect, renderTemplate, request, urlFor } from '@flagon/framework'
import { loginRequired } from './auth.js'
import { getStore, nextId } from './store.js'

export const bp = new Blueprint('blog')

// #region index
bp.get('/', async function index() {
  const { users, posts } = await getStore().read()
  const usernames = new Map(users.map((user) => [user.id, user.username]))
  // Posts are appended as they are written, so newest first is the list reversed.
  const newestFirst = posts.map((post) => ({ ...post, username: usernames.get(post.authorId) })).reverse()
  return renderTemplate('blog/index.html', { posts: newestFirst })
})
// #endregion index

// #region create
bp.route(
  '/create',
  loginRequired(async function create() {
    const form = await request.form()
    if (request.method === 'POST') {
      const { title = '', body = '' } = form.toObject()
      if (!title) await flash('Title is required.')
      else {
        const authorId = g.user!.id
        const created = new Date().toISOString()
        await getStore().update((data) =>
          data.posts.push({ id: nextId(data), authorId, title, body, created }),
        )
        return redirect(urlFor('blog.index'))
      }
    }
    return renderTemplate('blog/create.html', { form })
  }),
  { methods: ['GET', 'POST'] },
)
// #endregion create
