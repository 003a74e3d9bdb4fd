/**
 * Preload (`node --require <this file>`, e.g. through NODE_OPTIONS) that appends the path of
 * every CommonJS module Node actually compiles to the file named by GRIDDLE_LOADED_MODULES_FILE,
 * one a line, as it happens (so a process that is killed leaves a complete list). A module
 * replaced through `require.cache` is never compiled, so it never appears. Plain JavaScript:
 * it runs inside the built executor, without ts-jest.
 */
/* global require, process */
'use strict';
/* eslint-disable @typescript-eslint/no-require-imports -- a plain Node script, run without compilation */
const fs = require('node:fs');
const Module = require('node:module');

const out = process.env.GRIDDLE_LOADED_MODULES_FILE;
if (out) {
  const compile = Module.prototype._compile;
  Module.prototype._compile = function recordCompile(content, filename) {
    fs.appendFileSync(out, `${filename}\n`);
    return compile.call(this, content, filename);
  };
}
