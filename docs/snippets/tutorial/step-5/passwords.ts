// The final passwords.ts of examples/blog, unchanged from this step on.
export * from '../../../../examples/blog/passwords.js'
