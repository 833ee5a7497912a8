// The language server's entry point (bundled to dist/server.js). Filled in by the language-server work.
export {};
