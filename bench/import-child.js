// The cold import cost of one module, in a fresh process (module caches would hide it).
//   node bench/import-child.js --module <specifier|dist>   e.g. axios, undici, dist
// Nest itself (@nestjs/core, @nestjs/common, reflect-metadata, rxjs) is loaded before the clock,
// as every Nest application has it; `dist` is this library's main entry (dist/index.js), which
// brings class-validator, class-transformer, libphonenumber-js, axios, @nestjs/axios and undici.
// Prints one JSON line: { module, importMs }.
import { performance } from 'node:perf_hooks';
import 'reflect-metadata';
import '@nestjs/common';
import '@nestjs/core';
import 'rxjs';
import { DIST_INDEX, parseArgs } from './lib/common.js';

const args = parseArgs();
const specifier = String(args.module ?? 'dist');
const started = performance.now();
await import(specifier === 'dist' ? DIST_INDEX : specifier);
const importMs = performance.now() - started;
console.log(JSON.stringify({ module: specifier, importMs }));
