import { runService } from '@nagare/service-kit';
import { gatewayOptions } from './gateway';

void runService(gatewayOptions());
