import { Controller, Get, Header, HttpCode, Res } from '@nestjs/common';
import type { Response } from 'express';
import { CommandSideLifecycle } from '../command-side.module';
import { CommandSideViews } from '../views/command-side-views';
import { Metrics } from './metrics';

/** Liveness/readiness and Prometheus metrics (open: no secrets, no actions). */
@Controller()
export class HealthController {
  constructor(
    private readonly lifecycle: CommandSideLifecycle,
    private readonly views: CommandSideViews,
    private readonly metrics: Metrics,
  ) {}

  @Get('health')
  health(@Res() res: Response) {
    const ready = this.lifecycle.ready;
    res.status(ready ? 200 : 503).json({
      status: ready ? 'ok' : 'starting',
      service: 'command',
      eventsSeen: this.views.lastPosition.toString(),
    });
  }

  @Get('metrics')
  @HttpCode(200)
  @Header('content-type', 'text/plain; version=0.0.4')
  metricsText(): string {
    return this.metrics.render();
  }
}
