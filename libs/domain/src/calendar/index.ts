export * from './holidays';
export * from './schedule';
