// The engine's own settings, as fe.conf holds them for StarRocks: one place.
// The four documented ones take their defaults from the catalogue (the seed document's values);
// the rest are scheduler intervals StarRocks also keeps in fe.conf.

import { ENGINE_SETTINGS } from '../../server/src/language/catalogue.js';

export interface EngineSettings {
  /** Time each task spends consuming from Kafka (seconds). */
  routine_load_task_consume_second: number;
  /** A task running longer than this is aborted (seconds). */
  routine_load_task_timeout_second: number;
  /** Cap on a job's concurrent tasks, whatever desired_concurrent_number says. */
  max_routine_load_task_concurrent_num: number;
  /** A RUNNING job whose last consumed message is older than this shows as UNSTABLE (seconds). */
  routine_load_unstable_threshold_second: number;
  /** How often RUNNING jobs check their topic's partition count (StarRocks: routine_load_scheduler_interval_millisecond). */
  routine_load_scheduler_interval_millisecond: number;
  /** First wait before retrying a transient failure; doubles up to the maximum. */
  retry_backoff_initial_millisecond: number;
  retry_backoff_max_millisecond: number;
  /** Wait before asking again about a label StarRocks reports as still RUNNING. */
  label_running_recheck_millisecond: number;
}

function catalogueDefault(name: string): number {
  const spec = ENGINE_SETTINGS.find((s) => s.name === name);
  if (!spec) throw new Error(`engine setting ${name} is missing from the catalogue`);
  return spec.default;
}

export function defaultSettings(): EngineSettings {
  return {
    routine_load_task_consume_second: catalogueDefault('routine_load_task_consume_second'),
    routine_load_task_timeout_second: catalogueDefault('routine_load_task_timeout_second'),
    max_routine_load_task_concurrent_num: catalogueDefault('max_routine_load_task_concurrent_num'),
    routine_load_unstable_threshold_second: catalogueDefault('routine_load_unstable_threshold_second'),
    routine_load_scheduler_interval_millisecond: 10_000,
    retry_backoff_initial_millisecond: 1_000,
    retry_backoff_max_millisecond: 60_000,
    label_running_recheck_millisecond: 2_000,
  };
}

/** Merge overrides onto the defaults, refusing values below the catalogue's minimum. */
export function resolveSettings(overrides: Partial<EngineSettings> = {}): EngineSettings {
  const settings = { ...defaultSettings() };
  for (const [key, value] of Object.entries(overrides) as [keyof EngineSettings, number | undefined][]) {
    if (value === undefined) continue;
    if (!(key in settings)) throw new Error(`Unknown engine setting "${key}".`);
    const spec = ENGINE_SETTINGS.find((s) => s.name === key);
    const min = spec?.min ?? 0;
    if (typeof value !== 'number' || !Number.isFinite(value) || value < min) {
      throw new Error(`Engine setting ${key} must be a number >= ${min}, got ${String(value)}.`);
    }
    settings[key] = value;
  }
  return settings;
}
