export * from './postgres';
export * from './supervisor';
