// The final auth.ts of examples/blog, unchanged from this step on.
export * from '../../../../examples/blog/auth.js'
