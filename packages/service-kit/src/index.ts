export * from './close-hooks';
export * from './config';
export * from './health';
export * from './logger';
export * from './metrics';
export * from './service';
export * from './tokens';
