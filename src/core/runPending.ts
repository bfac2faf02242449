/**
 * The error of a run that exists on the server but did not finish in time (or whose wait was
 * cancelled). On its own so that error handling (the extension's errors.ts, the command line) can
 * recognise it without loading the scoring use case.
 */
export class RunPendingError extends Error {
  constructor(
    readonly eval_run_uuid: string,
    message: string,
    readonly cancelled = false,
  ) {
    super(message);
    this.name = 'RunPendingError';
  }
}
