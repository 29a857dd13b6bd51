// One Nest application context boot in a fresh process (module caches would hide the cost).
//   node bench/boot-child.js --with-webcom   AppModule imports WebcomModule.forRoot(...)
//   node bench/boot-child.js                 an empty AppModule
// Nest itself (@nestjs/core, @nestjs/common, reflect-metadata) is loaded before the clock
// starts in both cases; the clock covers loading this library (import of dist/index.js, with
// class-validator, class-transformer, libphonenumber-js, axios, @nestjs/axios) and
// NestFactory.createApplicationContext up to a ready context.
//   --dist DIR       another build's dist/ directory (to compare builds)
//   --preload-peers  class-validator, class-transformer, axios and @nestjs/axios are imported
//                    before the clock too, as in an app that already uses ValidationPipe/HttpModule
// Prints one JSON line: { webcom, peersPreloaded, bootMs, sinceProcessStartMs, peakRssMB }.
import { performance } from 'node:perf_hooks';
import 'reflect-metadata';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { Module } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { CREDENTIALS, DIST_INDEX, SENDER, parseArgs } from './lib/common.js';

const args = parseArgs();
const webcom = Boolean(args['with-webcom']);
const peersPreloaded = Boolean(args['preload-peers']);
if (peersPreloaded) {
  await Promise.all(
    ['class-validator', 'class-transformer', 'axios', '@nestjs/axios'].map((m) => import(m)),
  );
}
const started = performance.now();

const imports = [];
if (webcom) {
  const dist = args.dist ? pathToFileURL(path.resolve(args.dist, 'index.js')).href : DIST_INDEX;
  const { WebcomModule } = await import(dist);
  imports.push(
    WebcomModule.forRoot({
      credentials: CREDENTIALS,
      baseUrl: 'http://127.0.0.1:9',
      senders: { sms: SENDER },
    }),
  );
}
class AppModule {}
Module({ imports })(AppModule);
const app = await NestFactory.createApplicationContext(AppModule, { logger: false });
const bootMs = performance.now() - started;
const sinceProcessStartMs = performance.now();
await app.close();
const peakRssMB = (process.resourceUsage().maxRSS * 1024) / 2 ** 20;
console.log(JSON.stringify({ webcom, peersPreloaded, bootMs, sinceProcessStartMs, peakRssMB }));
