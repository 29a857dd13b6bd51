import { Module } from '@nestjs/common';
import { ConfigurableModuleClass } from './webcom.module-definition.js';

/**
 * `WebcomModule.forRoot(options)`, or `WebcomModule.forRootAsync({ imports, inject, useFactory })`
 * or `forRootAsync({ useClass })` with a `WebcomOptionsFactory`, registers a `WebcomService`; add
 * `name` for a further account, `isGlobal` to share it app-wide. Each account's units are
 * providers of their own (`getWebcomProviderToken(provider, name)`), so a test can override any.
 */
@Module({})
export class WebcomModule extends ConfigurableModuleClass {}
