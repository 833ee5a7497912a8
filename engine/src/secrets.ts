// Secrets never reach the state directory. A job's secret property values come, at use, from
// (a) the engine's memory (the statement just executed), (b) a SecretProvider (VS Code's SecretStorage,
// or the environment for the command line), or (c) `${env:NAME}` references written in the value.

/** Where secret property values live between restarts. Keys are full property names, e.g. `property.sasl.password`. */
export interface SecretProvider {
  get(db: string, job: string, key: string): Promise<string | undefined> | string | undefined;
  /** Called when a statement gives a secret, so the provider can keep it (optional: the environment cannot). */
  set?(db: string, job: string, key: string, value: string): Promise<void> | void;
  delete?(db: string, job: string, key: string): Promise<void> | void;
}

/** ROUTINE_LOAD_SECRET_<DB>_<JOB>_<KEY> in upper snake case; the key without its `property.` prefix. */
export function secretEnvVarName(db: string, job: string, key: string): string {
  const snake = (s: string) => s.replace(/[^A-Za-z0-9]+/g, '_').replace(/^_+|_+$/g, '').toUpperCase();
  return `ROUTINE_LOAD_SECRET_${snake(db)}_${snake(job)}_${snake(key.replace(/^property\./, ''))}`;
}

/** The command line's provider: secrets from the environment. */
export class EnvSecretProvider implements SecretProvider {
  constructor(private readonly env: NodeJS.ProcessEnv = process.env) {}
  get(db: string, job: string, key: string): string | undefined {
    const value = this.env[secretEnvVarName(db, job, key)];
    return value === undefined || value === '' ? undefined : value;
  }
}

const ENV_REFERENCE = /\$\{env:([A-Za-z_][A-Za-z0-9_]*)\}/g;

export function hasEnvReference(value: string): boolean {
  return new RegExp(ENV_REFERENCE.source).test(value);
}

/** Replace `${env:NAME}` references; returns the missing variable's name instead when one is unset. */
export function resolveEnvReferences(value: string, env: NodeJS.ProcessEnv = process.env): { value: string } | { missing: string } {
  let missing: string | undefined;
  const resolved = value.replace(ENV_REFERENCE, (_whole, name: string) => {
    const v = env[name];
    if (v === undefined) missing ??= name;
    return v ?? '';
  });
  return missing !== undefined ? { missing } : { value: resolved };
}
