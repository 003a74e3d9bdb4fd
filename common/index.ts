export * from './logger';
export { systemClock, type Clock } from './clock';
