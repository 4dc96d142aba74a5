import { Controller, Get, Inject, Injectable, Module } from '@nestjs/common';
import { API } from '../common/api';
import { Doc, Roles } from '../common/decorators';
import { READ } from '../common/roles';
import { HostsModule } from '../hosts/hosts.module';
import { HostsService } from '../hosts/hosts.service';
import { ReadModelsRepository } from '../read-models/read-models.repository';
import { commandSummary } from '../read-models/views';

@Injectable()
export class OverviewService {
  constructor(
    @Inject(ReadModelsRepository) private readonly readModels: ReadModelsRepository,
    @Inject(HostsService) private readonly hosts: HostsService,
  ) {}

  async overview() {
    const [counts, severities, cpu, memory, disk, commands] = await Promise.all([
      this.readModels.hostCounts(),
      this.readModels.alertCountsBySeverity(),
      this.readModels.topHosts('cpu'),
      this.readModels.topHosts('memory'),
      this.readModels.topHosts('disk'),
      this.readModels.recentCommands(10),
    ]);
    const hosts = { total: 0, online: 0, offline: 0, decommissioned: 0 };
    for (const r of counts) {
      const n = Number(r.n);
      hosts.total += n;
      if (r.status === 'online' || r.status === 'offline' || r.status === 'decommissioned')
        hosts[r.status] += n;
    }
    const alertsBySeverity: Record<string, number> = { '0': 0, '1': 0, '2': 0, '3': 0 };
    for (const r of severities) alertsBySeverity[String(r.severity)] = Number(r.n);
    const [topCpu, topMemory, topDisk] = await Promise.all([
      this.hosts.summaries(cpu),
      this.hosts.summaries(memory),
      this.hosts.summaries(disk),
    ]);
    return {
      hosts,
      alertsBySeverity,
      topHosts: { cpu: topCpu, memory: topMemory, disk: topDisk },
      recentCommands: commands.slice(0, 10).map(commandSummary),
    };
  }
}

@Controller(`${API}/overview`)
export class OverviewController {
  constructor(@Inject(OverviewService) private readonly overview: OverviewService) {}

  @Get()
  @Roles(...READ)
  @Doc({ summary: 'Fleet overview: host counts, alerts by severity, top hosts, recent commands' })
  get() {
    return this.overview.overview();
  }
}

@Module({ imports: [HostsModule], controllers: [OverviewController], providers: [OverviewService] })
export class OverviewModule {}
