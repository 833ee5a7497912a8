import { test } from 'node:test';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { engineSocketPath } from '../../../engine/src/protocol';

test('the socket lives in the state directory when the path fits', { skip: process.platform === 'win32' }, () => {
  assert.equal(engineSocketPath('/home/u/.routine-load'), join('/home/u/.routine-load', 'engine.sock'));
});

test('a state directory too deep for a Unix socket gets a short, stable path of its own', { skip: process.platform === 'win32' }, () => {
  const deep = `/Users/someone/Library/Application Support/Code/User/globalStorage/routine-load.routine-load-vscode/engine`;
  const path = engineSocketPath(deep);
  assert.ok(Buffer.byteLength(path) <= 100, path);
  assert.equal(engineSocketPath(deep), path);
  assert.notEqual(engineSocketPath(`${deep}2`), path);
});
