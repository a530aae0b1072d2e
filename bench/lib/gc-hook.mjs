/**
 * Preloaded into a target for the idle scenarios (`node --expose-gc --import gc-hook.mjs`): on
 * SIGUSR2 it runs a full garbage collection and prints the heap on stderr. The memory readings then
 * count what the connections hold, not the garbage their one request left, which a target that
 * started with a small heap would otherwise show as its own cost.
 */
process.on('SIGUSR2', () => {
  globalThis.gc()
  const { heapUsed, external } = process.memoryUsage()
  process.stderr.write(`BENCH_GC ${JSON.stringify({ heapUsed, external })}\n`)
})
