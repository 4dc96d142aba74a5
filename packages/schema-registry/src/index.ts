export * from './registry-log';
export * from './server';
