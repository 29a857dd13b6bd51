import { Controller, Get } from '@nestjs/common';
import { ApiOperation, ApiTags } from '@nestjs/swagger';
import { ConfigService } from '@nestjs/config';
import { HealthCheck, HealthCheckService, type HealthCheckResult } from '@nestjs/terminus';
import { WebcomHealthIndicator } from 'nestjs-webcom/health';
import { readHealthThresholds, type HealthThresholds } from './settings.js';

@ApiTags('health')
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
  @ApiOperation({ summary: 'Whether the gateway answers and the balance is high enough' })
  check(): Promise<HealthCheckResult> {
    return this.health.check([() => this.webcom.isHealthy('webcom', this.thresholds)]);
  }
}
