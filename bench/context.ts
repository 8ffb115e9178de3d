/** What the scenarios run on: the run's stack, its API session and the tree for the directive. */
import type { Api } from './api';
import type { Stack } from './stack';
import type { Tree } from './tree';

export interface Bench {
  runId: string;
  stack: Stack;
  api: Api;
  tree: Tree;
}
