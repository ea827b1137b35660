// Progress of a model download, per file and overall: bytes done of bytes total, the transfer rate
// over the last few seconds and the time left at that rate. Bytes already on disk (cached blobs,
// resumed partials) count as done but not toward the rate, so the ETA reflects the network alone.

export type FileState = 'waiting' | 'downloading' | 'verifying' | 'done';

export interface FileProgress {
  path: string;
  state: FileState;
  bytesDone: number;
  bytesTotal: number;
  /** Bytes per second over the last RATE_WINDOW_MS (0 before any transfer). */
  rate: number;
  /** Seconds left at `rate`; null while the rate is unknown. */
  etaSeconds: number | null;
}

export interface DownloadProgress {
  repoId: string;
  revision: string;
  /** Null until the hub said which commit the revision is. */
  commit: string | null;
  stage: 'preparing' | 'downloading' | 'done';
  files: FileProgress[];
  filesDone: number;
  bytesDone: number;
  bytesTotal: number;
  rate: number;
  etaSeconds: number | null;
}

export const RATE_WINDOW_MS = 5000;
const EMIT_EVERY_MS = 250;

/** Transfer rate from (time, bytes transferred so far) samples within the last window. */
export class RateMeter {
  private samples: { t: number; bytes: number }[] = [];
  private transferred = 0;

  constructor(private readonly now: () => number) {}

  add(bytes: number): void {
    this.transferred += bytes;
    const t = this.now();
    this.samples.push({ t, bytes: this.transferred });
    while (this.samples.length > 2 && (this.samples[1]?.t ?? t) <= t - RATE_WINDOW_MS) this.samples.shift();
  }

  /** Bytes per second; 0 until two samples at least 1 ms apart exist in the window. */
  rate(): number {
    const first = this.samples[0];
    const last = this.samples[this.samples.length - 1];
    if (!first || !last || last.t - first.t < 1 || this.now() - last.t > RATE_WINDOW_MS) return 0;
    return ((last.bytes - first.bytes) * 1000) / (last.t - first.t);
  }
}

export function etaSeconds(remaining: number, rate: number): number | null {
  if (remaining <= 0) return 0;
  return rate > 0 ? remaining / rate : null;
}

interface TrackedFile {
  progress: FileProgress;
  meter: RateMeter;
}

/** Collects byte counts from concurrent transfers and emits snapshots at most every EMIT_EVERY_MS. */
export class ProgressTracker {
  private readonly files = new Map<string, TrackedFile>();
  private readonly overall: RateMeter;
  private lastEmit = -Infinity;
  commit: string | null = null;
  stage: DownloadProgress['stage'] = 'preparing';

  constructor(
    private readonly ids: { repoId: string; revision: string },
    private readonly emit: (p: DownloadProgress) => void,
    private readonly now: () => number = Date.now,
  ) {
    this.overall = new RateMeter(now);
  }

  addFile(path: string, bytesTotal: number): void {
    if (this.files.has(path)) return;
    const progress: FileProgress = { path, state: 'waiting', bytesDone: 0, bytesTotal, rate: 0, etaSeconds: null };
    this.files.set(path, { progress, meter: new RateMeter(this.now) });
  }

  setState(path: string, state: FileState, bytesDone?: number): void {
    const f = this.tracked(path);
    f.progress.state = state;
    if (bytesDone !== undefined) f.progress.bytesDone = bytesDone;
    this.report(true);
  }

  /** Bytes received over the network (negative when a file restarts from zero). */
  transferred(path: string, delta: number): void {
    const f = this.tracked(path);
    f.progress.bytesDone += delta;
    if (delta > 0) {
      f.meter.add(delta);
      this.overall.add(delta);
    }
    this.report(false);
  }

  snapshot(): DownloadProgress {
    const files = [...this.files.values()].map(({ progress, meter }) => {
      const rate = progress.state === 'downloading' ? meter.rate() : 0;
      const eta = progress.state === 'done' ? 0 : etaSeconds(progress.bytesTotal - progress.bytesDone, rate);
      return { ...progress, rate, etaSeconds: eta };
    });
    const bytesDone = files.reduce((s, f) => s + f.bytesDone, 0);
    const bytesTotal = files.reduce((s, f) => s + f.bytesTotal, 0);
    const rate = this.overall.rate();
    return {
      ...this.ids,
      commit: this.commit,
      stage: this.stage,
      files,
      filesDone: files.filter((f) => f.state === 'done').length,
      bytesDone,
      bytesTotal,
      rate,
      etaSeconds: this.stage === 'done' ? 0 : etaSeconds(bytesTotal - bytesDone, rate),
    };
  }

  /** Emits now if forced (a state change) or if the last emit is old enough. */
  report(force: boolean): void {
    const t = this.now();
    if (!force && t - this.lastEmit < EMIT_EVERY_MS) return;
    this.lastEmit = t;
    this.emit(this.snapshot());
  }

  private tracked(path: string): TrackedFile {
    const f = this.files.get(path);
    if (!f) throw new Error(`progress: unknown file ${path}`);
    return f;
  }
}
