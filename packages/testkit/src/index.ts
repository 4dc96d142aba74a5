export * from './postgres';
export * from './servers';
export * from './tmp';
export * from './wait';
