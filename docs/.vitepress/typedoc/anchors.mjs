// @ts-check
/**
 * A TypeDoc plugin: slugify the anchors of relative links (`../interfaces/FlagonConfig.md#secret_key`) as
 * VitePress slugifies headings (`#secret-key`). typedoc-vitepress-theme does this only for links that do not
 * start with a dot, which leaves the links between reference pages pointing at anchors that do not exist.
 */
import { MarkdownPageEvent } from 'typedoc-plugin-markdown'

const slugify = (/** @type {string} */ anchor) =>
  anchor
    .normalize('NFKD')
    .replace(/[\u0300-\u036F]/g, '')
    .replace(/[\s~`!@#$%^&*()\-_+=[\]{}|\\;:"'“”‘’<>,.?/]+/g, '-')
    .replace(/-{2,}/g, '-')
    .replace(/^-+|-+$/g, '')
    .replace(/^(\d)/, '_$1')
    .toLowerCase()

/** @param {import('typedoc').Application} app */
export function load(app) {
  app.renderer.on(MarkdownPageEvent.END, (page) => {
    if (!page.contents) return
    page.contents = page.contents.replace(
      /\]\((\.[^)#\s]*)#([^)\s]+)\)/g,
      (_, path, anchor) => `](${path}#${slugify(decodeURIComponent(anchor))})`,
    )
  })
}
