/**
 * Polling waits for tests: the kernel and other processes change state on their
 * own schedule, so integration tests wait for a condition with a deadline
 * instead of sleeping a fixed time.
 */

export class WaitTimeoutError extends Error {
  readonly code = 'ERR_WAIT_TIMEOUT';
}

export const delay = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

/**
 * Calls `probe` every `intervalMs` until it returns something other than
 * undefined/false, and returns that; throws WaitTimeoutError naming `what`
 * after `timeoutMs`. A probe that throws is retried (the thing may not exist yet);
 * its last error is included in the timeout message.
 */
export async function waitUntil<T>(
  what: string,
  probe: () => T | undefined | false | Promise<T | undefined | false>,
  options: { timeoutMs?: number; intervalMs?: number } = {},
): Promise<T> {
  const { timeoutMs = 5000, intervalMs = 20 } = options;
  const deadline = Date.now() + timeoutMs;
  let lastError: unknown;
  for (;;) {
    try {
      const value = await probe();
      if (value !== undefined && value !== false) return value as T;
    } catch (error) {
      lastError = error;
    }
    if (Date.now() >= deadline) {
      const detail = lastError instanceof Error ? ` (last error: ${lastError.message})` : '';
      throw new WaitTimeoutError(`timed out after ${timeoutMs} ms waiting for ${what}${detail}`);
    }
    await delay(intervalMs);
  }
}
