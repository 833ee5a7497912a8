// ReasonOfStateChanged and task messages, worded as StarRocks words them (starrocks-reference.md §3),
// with the engine's additions saying what to fix. StarRocks prints a reason as
// ErrorReason{errCode = <code>, msg='<text>'}; the codes are its InternalErrorCode values.

export interface ErrorReason {
  code: number;
  msg: string;
}

export const ErrorCode = {
  INTERNAL_ERR: 2,
  REPLICA_FEW_ERR: 3,
  PARTITIONS_ERR: 4,
  DB_ERR: 5,
  TABLE_ERR: 6,
  META_NOT_FOUND_ERR: 7,
  MANUAL_PAUSE_ERR: 100,
  MANUAL_STOP_ERR: 101,
  TOO_MANY_FAILURE_ROWS_ERR: 102,
  CREATE_TASKS_ERR: 103,
  TASKS_ABORT_ERR: 104,
  SLOW_RUNNING_ERR: 105,
  /** Not a StarRocks code: the engine could not find a secret after a restart. */
  SECRET_MISSING_ERR: 110,
} as const;

export function formatReason(reason: ErrorReason | undefined): string {
  if (!reason) return '';
  return `ErrorReason{errCode = ${reason.code}, msg='${reason.msg}'}`;
}

export const reasons = {
  userPause: (user: string): ErrorReason => ({ code: ErrorCode.MANUAL_PAUSE_ERR, msg: `User ${user} pauses routine load job` }),
  // Two spaces, as StarRocks has them.
  userStop: (user: string): ErrorReason => ({ code: ErrorCode.MANUAL_STOP_ERR, msg: `User  ${user} stop routine load job` }),
  tooManyErrorRows: (errorRows: number, maxErrorNum: number): ErrorReason => ({
    code: ErrorCode.TOO_MANY_FAILURE_ROWS_ERR,
    msg:
      `Current error rows: ${errorRows} is more than max error num: ${maxErrorNum}. ` +
      `Check the 'TrackingSQL' field for detailed information. If you are sure that the data has many errors, ` +
      `you can set 'max_error_number' property to a greater value through ALTER ROUTINE LOAD and RESUME the job`,
  }),
  tooManyFilteredRows: (message: string): ErrorReason => ({
    code: ErrorCode.TOO_MANY_FAILURE_ROWS_ERR,
    msg:
      `${message.includes('too many filtered rows') ? message : `too many filtered rows: ${message}`}. ` +
      `Check the 'TrackingSQL' field for detailed information. If you are sure that the data has many errors, ` +
      `you can set 'max_filter_ratio' property to a greater value through ALTER ROUTINE LOAD and RESUME the job`,
  }),
  fetchPartitions: (detail: string): ErrorReason => ({
    code: ErrorCode.PARTITIONS_ERR,
    msg: `Job failed to fetch all current partition with error [${detail}]`,
  }),
  invalidCustomPartition: (partition: number, topic: string): ErrorReason => ({
    code: ErrorCode.PARTITIONS_ERR,
    msg: `there is an invalid custom partition: ${partition} for topic: ${topic}`,
  }),
  offsetOutOfRange: (partition: number, offset: bigint, low: bigint | undefined): ErrorReason => ({
    code: ErrorCode.TASKS_ABORT_ERR,
    msg:
      `engine abort task with reason: Offset out of range, this is no data in partition: ${partition} at offset: ${offset}` +
      `${low !== undefined ? ` (the first offset still in Kafka is ${low})` : ''}. ` +
      `you can modify kafka_offsets by alter routine load, then resume the job`,
  }),
  offsetBeyondLatest: (offset: bigint, latest: bigint, partition: number): ErrorReason => ({
    code: ErrorCode.TASKS_ABORT_ERR,
    msg:
      `FE aborts the task with reason: failed to check task ready to execute, err: Consume offset: ${offset} ` +
      `is greater than the latest offset: ${latest} in kafka partition: ${partition}. ` +
      `You can modify 'kafka_offsets' property through ALTER ROUTINE LOAD and RESUME the job`,
  }),
  taskFatal: (detail: string): ErrorReason => ({ code: ErrorCode.TASKS_ABORT_ERR, msg: `engine abort task with reason: PAUSE: ${detail}` }),
  streamLoadRefused: (detail: string): ErrorReason => ({ code: ErrorCode.CREATE_TASKS_ERR, msg: `failed to begin txn for task :${detail}` }),
  parseError: (detail: string): ErrorReason => ({ code: 5611, msg: `${detail}. Check the 'TrackingSQL' field for detailed information.` }),
  unstable: (lagSeconds: number, partition: number, threshold: number): ErrorReason => ({
    code: ErrorCode.SLOW_RUNNING_ERR,
    msg: `The lag [${lagSeconds}] of partition [${partition}] exceeds Config.routine_load_unstable_threshold_second [${threshold}]`,
  }),
  secretMissing: (key: string, envVar: string, job: string): ErrorReason => ({
    code: ErrorCode.SECRET_MISSING_ERR,
    msg:
      `The value of '${key}' is not stored on disk and was not found after a restart. ` +
      `Set the environment variable ${envVar} (or give the engine a secret provider) and RESUME the job, ` +
      `or ALTER ROUTINE LOAD FOR ${job} FROM KAFKA ("${key}" = "...") and RESUME it`,
  }),
  envReferenceMissing: (key: string, envVar: string): ErrorReason => ({
    code: ErrorCode.SECRET_MISSING_ERR,
    msg: `The value of '${key}' refers to the environment variable ${envVar}, which is not set. Set it for the engine and RESUME the job`,
  }),
};
