import {
  allHandlersFinished,
  condition,
  proxyActivities,
  setHandler,
  upsertSearchAttributes,
} from '@temporalio/workflow';
import { ApplicationFailure } from '@temporalio/common';
import {
  finishProbeUpdate,
  probeStateQuery,
  SEARCH_ATTRIBUTES,
  type ProbeActivities,
  type ProbeInput,
  type ProbeState,
} from '@cascade/contracts';
import { PROBE_MESSAGE_MAX, transition } from '@cascade/domain';

const { recordProbe, markProbeFinished } = proxyActivities<ProbeActivities>({
  startToCloseTimeout: '30 seconds',
  retry: { initialInterval: '500 ms', maximumInterval: '10 seconds' },
});

/** The wiring probe: record a row, then wait for `finishProbe` (an update with a validator) and record the finish. */
export async function probeWorkflow(input: ProbeInput): Promise<ProbeState> {
  const state: ProbeState = {
    probeId: input.probeId,
    message: input.message,
    status: 'started',
    recordedAt: null,
    finishedAt: null,
    note: null,
  };
  let finishRequested: string | null = null;

  setHandler(probeStateQuery, () => state);
  setHandler(
    finishProbeUpdate,
    async ({ note }) => {
      finishRequested = note;
      await condition(() => state.status === 'finished');
      return state;
    },
    {
      validator: ({ note }) => {
        if (typeof note !== 'string' || note.trim().length === 0 || note.length > PROBE_MESSAGE_MAX) {
          throw ApplicationFailure.nonRetryable(
            `note must be 1-${PROBE_MESSAGE_MAX} characters`,
            'INVALID_NOTE',
          );
        }
        if (finishRequested !== null && state.status !== 'finished') {
          // A second, different finish while the first is in flight: the update id dedupes true retries.
          throw ApplicationFailure.nonRetryable('probe is already finishing', 'ALREADY_FINISHING');
        }
        if (state.status === 'finished') {
          throw ApplicationFailure.nonRetryable('probe is already finished', 'ALREADY_FINISHED');
        }
      },
    },
  );

  upsertSearchAttributes([{ key: SEARCH_ATTRIBUTES.status, value: 'started' }]);
  const recorded = await recordProbe(input);
  state.status = transition(state.status, 'recorded');
  state.recordedAt = recorded.recordedAt;
  upsertSearchAttributes([{ key: SEARCH_ATTRIBUTES.status, value: 'recorded' }]);

  await condition(() => finishRequested !== null);
  const note = finishRequested as unknown as string;
  const finished = await markProbeFinished({ probeId: input.probeId, note });
  state.note = note;
  state.finishedAt = finished.finishedAt;
  state.status = transition(state.status, 'finished');
  upsertSearchAttributes([{ key: SEARCH_ATTRIBUTES.status, value: 'finished' }]);

  // Let the update handler return its answer before the run closes.
  await condition(allHandlersFinished);
  return state;
}
