import { Agent, request } from "node:http";

export interface LoadOptions {
  /** Base URL; must be loopback. */
  baseUrl: string;
  /** Paths requested in turn (one, or many to spread reads over rows). */
  paths: readonly string[];
  headers?: Record<string, string>;
  /** POST request i with `bodies[i]` (JSON) to `paths[i]`; GET without. */
  bodies?: readonly string[];
  ratePerSecond: number;
  durationSeconds: number;
  /** A request still unanswered this long after the last one was due is cut and counted as a timeout. */
  timeoutMs?: number;
}

export interface LoadResult {
  scheduled: number;
  ok: number;
  /** Answered with a status other than 2xx, or failed on the socket. */
  errors: number;
  timeouts: number;
  p50Ms: number;
  p90Ms: number;
  p99Ms: number;
  maxMs: number;
  /** Completed requests per second over the run. */
  achievedRate: number;
  /** Completed requests per second from the first one due to the last answer: what was sustained. */
  completedPerSecond: number;
  /** How late the generator itself was in sending, at worst: large values mean the client is the limit. */
  maxSendLagMs: number;
}

const LOOPBACK = new Set(["127.0.0.1", "localhost", "[::1]"]);

/**
 * An open-loop generator: request i is due at start + i / rate whatever happened to earlier ones, and its
 * latency runs from when it was due, not from when it was sent, so queueing in the client, the socket
 * pool or the server counts (no coordinated omission). Bounded: rate × duration requests, and a hard
 * deadline after which whatever is unanswered is cut and counted as a timeout (latency infinite).
 */
export function runOpenLoop(options: LoadOptions): Promise<LoadResult> {
  const url = new URL(options.baseUrl);
  if (!LOOPBACK.has(url.hostname)) throw new Error(`load is only sent to loopback, not ${url.hostname}`);
  const total = Math.round(options.ratePerSecond * options.durationSeconds);
  const interval = 1000 / options.ratePerSecond;
  const agent = new Agent({ keepAlive: true, maxSockets: 512 });
  const latencies = new Float64Array(total).fill(Number.POSITIVE_INFINITY);
  const inFlight = new Set<ReturnType<typeof request>>();
  const start = performance.now() + 20;
  const deadline = start + options.durationSeconds * 1000 + (options.timeoutMs ?? 5_000);
  let next = 0;
  let settled = 0;
  let ok = 0;
  let errors = 0;
  let maxSendLagMs = 0;
  let lastSettledAt = start;
  let done = false;

  return new Promise((resolve) => {
    const finish = () => {
      if (done || (settled < total && performance.now() < deadline)) return;
      done = true;
      clearTimeout(guard);
      for (const req of inFlight) req.destroy();
      agent.destroy();
      const elapsedSeconds = Math.max(options.durationSeconds, (lastSettledAt - start) / 1000);
      resolve(
        summarise(latencies, {
          total,
          ok,
          errors,
          maxSendLagMs,
          seconds: options.durationSeconds,
          elapsedSeconds,
        }),
      );
    };
    const settle = (i: number, scheduledAt: number, success: boolean) => {
      if (done) return; // cut at the deadline: stays a timeout
      lastSettledAt = performance.now();
      latencies[i] = lastSettledAt - scheduledAt;
      if (success) ok++;
      else errors++;
      settled++;
      finish();
    };
    const fire = (i: number) => {
      const scheduledAt = start + i * interval;
      const body = options.bodies?.[i % options.bodies.length];
      const req = request(
        {
          host: url.hostname.replace(/^\[|\]$/g, ""),
          port: url.port,
          path: options.paths[i % options.paths.length],
          method: body === undefined ? "GET" : "POST",
          headers:
            body === undefined
              ? options.headers
              : {
                  ...options.headers,
                  "content-type": "application/json",
                  "content-length": Buffer.byteLength(body),
                },
          agent,
        },
        (res) => {
          res.resume();
          res.once("end", () => {
            if (inFlight.delete(req)) settle(i, scheduledAt, res.statusCode! < 300);
          });
          res.once("error", failed);
        },
      );
      const failed = () => {
        if (inFlight.delete(req)) settle(i, scheduledAt, false);
      };
      req.once("error", failed);
      inFlight.add(req);
      req.end(body);
    };
    const tick = () => {
      const now = performance.now();
      while (next < total && start + next * interval <= now) {
        maxSendLagMs = Math.max(maxSendLagMs, now - (start + next * interval));
        fire(next++);
      }
      if (next < total) setTimeout(tick, Math.max(0, start + next * interval - performance.now()));
    };
    const guard = setTimeout(finish, deadline - performance.now());
    setTimeout(tick, start - performance.now());
  });
}

function summarise(
  latencies: Float64Array,
  run: {
    total: number;
    ok: number;
    errors: number;
    maxSendLagMs: number;
    seconds: number;
    elapsedSeconds: number;
  },
): LoadResult {
  const sorted = Float64Array.from(latencies).sort();
  const at = (q: number) =>
    sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil(q * sorted.length) - 1))]!;
  const timeouts = run.total - run.ok - run.errors;
  return {
    scheduled: run.total,
    ok: run.ok,
    errors: run.errors,
    timeouts,
    p50Ms: at(0.5),
    p90Ms: at(0.9),
    p99Ms: at(0.99),
    maxMs: sorted[sorted.length - 1]!,
    achievedRate: (run.ok + run.errors) / run.seconds,
    completedPerSecond: (run.ok + run.errors) / run.elapsedSeconds,
    maxSendLagMs: run.maxSendLagMs,
  };
}
