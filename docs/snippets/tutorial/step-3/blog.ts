/**
 * The tutorial, step 3: the `blog` blueprint has only its index so far, so that the layout's links and
 * the redirect after logging in have somewhere to go. Step 5 fills it in.
 */
import { Blueprint, renderTemplate } from '@flagon/framework'

export const bp = new Blueprint('blog')

bp.get('/', function index() {
  return renderTemplate('blog/index.html')
})
