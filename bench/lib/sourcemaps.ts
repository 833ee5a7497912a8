// Imported first by run.ts: from here on Node keeps the source maps of what tsx compiles, so the CPU profile's
// positions in engine/src can be mapped back to TypeScript lines (see sections/profile.ts).
process.setSourceMapsEnabled(true);
export {};
