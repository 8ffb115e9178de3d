export * from './form';
export * from './ladder';
export * from './routes';
export * from './rollup';
