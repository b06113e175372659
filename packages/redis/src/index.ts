/**
 * Follow a run's events from another process: a host publishes a run's events to a Redis Stream
 * per run, and any process follows them, resuming after the last event it saw.
 * @packageDocumentation
 */
export { createRedisRunEvents } from "./create-redis-run-events.js";
export type { RedisClientLike } from "./redis-client.js";
export type {
  FollowedEvent,
  FollowRunOptions,
  PublishRunOptions,
  PublishSummary,
  RedisRunEvents,
  RedisRunEventsErrorInfo,
  RedisRunEventsOptions,
} from "./redis-run-events.js";
