import { WorkflowExecutionAlreadyStartedError, type Client } from '@temporalio/client';
import type { UpdateDefinition } from '@temporalio/common';
import {
  cycleClosedSignal,
  directiveStateQuery,
  directiveWorkflowType,
  dispatchHubWorkflowId,
  dispatchHubWorkflowType,
  reportingStateQuery,
  reportingWorkflowId,
  type DirectiveState,
  type DirectiveWorkflowInput,
  type DispatchHubInput,
  type ReportingState,
} from '@cascade/contracts';

/**
 * The client side of a directive's workflows, as the API drives them: start, update, query, and a forwarding unit's
 * dispatch hub. (The directive's workflow starts the hubs of its own dispatch as children; a unit that forwards later
 * gets its hub from here, under the same workflow id, so that a hub is never started twice.)
 */

export async function startDirectiveWorkflow(
  client: Client,
  taskQueue: string,
  workflowId: string,
  input: DirectiveWorkflowInput,
): Promise<'started' | 'already started'> {
  try {
    // A directive's id is never reused: no second run under its workflow id, even after the first has closed.
    await client.workflow.start(directiveWorkflowType, {
      workflowId,
      taskQueue,
      args: [input],
      workflowIdReusePolicy: 'REJECT_DUPLICATE',
    });
    return 'started';
  } catch (error) {
    // The id derives from the caller and the Idempotency-Key: a workflow already there is this request's own, started
    // by an attempt whose answer was lost.
    if (error instanceof WorkflowExecutionAlreadyStartedError) return 'already started';
    throw error;
  }
}

/** Starts a unit's dispatch hub; one already started is left as it is (delivering twice changes nothing). */
export async function startDispatchHub(
  client: Client,
  taskQueue: string,
  input: DispatchHubInput,
): Promise<string> {
  const workflowId = dispatchHubWorkflowId(input.directiveId, input.hubUnitId);
  try {
    await client.workflow.start(dispatchHubWorkflowType, { workflowId, taskQueue, args: [input] });
  } catch (error) {
    if (!(error instanceof WorkflowExecutionAlreadyStartedError)) throw error;
  }
  return workflowId;
}

/** Runs one of the directive workflow's updates (submit, review, sign, cancel, close) under a caller-made id. */
export async function updateDirective<Ret, Args extends [unknown, ...unknown[]]>(
  client: Client,
  workflowId: string,
  update: UpdateDefinition<Ret, Args>,
  args: Args,
  updateId: string,
): Promise<Ret> {
  return client.workflow.getHandle(workflowId).executeUpdate(update, { args, updateId });
}

/** The review state the directive's workflow holds (reviewers, step, decisions). */
export async function queryDirectiveState(client: Client, workflowId: string): Promise<DirectiveState> {
  return client.workflow.getHandle(workflowId).query(directiveStateQuery);
}

/** The current cycle's timers of a directive that reports on a schedule. */
export async function queryReportingState(client: Client, directiveId: string): Promise<ReportingState> {
  return client.workflow.getHandle(reportingWorkflowId(directiveId)).query(reportingStateQuery);
}

/** Tells a schedule's reporting workflow that the issuer closed the open-ended cycle it waits on. */
export async function signalCycleClosed(
  client: Client,
  directiveId: string,
  schedule: number,
  cycle: number,
): Promise<void> {
  await client.workflow
    .getHandle(reportingWorkflowId(directiveId, schedule))
    .signal(cycleClosedSignal, { cycle });
}
