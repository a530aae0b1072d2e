/**
 * The `blog` blueprint: everyone reads the posts; a logged-in user writes them, and only a post's
 * author may edit or delete it. In the views that `loginRequired` guards, `g.user` is always set.
 */
import { abort, Blueprint, flash, g, redirect, renderTemplate, request, urlFor } from '@flagon/framework'
import { loginRequired } from './auth.js'
import { getStore, nextId, type Post } from './store.js'

export const bp = new Blueprint('blog')

bp.get('/', async function index() {
  const { users, posts } = await getStore().read()
  const usernames = new Map(users.map((user) => [user.id, user.username]))
  // Posts are appended as they are written, so newest first is the list reversed.
  const newestFirst = posts.map((post) => ({ ...post, username: usernames.get(post.authorId) })).reverse()
  return renderTemplate('blog/index.html', { posts: newestFirst })
})

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

bp.route(
  '/<int:id>/update',
  loginRequired(async function update({ id }) {
    const post = await getPost(id)
    const form = await request.form()
    if (request.method === 'POST') {
      const { title = '', body = '' } = form.toObject()
      if (!title) await flash('Title is required.')
      else {
        await getStore().update((data) => {
          const stored = data.posts.find((post) => post.id === id)
          if (stored) Object.assign(stored, { title, body })
        })
        return redirect(urlFor('blog.index'))
      }
    }
    return renderTemplate('blog/update.html', { post, form })
  }),
  { methods: ['GET', 'POST'] },
)

bp.post(
  '/<int:id>/delete',
  loginRequired(async function deletePost({ id }) {
    await getPost(id)
    await getStore().update((data) => {
      data.posts = data.posts.filter((post) => post.id !== id)
    })
    return redirect(urlFor('blog.index'))
  }),
  // `delete` is a reserved word, so it can't name the function.
  { endpoint: 'delete' },
)

/**
 * The post `id`, checked to be the current user's unless `checkAuthor` is false.
 * @throws NotFound (404) when there is no such post; Forbidden (403) when it is someone else's.
 */
async function getPost(id: number, checkAuthor = true): Promise<Post> {
  const post = (await getStore().read()).posts.find((post) => post.id === id)
  if (!post) abort(404, `Post id ${id} doesn't exist.`)
  if (checkAuthor && post.authorId !== g.user!.id) abort(403)
  return post
}
