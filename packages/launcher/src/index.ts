export * from './platform';
export * from './postgres';
export * from './supervisor';
export * from './topics';
