// The engine's Stream Load client: FE handshake on node:http(s), body to the BE on undici.
export { createStreamLoadClient, type StreamLoadClientOptions } from './client';
