export * from './form';
export * from './ladder';
