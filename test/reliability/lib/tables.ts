// The reliability tests' tables, in database `rel`, for startWorld's `ddl`.

/** rel.events: a DUPLICATE KEY table, so a key loaded twice shows as two rows. */
export function eventsTable(buckets = 3): string {
  return `CREATE TABLE rel.events (
\`k\` bigint NOT NULL,
\`v\` varchar(64) NULL
)
ENGINE = OLAP
DUPLICATE KEY (k)
DISTRIBUTED BY HASH(\`k\`) BUCKETS ${buckets};`;
}

/** The database `rel` and the given tables (rel.events alone when none are given). */
export function relDdl(...tables: string[]): string {
  return `CREATE DATABASE IF NOT EXISTS rel;\n${(tables.length ? tables : [eventsTable()]).join('\n')}\n`;
}
