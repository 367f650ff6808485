import { ReactNode } from 'react';
import { useTheme } from '@material-ui/core/styles';
import {
  Bar,
  BarChart,
  CartesianGrid,
  Line,
  LineChart,
  ResponsiveContainer,
  Tooltip,
  XAxis,
  XAxisProps,
  YAxis,
  YAxisProps,
} from 'recharts';

/**
 * The recharts-based charts. This module is only ever imported dynamically
 * (see LazyCharts.tsx) so recharts stays out of the app's initial bundle.
 */

function useChartColors() {
  const theme = useTheme();
  return {
    line: theme.palette.primary.main,
    secondary: theme.palette.secondary.main,
    grid: theme.palette.divider,
    text: theme.palette.text.secondary,
    tooltip: {
      backgroundColor: theme.palette.background.paper,
      border: `1px solid ${theme.palette.divider}`,
      color: theme.palette.text.primary,
    },
  };
}

/**
 * A full-width chart of the theme's colours: a dashed grid, the x axis on
 * `x.dataKey`, the y axis and a tooltip, then the series (`children`).
 */
function CartesianFrame(props: {
  chart: typeof LineChart | typeof BarChart;
  data: object[];
  height: number;
  x: Pick<XAxisProps, 'dataKey' | 'minTickGap'>;
  y: Pick<YAxisProps, 'domain' | 'width' | 'unit' | 'allowDecimals'>;
  children: ReactNode;
}) {
  const { chart: Chart, data, height, x, y, children } = props;
  const colors = useChartColors();
  const tick = { fill: colors.text, fontSize: 12 };
  return (
    <ResponsiveContainer width="100%" height={height}>
      <Chart data={data} margin={{ top: 8, right: 16, bottom: 0, left: 0 }}>
        <CartesianGrid stroke={colors.grid} strokeDasharray="3 3" />
        <XAxis tick={tick} {...x} />
        <YAxis tick={tick} {...y} />
        <Tooltip contentStyle={colors.tooltip} />
        {children}
      </Chart>
    </ResponsiveContainer>
  );
}

/** Score (and coverage) per day. */
export function TrendChart(props: {
  points: Array<{ day: string; score: number | null; coverage: number }>;
  height?: number;
}) {
  const colors = useChartColors();
  const data = props.points.map(p => ({
    day: p.day,
    score: p.score === null ? null : Math.round(p.score * 10) / 10,
    coverage: Math.round(p.coverage * 1000) / 10,
  }));
  return (
    <CartesianFrame
      chart={LineChart}
      data={data}
      height={props.height ?? 240}
      x={{ dataKey: 'day', minTickGap: 24 }}
      y={{ domain: [0, 100], width: 36 }}
    >
      <Line
        type="monotone"
        dataKey="score"
        name="Score"
        stroke={colors.line}
        strokeWidth={2}
        dot={false}
        connectNulls
        isAnimationActive={false}
      />
      <Line
        type="monotone"
        dataKey="coverage"
        name="Coverage %"
        stroke={colors.secondary}
        strokeDasharray="4 4"
        dot={false}
        isAnimationActive={false}
      />
    </CartesianFrame>
  );
}

/** Median CI run duration per day, in seconds (days without runs left out). */
export function DurationChart(props: {
  series: Array<{ day: string; p50DurationSeconds: number }>;
  height?: number;
}) {
  const colors = useChartColors();
  return (
    <CartesianFrame
      chart={BarChart}
      data={props.series}
      height={props.height ?? 180}
      x={{ dataKey: 'day', minTickGap: 24 }}
      y={{ width: 40, unit: 's' }}
    >
      <Bar
        dataKey="p50DurationSeconds"
        name="Median duration (s)"
        fill={colors.line}
        isAnimationActive={false}
      />
    </CartesianFrame>
  );
}

/** CI runs per day: passed, failed and flaky (stacked). */
export function OutcomeChart(props: {
  series: Array<{ day: string; passed: number; failed: number; flaky: number }>;
  height?: number;
}) {
  const colors = useChartColors();
  const theme = useTheme();
  return (
    <CartesianFrame
      chart={BarChart}
      data={props.series}
      height={props.height ?? 180}
      x={{ dataKey: 'day', minTickGap: 24 }}
      y={{ allowDecimals: false, width: 32 }}
    >
      <Bar
        dataKey="passed"
        name="Passed"
        stackId="runs"
        fill={theme.palette.success?.main ?? colors.line}
        isAnimationActive={false}
      />
      <Bar
        dataKey="failed"
        name="Failed"
        stackId="runs"
        fill={theme.palette.error.main}
        isAnimationActive={false}
      />
      <Bar
        dataKey="flaky"
        name="Flaky (passed after a failure)"
        fill={theme.palette.warning?.main ?? colors.secondary}
        isAnimationActive={false}
      />
    </CartesianFrame>
  );
}

/** Entities per score bucket. */
export function DistributionChart(props: {
  distribution: Array<{ bucket: string; count: number }>;
  height?: number;
}) {
  const colors = useChartColors();
  return (
    <CartesianFrame
      chart={BarChart}
      data={props.distribution}
      height={props.height ?? 200}
      x={{ dataKey: 'bucket' }}
      y={{ allowDecimals: false, width: 32 }}
    >
      <Bar
        dataKey="count"
        name="Entities"
        fill={colors.line}
        isAnimationActive={false}
      />
    </CartesianFrame>
  );
}
