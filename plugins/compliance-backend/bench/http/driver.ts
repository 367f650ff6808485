/*
 * The load driver of the HTTP benchmark: closed-loop clients at a given
 * concurrency, latency percentiles, requests/s, the backend's CPU per
 * request (from /proc) and response sizes.
 */
import { readFileSync } from 'node:fs';

/** CPU time (user + system) of a process in ms, from /proc. */
export function cpuMsOf(pid: number): number {
  const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  // utime and stime are fields 14 and 15 (1-based) of the whole line.
  return ((Number(fields[11]) + Number(fields[12])) * 1000) / 100;
}

export function rssMbOf(pid: number): number {
  const status = readFileSync(`/proc/${pid}/status`, 'utf8');
  const kb = Number(/VmRSS:\s+(\d+)/.exec(status)?.[1] ?? 0);
  return Math.round(kb / 1024);
}

const pct = (sorted: number[], p: number) =>
  sorted.length
    ? sorted[Math.min(sorted.length - 1, Math.floor(sorted.length * p))]
    : NaN;

export interface RouteFigures {
  route: string;
  concurrency: number;
  requests: number;
  p50: number;
  p95: number;
  p99: number;
  rps: number;
  cpuMsPerRequest: number;
  bytes: number;
  statuses: Record<string, number>;
  /** Share of 304 answers, for conditional requests. */
  notModifiedRate?: number;
}

/** One request: a path and its headers. */
export interface BenchRequest {
  path: string;
  headers?: Record<string, string>;
}

const auth = (headers: Record<string, string> = {}) => ({
  authorization: 'Bearer mock-user-token',
  ...headers,
});

/** GET through fetch, as a client would send it. */
export async function get(base: string, req: BenchRequest) {
  const res = await fetch(base + req.path, { headers: auth(req.headers) });
  const body = await res.arrayBuffer();
  return { res, bytes: body.byteLength };
}

export async function drive(options: {
  pid: number;
  base: string;
  route: string;
  next: () => BenchRequest;
  concurrency: number;
  requests: number;
}): Promise<RouteFigures> {
  const { pid, base, route, next, concurrency, requests } = options;
  const times: number[] = [];
  const statuses: Record<string, number> = {};
  let bytes = 0;
  let issued = 0;
  for (let i = 0; i < 3; i++) await get(base, next()); // warm up
  const cpu0 = cpuMsOf(pid);
  const t0 = performance.now();
  await Promise.all(
    Array.from({ length: concurrency }, async () => {
      while (issued < requests) {
        issued++;
        const s = performance.now();
        try {
          const { res, bytes: n } = await get(base, next());
          statuses[res.status] = (statuses[res.status] ?? 0) + 1;
          bytes = Math.max(bytes, n);
        } catch {
          statuses.error = (statuses.error ?? 0) + 1;
        }
        times.push(performance.now() - s);
      }
    }),
  );
  const elapsed = performance.now() - t0;
  const cpu = cpuMsOf(pid) - cpu0;
  times.sort((a, b) => a - b);
  const r = (v: number) => Math.round(v * 10) / 10;
  return {
    route,
    concurrency,
    requests: times.length,
    p50: r(pct(times, 0.5)),
    p95: r(pct(times, 0.95)),
    p99: r(pct(times, 0.99)),
    rps: Math.round((times.length / elapsed) * 1000),
    cpuMsPerRequest: r(cpu / times.length),
    bytes,
    statuses,
    ...(statuses['304'] !== undefined || route.includes('If-None-Match')
      ? {
          notModifiedRate:
            Math.round(((statuses['304'] ?? 0) / times.length) * 1000) / 1000,
        }
      : {}),
  };
}

export const HEADER =
  'route                          c   p50 ms  p95 ms  p99 ms   req/s  cpu ms/req    bytes  statuses';

export function line(f: RouteFigures): string {
  return `${f.route.padEnd(29)} ${String(f.concurrency).padStart(2)} ${String(
    f.p50,
  ).padStart(8)} ${String(f.p95).padStart(7)} ${String(f.p99).padStart(
    7,
  )} ${String(f.rps).padStart(7)} ${String(f.cpuMsPerRequest).padStart(
    11,
  )} ${String(f.bytes).padStart(8)}  ${JSON.stringify(f.statuses)}`;
}
