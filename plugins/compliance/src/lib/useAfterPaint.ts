import { useEffect, useState } from 'react';

/**
 * True from the frame after `ready` became true: sections mounted behind it
 * render once the browser has painted what is on screen, never in the same
 * task, so a chart or a secondary card cannot hold back the main content.
 */
export function useAfterPaint(ready: boolean): boolean {
  const [painted, setPainted] = useState(false);
  useEffect(() => {
    if (!ready || painted) return undefined;
    let timer: ReturnType<typeof setTimeout> | undefined;
    const next = () => {
      timer = setTimeout(() => setPainted(true), 0);
    };
    // A frame, then a task: the paint of that frame comes first.
    const frame =
      typeof requestAnimationFrame === 'function'
        ? requestAnimationFrame(next)
        : undefined;
    if (frame === undefined) next();
    return () => {
      if (frame !== undefined) cancelAnimationFrame(frame);
      if (timer !== undefined) clearTimeout(timer);
    };
  }, [ready, painted]);
  return painted;
}

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
