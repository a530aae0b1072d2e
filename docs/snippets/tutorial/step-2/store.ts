// The final store.ts of examples/blog, unchanged from this step on.
export * from '../../../../examples/blog/store.js'
