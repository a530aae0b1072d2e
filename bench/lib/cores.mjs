/**
 * Where each process runs: the server alone on core 0, the load generator (wrk or the websocket
 * client) and the harness on core 1. As root, both also run at a raised priority (nice -10), so
 * that whatever else the machine is doing takes as little of the timed window as possible.
 */

export const SERVER_CORE = '0'
export const LOAD_CORE = '1'

const NICE = process.getuid?.() === 0 ? (process.env.BENCH_NICE ?? '-10') : '0'

/** The command and arguments that run `command args…` pinned to `core`. */
export function pinned(core, command, args) {
  const taskset = ['-c', core, command, ...args]
  return NICE === '0' ? ['taskset', taskset] : ['nice', ['-n', NICE, 'taskset', ...taskset]]
}
