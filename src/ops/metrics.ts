/**
 * The bot's Prometheus metrics (prom-client, one registry per bot): interactions by command and
 * outcome, how long acknowledging and answering took, engine errors, Discord's 429 answers, the size
 * of the search index, and prom-client's default process metrics (memory, CPU, event loop lag).
 */
import { Events, RESTEvents, type Client, type Interaction } from 'discord.js';
import { collectDefaultMetrics, Counter, Gauge, Histogram, Registry } from 'prom-client';
import { label as commandLabel, type InteractionReport } from '../bot/router.js';

/** Seconds. Discord's acknowledgement window is 3 s; answers may take up to the engine timeout (15 s). */
const ACK_BUCKETS = [0.05, 0.1, 0.25, 0.5, 0.75, 1, 1.5, 2, 3, 5];
const ANSWER_BUCKETS = [0.1, 0.25, 0.5, 1, 2, 3, 5, 10, 15, 30];
/** Interactions remembered until acknowledged (a bound, in case a callback is never seen). */
const PENDING_ACK_MAX = 10_000;
const CALLBACK_PATH = /^\/interactions\/(\d+)\/[^/]+\/callback/;

export interface IndexSize {
  guides: number;
  sections: number;
  chunks: number;
}

export interface MetricsOptions {
  /** Read when metrics are scraped. */
  indexSize?: () => IndexSize;
  /** prom-client's default process metrics (default true). */
  defaultMetrics?: boolean;
  /** The shard ids this process runs ("0", "0-3"): a `shard` label on every series, so the shards' scrapes stay apart. */
  shard?: string;
}

export const METRICS_CONTENT_TYPE = Registry.PROMETHEUS_CONTENT_TYPE;

export class BotMetrics {
  readonly registry = new Registry();
  private readonly interactions: Counter<'command' | 'outcome'>;
  private readonly ackSeconds: Histogram<'command'>;
  private readonly answerSeconds: Histogram<'command' | 'outcome'>;
  private readonly engineErrors: Counter<'method'>;
  private readonly rateLimited: Counter<'scope'>;
  /** Interaction id → when it arrived and what it was, until its acknowledgement is seen. */
  private readonly pending = new Map<string, { at: number; command: string }>();

  constructor(options: MetricsOptions = {}) {
    const registers = [this.registry];
    if (options.shard !== undefined) this.registry.setDefaultLabels({ shard: options.shard });
    if (options.defaultMetrics ?? true) collectDefaultMetrics({ register: this.registry });
    this.interactions = new Counter({
      name: 'guidebot_interactions_total',
      help: 'Interactions handled, by command and outcome (ok, invalid-option, timeout, error).',
      labelNames: ['command', 'outcome'],
      registers,
    });
    this.ackSeconds = new Histogram({
      name: 'guidebot_ack_seconds',
      help: 'From receiving an interaction to Discord accepting its acknowledgement (reply or deferral).',
      labelNames: ['command'],
      buckets: ACK_BUCKETS,
      registers,
    });
    this.answerSeconds = new Histogram({
      name: 'guidebot_answer_seconds',
      help: 'From receiving an interaction to its handler finishing (the answer sent).',
      labelNames: ['command', 'outcome'],
      buckets: ANSWER_BUCKETS,
      registers,
    });
    this.engineErrors = new Counter({ name: 'guidebot_engine_errors_total', help: 'Search engine calls that failed, by method.', labelNames: ['method'], registers });
    this.rateLimited = new Counter({ name: 'guidebot_discord_rate_limited_total', help: 'REST responses from Discord with status 429, by rate limit scope.', labelNames: ['scope'], registers });
    const indexSize = options.indexSize;
    if (indexSize) {
      for (const key of ['guides', 'sections', 'chunks'] as const) {
        new Gauge({
          name: `guidebot_index_${key}`,
          help: `${key[0]!.toUpperCase()}${key.slice(1)} in the loaded search index.`,
          registers,
          collect() {
            this.set(indexSize()[key]);
          },
        });
      }
    }
  }

  /** Watches a client: interaction arrivals and REST responses (acknowledgements, 429s). */
  attach(client: Client): void {
    client.on(Events.InteractionCreate, (interaction) => this.received(interaction));
    client.rest.on(RESTEvents.Response, (request, response) => {
      if (response.status === 429) this.rateLimited.inc({ scope: response.headers.get('x-ratelimit-scope') ?? 'unknown' });
      const id = CALLBACK_PATH.exec(request.path)?.[1];
      const pending = id === undefined ? undefined : this.pending.get(id);
      if (id === undefined || !pending || !response.ok) return;
      this.pending.delete(id);
      this.ackSeconds.observe({ command: pending.command }, (performance.now() - pending.at) / 1000);
    });
  }

  received(interaction: Interaction): void {
    if (this.pending.size >= PENDING_ACK_MAX) this.pending.delete(this.pending.keys().next().value!);
    this.pending.set(interaction.id, { at: performance.now(), command: commandLabel(interaction) });
  }

  /** The router's report on one interaction. */
  handled(report: InteractionReport): void {
    const started = this.pending.get(report.interactionId)?.at;
    this.pending.delete(report.interactionId);
    const labels = { command: report.command, outcome: report.outcome };
    this.interactions.inc(labels);
    this.answerSeconds.observe(labels, started === undefined ? report.seconds : (performance.now() - started) / 1000);
  }

  engineError(method: string): void {
    this.engineErrors.inc({ method });
  }

  /** The Prometheus text exposition of every metric. */
  text(): Promise<string> {
    return this.registry.metrics();
  }
}

/**
 * The engine with every failing call counted (a rejected promise or a thrown error), by method name.
 * The calls themselves, their results and errors are unchanged.
 */
export function countEngineErrors<T extends object>(engine: T, onError: (method: string) => void): T {
  return new Proxy(engine, {
    get(target, property, receiver) {
      const value: unknown = Reflect.get(target, property, receiver);
      if (typeof value !== 'function' || typeof property !== 'string') return value;
      return (...args: unknown[]): unknown => {
        try {
          const result: unknown = Reflect.apply(value, target, args);
          if (result instanceof Promise) result.catch(() => onError(property));
          return result;
        } catch (error) {
          onError(property);
          throw error;
        }
      };
    },
  });
}
