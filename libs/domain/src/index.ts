export * from './text';
export * from './probe';
