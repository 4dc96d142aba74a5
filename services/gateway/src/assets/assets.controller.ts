import { Controller, Get, Inject, Injectable, Module } from '@nestjs/common';
import { API } from '../common/api';
import { Doc, Roles } from '../common/decorators';
import { READ } from '../common/roles';
import { ReadModelsRepository } from '../read-models/read-models.repository';
import type { Row } from '../read-models/views';

@Injectable()
export class AssetsService {
  constructor(@Inject(ReadModelsRepository) private readonly readModels: ReadModelsRepository) {}

  /** The twin: the latest AssetPlaced of every asset stream not removed since (audit read model). */
  async assets() {
    const rows = await this.readModels.streamsByPrefix('events.assets', '');
    const latest = new Map<string, Row>();
    for (const r of rows) latest.set(String(r.stream_id), r);
    const assets = [];
    for (const r of latest.values()) {
      if (r.event_type !== 'AssetPlaced') continue;
      const d = r.data as Row;
      assets.push({
        assetId: d.assetId,
        kind: d.kind,
        name: d.name,
        parentId: d.parentId ?? null,
        position: d.position ?? null,
        hostId: d.hostId ?? null,
        endpoints: d.endpoints ?? [],
        capacityBps: d.capacityBps ?? null,
        attributes: d.attributes ?? {},
      });
    }
    return { assets };
  }
}

@Controller(`${API}/assets`)
export class AssetsController {
  constructor(@Inject(AssetsService) private readonly assets: AssetsService) {}

  @Get()
  @Roles(...READ)
  @Doc({ summary: 'Digital twin: rooms, racks, devices and links' })
  list() {
    return this.assets.assets();
  }
}

@Module({ controllers: [AssetsController], providers: [AssetsService] })
export class AssetsModule {}
