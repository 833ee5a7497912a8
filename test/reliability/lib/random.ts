// Seeded randomness for the reliability tests: every run with the same seed makes the same choices, so a
// failure reproduces. RELIABILITY_SEED overrides the default seed; the seed in use is printed by the tests.
export { prng, Random } from '../../helpers/random';

/** The seed of this run: RELIABILITY_SEED when set, else the given default. */
export function runSeed(fallback: number): number {
  const fromEnv = Number(process.env.RELIABILITY_SEED);
  return Number.isInteger(fromEnv) && fromEnv > 0 ? fromEnv : fallback;
}
