/**
 * The client side of Temporal that the apps and tools share (Node only, never in workflow code): the workflow
 * bundle's options (the worker, the replayers) and a directive's workflow histories (the API's audit, the CLI, the
 * fault suite).
 */
export * from './workflow-bundle';
export * from './histories';
export * from './directive-client';
export * from './probe-client';
export * from './directive-id';
