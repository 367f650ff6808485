import { ComponentProps, lazy, ReactNode, Suspense } from 'react';
import Box from '@material-ui/core/Box';
import { Progress } from '@backstage/core-components';

// recharts is loaded on first use only, never with the app's initial bundle.
const LazyTrendChart = lazy(() =>
  import('./Charts').then(m => ({ default: m.TrendChart })),
);
const LazyDurationChart = lazy(() =>
  import('./Charts').then(m => ({ default: m.DurationChart })),
);
const LazyOutcomeChart = lazy(() =>
  import('./Charts').then(m => ({ default: m.OutcomeChart })),
);
const LazyDistributionChart = lazy(() =>
  import('./Charts').then(m => ({ default: m.DistributionChart })),
);

/** A chart as an image with a text alternative for screen readers. */
function ChartFigure(props: {
  label: string;
  height: number;
  children: ReactNode;
}) {
  return (
    <Box
      role="img"
      aria-label={props.label}
      minHeight={props.height}
      width="100%"
    >
      <Suspense fallback={<Progress />}>{props.children}</Suspense>
    </Box>
  );
}

/** Score trend line chart, loaded lazily. */
export function ScoreTrendChart(
  props: ComponentProps<typeof LazyTrendChart> & { label: string },
) {
  const { label, ...rest } = props;
  return (
    <ChartFigure label={label} height={rest.height ?? 240}>
      <LazyTrendChart {...rest} />
    </ChartFigure>
  );
}

/** CI duration bar chart, loaded lazily. */
export function CiDurationChart(
  props: ComponentProps<typeof LazyDurationChart> & { label: string },
) {
  const { label, ...rest } = props;
  return (
    <ChartFigure label={label} height={rest.height ?? 180}>
      <LazyDurationChart {...rest} />
    </ChartFigure>
  );
}

/** CI passed/failed/flaky runs per day, loaded lazily. */
export function CiOutcomeChart(
  props: ComponentProps<typeof LazyOutcomeChart> & { label: string },
) {
  const { label, ...rest } = props;
  return (
    <ChartFigure label={label} height={rest.height ?? 180}>
      <LazyOutcomeChart {...rest} />
    </ChartFigure>
  );
}

/** Score distribution bar chart, loaded lazily. */
export function ScoreDistributionChart(
  props: ComponentProps<typeof LazyDistributionChart> & { label: string },
) {
  const { label, ...rest } = props;
  return (
    <ChartFigure label={label} height={rest.height ?? 200}>
      <LazyDistributionChart {...rest} />
    </ChartFigure>
  );
}
