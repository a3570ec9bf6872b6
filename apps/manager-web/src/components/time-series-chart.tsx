import { useEffect, useRef } from "react";
import uPlot from "uplot";
import "uplot/dist/uPlot.min.css";

/** One line of a chart. */
export interface ChartLine {
  label: string;
  values: (number | null)[];
  /** a CSS colour; the page's palette keeps them apart for colour-blind readers too (solid vs dashed) */
  color: string;
  isDashed?: boolean;
}

const chartHeight = 180;

/**
 * A time series drawn by uPlot (small, fast, canvas): the times in seconds, one or more lines over them, as wide as its
 * container (a phone too). A chart is an image to a screen reader; `summary` says in words what it shows.
 */
export function TimeSeriesChart(props: {
  title: string;
  summary: string;
  times: number[];
  lines: ChartLine[];
  /** the y axis's values as read: "12 ms", "3/min" */
  formatValue: (value: number) => string;
  testId?: string;
}) {
  const container = useRef<HTMLDivElement>(null);
  const chart = useRef<uPlot | null>(null);
  const { title, times, lines, formatValue } = props;
  const shape = lines.map((line) => `${line.label}:${line.color}:${line.isDashed ?? false}`).join("|");

  // Made again only when the lines' kind changes (`shape`: their labels and colours); new values only update it.
  useEffect(() => {
    const element = container.current;
    if (element === null) return;
    const made = new uPlot(
      {
        width: Math.max(element.clientWidth, 200),
        height: chartHeight,
        legend: { show: true, live: false },
        cursor: { drag: { x: false, y: false } },
        scales: { y: { range: (_chart, min, max) => [Math.min(0, min), Math.max(1, max * 1.1)] } },
        axes: [{}, { values: (_chart, ticks) => ticks.map((tick) => formatValue(tick)), size: 60 }],
        series: [
          {},
          ...lines.map((line) => ({
            label: line.label,
            stroke: line.color,
            width: 2,
            ...(line.isDashed ? { dash: [6, 4] } : {}),
            spanGaps: false,
          })),
        ],
      },
      [times, ...lines.map((line) => line.values)] as uPlot.AlignedData,
      element,
    );
    chart.current = made;
    const resize = new ResizeObserver(() =>
      made.setSize({ width: Math.max(element.clientWidth, 200), height: chartHeight }),
    );
    resize.observe(element);
    return () => {
      resize.disconnect();
      made.destroy();
      chart.current = null;
    };
  }, [shape]);

  useEffect(() => {
    chart.current?.setData([times, ...lines.map((line) => line.values)] as uPlot.AlignedData);
  }, [times, lines]);

  return (
    <figure className="chart" data-testid={props.testId}>
      <figcaption>{title}</figcaption>
      <div ref={container} role="img" aria-label={`${title}: ${props.summary}`} />
    </figure>
  );
}
