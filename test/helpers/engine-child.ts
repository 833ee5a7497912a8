// An engine in its own process, for the exactly-once test: the parent SIGKILLs it mid-load and starts
// it again on the same state directory. argv: <stateDir> <feUrl> [sql]. The SQL runs when given
// (first start only). Every job change is printed as one JSON line, so the parent waits on events.
import { Engine } from '../../engine/src/engine';

async function main(): Promise<void> {
  const [stateDir, feUrl, sql] = process.argv.slice(2);
  if (!stateDir || !feUrl) throw new Error('usage: engine-child <stateDir> <feUrl> [sql]');
  const engine = await Engine.open({
    stateDir,
    starrocks: { feUrl, user: 'root', password: process.env.STARROCKS_PASSWORD ?? '' },
    settings: { routine_load_task_consume_second: 1, retry_backoff_initial_millisecond: 100, retry_backoff_max_millisecond: 1000, label_running_recheck_millisecond: 200 },
  });
  engine.on('jobChanged', (job) => process.stdout.write(`${JSON.stringify({ event: 'jobChanged', name: job.name, state: job.state, statistic: job.statistic, progress: job.progress })}\n`));
  engine.on('log', (entry) => process.stdout.write(`${JSON.stringify({ event: 'log', ...entry })}\n`));
  if (sql) await engine.execute(sql);
  process.stdout.write(`${JSON.stringify({ event: 'ready' })}\n`);
  const stop = () => void engine.close().then(() => process.exit(0));
  process.on('SIGTERM', stop);
  process.on('SIGINT', stop);
}

main().catch((err: Error) => {
  process.stderr.write(`${err.message}\n`);
  process.exit(1);
});
