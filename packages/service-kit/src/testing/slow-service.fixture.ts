// A real service process for the signal tests: GET /slow answers after SLOW_MS.
import { Controller, Get, Module } from '@nestjs/common';
import { z } from 'zod';
import { runService } from '../service';

@Controller()
class SlowController {
  @Get('slow')
  async slow() {
    process.stdout.write('ENTERED\n');
    await new Promise((r) => setTimeout(r, Number(process.env.SLOW_MS ?? 500)));
    return { done: true };
  }
}

@Module({ controllers: [SlowController] })
class SlowModule {}

void runService({
  name: 'slow-fixture',
  module: SlowModule,
  config: z.object({ SLOW_MS: z.coerce.number().int().min(0) }),
}).then((service) => {
  if (service) {
    service.closeHooks.register('announce', () => process.stdout.write('CLOSE_HOOK_RAN\n'));
    process.stdout.write(`READY ${service.url}\n`);
  }
});
