import { Module } from '@nestjs/common';
import { ConfigModule, ConfigService } from '@nestjs/config';
import { APP_FILTER, APP_PIPE } from '@nestjs/core';
import { TerminusModule } from '@nestjs/terminus';
import { WebcomExceptionFilter, WebcomModule, WebcomValidationPipe } from 'nestjs-webcom';
import { WebcomHealthIndicator } from 'nestjs-webcom/health';
import { WebcomVerificationModule } from 'nestjs-webcom/verification';
import { AccountController } from './account.controller.js';
import { HealthController } from './health.controller.js';
import { MessagesController } from './messages.controller.js';
import { QueuedSendingModule } from './queued-sending.js';
import { SampleTelemetry } from './telemetry.js';
import { createVerificationOptions } from './verification-options.factory.js';
import { VerificationsController } from './verifications.controller.js';
import { WebcomEventLogger } from './webcom-event-logger.js';
import { createWebcomOptions } from './webcom-options.factory.js';

@Module({
  imports: [
    ConfigModule.forRoot({
      isGlobal: true,
      // Run from the repository root (`npm start`) or from sample/; variables already set in
      // the environment win over both files.
      envFilePath: ['.env', 'sample/.env'],
      // Tests configure through process.env alone, never a developer's .env with live credentials.
      ignoreEnvFile: process.env.NODE_ENV === 'test',
    }),
    WebcomModule.forRootAsync({
      imports: [ConfigModule],
      inject: [ConfigService],
      useFactory: createWebcomOptions,
    }),
    QueuedSendingModule,
    WebcomVerificationModule.forRootAsync({
      imports: [ConfigModule],
      inject: [ConfigService],
      useFactory: createVerificationOptions,
    }),
    TerminusModule,
  ],
  controllers: [MessagesController, AccountController, HealthController, VerificationsController],
  providers: [
    SampleTelemetry,
    WebcomHealthIndicator,
    WebcomEventLogger,
    { provide: APP_PIPE, useClass: WebcomValidationPipe },
    { provide: APP_FILTER, useClass: WebcomExceptionFilter },
  ],
})
export class AppModule {}
