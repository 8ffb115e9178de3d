// Every workflow type the worker registers. Workflow code is deterministic: see eslint.config.mjs for what it may
// import.
export { probeWorkflow } from './probe.workflow';
export { directiveWorkflow } from './directive.workflow';
export { dispatchHubWorkflow } from './dispatch.workflow';
export { reportingWorkflow } from './reporting.workflow';
