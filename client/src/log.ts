// The "Routine Load" log: one LogOutputChannel for the extension and the engine's events.
// Everything written here passes through `redact`, so a secret that slips into a message
// (a password in a URL, a property value) never reaches the channel.
import * as vscode from 'vscode';
import type { EngineEvent } from '../../engine/src/protocol';

export type Log = vscode.LogOutputChannel;

export function createLog(): Log {
  return vscode.window.createOutputChannel('Routine Load', { log: true });
}

const SECRET_PROPERTY = /("(?:[^"]*\.)?(?:password|secret|sasl\.jaas\.config|key\.password|token)"\s*=\s*)"[^"]*"/gi;
const URL_CREDENTIALS = /(\b[a-z][a-z0-9+.-]*:\/\/[^/\s:@]+:)[^@/\s]+@/gi;

/** Mask passwords in property lists and URLs: logs are shared in bug reports. */
export function redact(message: string): string {
  return message.replace(SECRET_PROPERTY, '$1"******"').replace(URL_CREDENTIALS, '$1******@');
}

/** Write one engine event at its own level. */
export function logEngineEvent(log: Log, event: EngineEvent): void {
  if (event.event !== 'log') return;
  const text = redact(event.jobName ? `[${event.jobName}] ${event.message}` : event.message);
  switch (event.level) {
    case 'trace': log.trace(text); break;
    case 'debug': log.debug(text); break;
    case 'info': log.info(text); break;
    case 'warn': log.warn(text); break;
    case 'error': log.error(text); break;
  }
}

/** A message fit for a notification: the first line of an error, never its stack. */
export function errorMessage(err: unknown): string {
  if (err instanceof Error) return redact(err.message.split('\n')[0] || err.name);
  if (typeof err === 'object' && err !== null && 'message' in err && typeof (err as { message: unknown }).message === 'string') {
    return redact((err as { message: string }).message.split('\n')[0]);
  }
  return redact(String(err));
}
