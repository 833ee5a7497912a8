import { TextDocument } from 'vscode-languageserver-textdocument';
import { LanguageService } from '../../../server/src/service';
const svc = new LanguageService();
const calls = 'CREATE ROUTINE LOAD j4 ON orders COLUMNS (id, d = from_unixtime(id, ';
const d = TextDocument.create('file:///c.sql', 'sql', 1, calls);
console.log(JSON.stringify(svc.signatureHelp(d, d.positionAt(calls.length))));
const JOB = `CREATE ROUTINE LOAD db.orders_job ON orders
COLUMNS TERMINATED BY ",",
COLUMNS (id, name, price)
PROPERTIES ("max_batch_interval" = "10", "desired_concurrent_number" = "0")
FROM KAFKA ("kafka_broker_list" = "k:9092", "kafka_topic" = "orders", "property.security.protocal" = "ssl");
`;
const j = TextDocument.create('file:///j.sql', 'sql', 1, JOB);
console.log(svc.diagnostics(j).map((x) => x.code + ' ' + x.message));
