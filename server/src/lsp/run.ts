// Starts the server on the transport the command line names, and keeps it alive whatever happens.
import { createConnection, ProposedFeatures, type Connection } from 'vscode-languageserver/node';
import { startServer, type ServerOptions } from './server';

export function runServer(options: ServerOptions = {}): Connection {
  const connection = createConnection(ProposedFeatures.all);
  // A bug must cost one answer, not the server: log what escaped every guard and carry on.
  process.on('uncaughtException', (error) => {
    try {
      connection.console.error(`uncaught: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}`);
    } catch {
      // nothing left to report to
    }
  });
  process.on('unhandledRejection', (reason) => {
    try {
      connection.console.error(`unhandled rejection: ${reason instanceof Error ? (reason.stack ?? reason.message) : String(reason)}`);
    } catch {
      // nothing left to report to
    }
  });
  startServer(connection, options);
  connection.listen();
  return connection;
}
