import { Module } from '@nestjs/common';
import { ConfigurableModuleClass } from './webcom.module-definition.js';

/**
 * `WebcomModule.forRoot(options)` or `WebcomModule.forRootAsync({ imports, inject, useFactory })`
 * registers a `WebcomService`; add `name` for a further account, `isGlobal` to share it app-wide.
 */
@Module({})
export class WebcomModule extends ConfigurableModuleClass {}
