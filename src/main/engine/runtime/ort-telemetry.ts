// onnxruntime 1.30's Linux build starts Microsoft's telemetry client with every process that
// creates a session: it tries to upload usage events over HTTPS and leaves an empty
// mat-debug-<pid>.log in the temp folder. A research tool should not report on its users unasked,
// so it is off unless the user has set ORT_DISABLE_TELEMETRY themselves. onnxruntime reads the
// variable from the process environment when it starts, so it is set in the main thread (which a
// worker thread's native code sees) before any engine starts, and child processes inherit it.

export function disableOrtTelemetry(env: NodeJS.ProcessEnv = process.env): void {
  env.ORT_DISABLE_TELEMETRY ??= '1';
}
