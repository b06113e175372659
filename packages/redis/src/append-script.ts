import { createHash } from "node:crypto";
import type { RedisClientLike } from "./redis-client.js";

/**
 * Appends one batch of a publisher's entries atomically, idempotently, and sets the key's TTL.
 *
 * Entry ids are `0-<n>`, `n` counting the run's entries from 1, so a follower sees any gap. Every
 * entry carries `p` = `<publisher token>:<base>`, where `base` is the number of entries the key
 * held when this publisher started (0 for a new run; the previous segment's length for a run
 * resumed after its suspension, which keeps its run id and so its key). The publisher numbers its
 * entries locally (1, 2, …); the script places local `i` at `0-<base + i>`.
 *
 * A retry after an unknown outcome (timeout, lost connection) sends the same batch again: entries
 * already there (local number ≤ the last one of this publisher) are skipped, so nothing is written
 * twice. A publisher's first batch starts a segment when the key is empty or its last entry is a
 * `run-end` or belongs to an abandoned publisher; a later batch that finds another publisher's
 * entry last fails with `FM_CONFLICT` (two publishers for one run).
 *
 * KEYS[1] stream. ARGV: token, first (1|0), active TTL, end TTL, max length (0: none), then
 * (local number, type, JSON) per entry. Returns the base.
 */
const SCRIPT = `
local key = KEYS[1]
local token = ARGV[1]
local last = redis.call('XREVRANGE', key, '+', '-', 'COUNT', 1)
local lastSeq = 0
local base = nil
if #last > 0 then
  lastSeq = tonumber(string.sub(last[1][1], 3))
  local fields = last[1][2]
  local owner = nil
  for i = 1, #fields, 2 do
    if fields[i] == 'p' then owner = fields[i + 1] end
  end
  if owner ~= nil then
    local sep = string.find(owner, ':', 1, true)
    if string.sub(owner, 1, sep - 1) == token then base = tonumber(string.sub(owner, sep + 1)) end
  end
  if base == nil and ARGV[2] ~= '1' then
    return redis.error_reply('FM_CONFLICT another publisher wrote to ' .. key)
  end
end
if base == nil then base = lastSeq end
local mine = token .. ':' .. base
local maxLen = tonumber(ARGV[5])
local ended = false
for i = 6, #ARGV, 3 do
  local seq = base + tonumber(ARGV[i])
  if seq > lastSeq then
    local id = '0-' .. seq
    if maxLen > 0 then
      redis.call('XADD', key, 'MAXLEN', maxLen, id, 'type', ARGV[i + 1], 'p', mine, 'event', ARGV[i + 2])
    else
      redis.call('XADD', key, id, 'type', ARGV[i + 1], 'p', mine, 'event', ARGV[i + 2])
    end
    lastSeq = seq
  end
  if ARGV[i + 1] == 'run-end' then ended = true end
end
if ended then
  redis.call('EXPIRE', key, ARGV[4])
else
  redis.call('EXPIRE', key, ARGV[3])
end
return base
`;

const SHA = createHash("sha1").update(SCRIPT).digest("hex");

/** One entry of a batch. @internal */
export interface BatchEntry {
  /** 1-based number of the entry among this publisher's entries. */
  readonly local: number;
  readonly type: string;
  readonly json: string;
}

/** Parameters of one append besides the entries. @internal */
export interface AppendParameters {
  readonly key: string;
  readonly token: string;
  readonly first: boolean;
  readonly activeTtlSeconds: number;
  readonly ttlSeconds: number;
  readonly maxLength: number;
}

/** Runs the append script (EVALSHA, loading it with EVAL once per server). @internal */
export async function appendBatch(
  client: RedisClientLike,
  parameters: AppendParameters,
  entries: readonly BatchEntry[],
  signal: AbortSignal,
): Promise<number> {
  const argv = [
    parameters.token,
    parameters.first ? "1" : "0",
    String(parameters.activeTtlSeconds),
    String(parameters.ttlSeconds),
    String(parameters.maxLength),
  ];
  for (const entry of entries) argv.push(String(entry.local), entry.type, entry.json);
  const options = { abortSignal: signal };
  try {
    return Number(await client.sendCommand(["EVALSHA", SHA, "1", parameters.key, ...argv], options));
  } catch (error) {
    if (!String((error as Error | undefined)?.message).startsWith("NOSCRIPT")) throw error;
    return Number(await client.sendCommand(["EVAL", SCRIPT, "1", parameters.key, ...argv], options));
  }
}
