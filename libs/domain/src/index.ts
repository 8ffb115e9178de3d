export * from './text';
export * from './probe';
export * from './organisation';
export * from './access';
export * from './password-policy';
export * from './unit-import';
export * from './synthetic-units';
export * from './calendar';
