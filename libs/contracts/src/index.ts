export * from './temporal';
export * from './probe.contract';
export * from './directive.contract';
export * from './content';
export * from './api';
export * from './page';
export * from './inbox';
