import { Controller, Get } from '@nestjs/common';
import { ConfigService } from '@nestjs/config';
import { HealthCheck, HealthCheckService, type HealthCheckResult } from '@nestjs/terminus';
import { WebcomHealthIndicator } from 'nestjs-webcom/health';
import { readHealthThresholds, type HealthThresholds } from './settings.js';

@Controller('health')
export class HealthController {
  private readonly thresholds: HealthThresholds;

  constructor(
    private readonly health: HealthCheckService,
    private readonly webcom: WebcomHealthIndicator,
    config: ConfigService,
  ) {
    this.thresholds = readHealthThresholds(config);
  }

  /** 200 with `ok` or `degraded` (balance below WEBCOM_HEALTH_WARN_BALANCE), else 503. */
  @Get()
  @HealthCheck()
  check(): Promise<HealthCheckResult> {
    return this.health.check([() => this.webcom.isHealthy('webcom', this.thresholds)]);
  }
}
