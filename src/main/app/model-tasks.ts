// Long model tasks started from the Models screen (compiling, computing induction scores): one at a
// time per model, each stoppable by models.cancel; its progress goes out as model.progress events.

import { ConflictError } from '../../shared/errors';

export class ModelTasks {
  private readonly running = new Map<number, { task: string; abort: AbortController }>();

  /** Runs `work` as the model's task; a second task on the same model meanwhile is a conflict. */
  async run<T>(modelId: number, task: string, work: (signal: AbortSignal) => Promise<T>): Promise<T> {
    const busy = this.running.get(modelId);
    if (busy) throw new ConflictError(`model ${modelId}`, `is busy (${busy.task}); wait for it or cancel it`);
    const abort = new AbortController();
    this.running.set(modelId, { task, abort });
    try {
      return await work(abort.signal);
    } catch (err) {
      if (abort.signal.aborted) throw new ConflictError(`model ${modelId}`, `${task} was cancelled`);
      throw err;
    } finally {
      this.running.delete(modelId);
    }
  }

  /** Stops the model's task; false when none runs. */
  cancel(modelId: number): boolean {
    const busy = this.running.get(modelId);
    busy?.abort.abort();
    return busy !== undefined;
  }

  cancelAll(): void {
    for (const { abort } of this.running.values()) abort.abort();
  }

  /** Resolves once every task has ended. */
  async idle(): Promise<void> {
    while (this.running.size > 0) await new Promise((resolve) => setTimeout(resolve, 20));
  }
}
