import { REST, RESTEvents, type InternalRequest, type RESTOptions, type ResponseLike } from 'discord.js';
import { DISCORD_GLOBAL_REQUESTS_PER_SECOND, INTERACTION_REQUESTS_PER_SECOND } from './limits.js';

/**
 * The client's REST, with Discord's global limit applied only where Discord applies it.
 *
 * @discordjs/rest paces every request through one client-side global limit. But Discord's global limit
 * (50 requests per second) counts requests made with the bot's token, and interaction endpoints are exempt:
 * the callback, the original response and follow-ups, all authorised by the interaction token in the
 * path and sent without the bot's token. A burst of 1,000 `/ask` would otherwise wait 20 s at 50 per
 * second to send its answers.
 *
 * So a request without the bot's token goes through a second queue. Only Discord's per-route buckets pace
 * it, as in the shared REST proxy. A request with the token keeps Discord's 50 per second. Both queues'
 * events are this one's, so listeners (metrics, debug logging) see every request.
 */
export class DiscordRest extends REST {
  private readonly tokenless: REST;

  constructor(options: Partial<RESTOptions> = {}) {
    super({ ...options, globalRequestsPerSecond: DISCORD_GLOBAL_REQUESTS_PER_SECOND });
    this.tokenless = new REST({ ...options, globalRequestsPerSecond: INTERACTION_REQUESTS_PER_SECOND });
    // Every event passes on with the arguments it came with. The emitter's typed overloads cannot follow a loop over all
    // events, and the linter takes the widening for a no-op.
    // eslint-disable-next-line @typescript-eslint/no-unnecessary-type-assertion
    const emit = this.emit.bind(this) as (event: string, ...args: unknown[]) => boolean;
    for (const event of Object.values(RESTEvents)) this.tokenless.on(event, (...args: unknown[]) => emit(event, ...args));
  }

  override queueRequest(request: InternalRequest): Promise<ResponseLike> {
    return request.auth === false ? this.tokenless.queueRequest(request) : super.queueRequest(request);
  }

  override setAgent(agent: Parameters<REST['setAgent']>[0]): this {
    super.setAgent(agent);
    this.tokenless.setAgent(agent);
    return this;
  }

  override clearHashSweeper(): void {
    super.clearHashSweeper();
    this.tokenless.clearHashSweeper();
  }

  override clearHandlerSweeper(): void {
    super.clearHandlerSweeper();
    this.tokenless.clearHandlerSweeper();
  }
}
