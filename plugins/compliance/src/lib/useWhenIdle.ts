import { useEffect, useState } from 'react';

/**
 * True once the browser is idle after `ready` became true (at the latest
 * `timeoutMs` later): for sections that must not compete with what is being
 * drawn, such as the cards below the trend chart.
 */
export function useWhenIdle(ready: boolean, timeoutMs = 1500): boolean {
  const [idle, setIdle] = useState(false);
  useEffect(() => {
    if (!ready || idle) return undefined;
    const done = () => setIdle(true);
    if (typeof requestIdleCallback === 'function') {
      const handle = requestIdleCallback(done, { timeout: timeoutMs });
      return () => cancelIdleCallback(handle);
    }
    const timer = setTimeout(done, 100);
    return () => clearTimeout(timer);
  }, [ready, idle, timeoutMs]);
  return idle;
}
