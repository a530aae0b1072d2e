/**
 * What /proc says about a process and a core: CPU seconds used, resident memory, and how busy the
 * core was in all (so that a run shared with someone else's process on the server core shows).
 */
import { readFileSync } from 'node:fs'

const CLOCK_TICKS = 100 // USER_HZ, 100 on every Linux that matters here (getconf CLK_TCK)

/** User plus system CPU seconds the process has used so far. */
export function cpuSeconds(pid) {
  const stat = readFileSync(`/proc/${pid}/stat`, 'utf8')
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ')
  return (Number(fields[11]) + Number(fields[12])) / CLOCK_TICKS
}

/** Resident memory now and its peak (VmRSS, VmHWM), in MiB. */
export function memory(pid) {
  const status = readFileSync(`/proc/${pid}/status`, 'utf8')
  const kib = (name) => Number(status.match(new RegExp(`^${name}:\\s+(\\d+) kB`, 'm'))?.[1] ?? Number.NaN)
  return { rssMiB: kib('VmRSS') / 1024, peakMiB: kib('VmHWM') / 1024 }
}

/** Seconds core `core` has spent busy (anything but idle and iowait), whoever ran on it. */
export function coreBusySeconds(core) {
  const line = readFileSync('/proc/stat', 'utf8')
    .split('\n')
    .find((l) => l.startsWith(`cpu${core} `))
  const [user, nice, system, , , irq, softirq, steal] = line.trim().split(/\s+/).slice(1).map(Number)
  return (user + nice + system + irq + softirq + steal) / CLOCK_TICKS
}

/**
 * Samples the server's CPU and its core around a timed window: `stop()` gives the server's share of
 * one core, and the share taken by everything else on that core (other processes, interrupts, steal).
 */
export function cpuWindow(pid, core) {
  const t0 = performance.now()
  const server0 = cpuSeconds(pid)
  const core0 = coreBusySeconds(core)
  return {
    stop() {
      const seconds = (performance.now() - t0) / 1000
      const server = cpuSeconds(pid) - server0
      const busy = coreBusySeconds(core) - core0
      return { seconds, serverCpuSeconds: server, othersPct: (Math.max(0, busy - server) / seconds) * 100 }
    },
  }
}
