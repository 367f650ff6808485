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
