import {
  collectDefaultMetrics,
  Counter,
  Gauge,
  Histogram,
  Registry,
  type CounterConfiguration,
  type GaugeConfiguration,
  type HistogramConfiguration,
} from "prom-client";

export const METRIC_PREFIX = "sintech_";

type HttpLabels = "method" | "route" | "status";

/**
 * One Prometheus registry per app, so two apps in one process (tests, a future admin listener) never
 * share or double-register series. Other rooms add their own metrics through `counter`/`gauge`/
 * `histogram`, which register them on this registry.
 */
export interface Metrics {
  registry: Registry;
  httpRequests: Counter<HttpLabels>;
  httpDuration: Histogram<HttpLabels>;
  counter<L extends string>(configuration: Omit<CounterConfiguration<L>, "registers">): Counter<L>;
  gauge<L extends string>(configuration: Omit<GaugeConfiguration<L>, "registers">): Gauge<L>;
  histogram<L extends string>(configuration: Omit<HistogramConfiguration<L>, "registers">): Histogram<L>;
}

export function createMetrics(): Metrics {
  const registry = new Registry();
  collectDefaultMetrics({ register: registry, prefix: METRIC_PREFIX });
  const registers = [registry];
  return {
    registry,
    httpRequests: new Counter({
      name: `${METRIC_PREFIX}http_requests_total`,
      help: "HTTP requests by method, route template and status",
      labelNames: ["method", "route", "status"],
      registers,
    }),
    httpDuration: new Histogram({
      name: `${METRIC_PREFIX}http_request_duration_seconds`,
      help: "HTTP request duration by method, route template and status",
      labelNames: ["method", "route", "status"],
      buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10],
      registers,
    }),
    counter: (configuration) => new Counter({ ...configuration, registers }),
    gauge: (configuration) => new Gauge({ ...configuration, registers }),
    histogram: (configuration) => new Histogram({ ...configuration, registers }),
  };
}
