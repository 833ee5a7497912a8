// The language server's entry point (bundled to dist/server.js). The transport comes from the
// command line: --node-ipc when the extension starts it, --stdio for other editors.
import { runServer } from './run';

runServer();
