// The seed document's (seed-routine-load.md) pieces that run: the Step 2 table, the Step 1 rows, a table
// for the JSON example and the two example jobs, verbatim but for the broker list (and, where a test
// needs its own, the topic, database and job name). The demo runs them; the tests load them.

export const SEED_DATABASE = 'load_test';
export const CSV_JOB = 'routine_load_tbl_ordertest_csv';
export const JSON_JOB = 'example_tbl2_ordertest';
export const CSV_TOPIC = 'order_sr_topic';
export const JSON_TOPIC = 'ordertest2';

/** The seed's Step 2 table, verbatim. */
export const CSV_TABLE_DDL = `CREATE TABLE load_test.routine_load_tbl_csv (
\`order_id\` bigint NOT NULL COMMENT "Order ID",
\`pay_dt\` date NOT NULL COMMENT "Purchase date",
\`customer_name\` varchar(26) NULL COMMENT "Customer name",
\`nationality\` varchar(26) NULL COMMENT "Country",
\`price\` double NULL COMMENT "Payment amount"
)
ENGINE = OLAP
PRIMARY KEY (order_id, pay_dt)
DISTRIBUTED BY HASH(\`order_id\`) BUCKETS 5;`;

/** A table for the seed's JSON example (the document does not show one): its columns, pay_dt derived. */
export const JSON_TABLE_DDL = `CREATE TABLE load_test.example_tbl (
\`commodity_id\` varchar(26) NULL COMMENT "Commodity ID",
\`customer_name\` varchar(26) NULL COMMENT "Customer name",
\`country\` varchar(26) NULL COMMENT "Country",
\`pay_time\` bigint NULL COMMENT "Payment time (Unix seconds)",
\`price\` double NULL COMMENT "Payment amount",
\`pay_dt\` date NULL COMMENT "Payment date"
)
ENGINE = OLAP
DUPLICATE KEY (commodity_id)
DISTRIBUTED BY HASH(\`commodity_id\`) BUCKETS 5;`;

/** The database and both tables, for a sandbox's `ddl`. */
export const SEED_DDL = `CREATE DATABASE IF NOT EXISTS ${SEED_DATABASE};

${CSV_TABLE_DDL}

${JSON_TABLE_DDL}
`;

/** The seed's Step 1 rows (CSV; the fifth column, the gender, is not loaded). */
export const SEED_ROWS: readonly string[] = [
  '2020050802,2020-05-08,Johann Georg Faust,Deutschland,male,895',
  '2020050802,2020-05-08,Julien Sorel,France,male,893',
  '2020050803,2020-05-08,Dorian Grey,UK,male,1262',
  '2020051001,2020-05-10,Tess Durbeyfield,US,female,986',
  '2020051101,2020-05-11,Edogawa Conan,japan,male,8924',
];

/** Where a job reads from and what it is called; the seed's names when left out. */
export interface JobPlace {
  topic?: string;
  db?: string;
  job?: string;
}

/** Both examples' FROM KAFKA clause: five partitions, read from the beginning. */
function fromKafka(brokers: string, topic: string): string {
  return `FROM KAFKA
(
"kafka_broker_list" = "${brokers}",
"kafka_topic" = "${topic}",
"kafka_partitions" = "0,1,2,3,4",
"property.kafka_default_offsets" = "OFFSET_BEGINNING"
);`;
}

/** The seed's Step 3 statement (the CSV example), verbatim but for the broker list. */
export function csvJobStatement(brokers: string, { topic = CSV_TOPIC, db = SEED_DATABASE, job = CSV_JOB }: JobPlace = {}): string {
  return `CREATE ROUTINE LOAD ${db}.${job} ON routine_load_tbl_csv
COLUMNS TERMINATED BY ",",
COLUMNS (order_id, pay_dt, customer_name, nationality, temp_gender, price)
PROPERTIES
(
"desired_concurrent_number" = "5"
)
${fromKafka(brokers, topic)}`;
}

/** The seed's JSON example, verbatim but for the broker list. */
export function jsonJobStatement(brokers: string, { topic = JSON_TOPIC, db = SEED_DATABASE, job = JSON_JOB }: JobPlace = {}): string {
  return `CREATE ROUTINE LOAD ${db}.${job} ON example_tbl
COLUMNS(commodity_id, customer_name, country, pay_time, price, pay_dt=from_unixtime(pay_time, '%Y%m%d'))
PROPERTIES
(
"desired_concurrent_number" = "5",
"format" = "json",
"jsonpaths" = "[\\"$.commodity_id\\",\\"$.customer_name\\",\\"$.country\\",\\"$.pay_time\\",\\"$.price\\"]"
)
${fromKafka(brokers, topic)}`;
}
