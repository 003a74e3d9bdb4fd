export * from './types';
export * from './recordio';
export * from './codec';
export * from './uuid-bytes';
export * from './resources';
export * from './durations';
