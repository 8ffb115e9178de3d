export * from './temporal';
export * from './probe.contract';
