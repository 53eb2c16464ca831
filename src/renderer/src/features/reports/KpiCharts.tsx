import { AxisBottom } from '@visx/axis';
import { Group } from '@visx/group';
import { scaleBand, scaleLinear } from '@visx/scale';
import { Bar } from '@visx/shape';
import { Text } from '@visx/text';
import { useId } from 'react';
import { useTranslation } from 'react-i18next';
import { clip, formatCount, formatRate, type CountRow, type Language } from './reportsModel';

const LABEL_WIDTH = 200;
const BAR_WIDTH = 380;
const COUNT_WIDTH = 64;
const ROW_HEIGHT = 28;
const TOP = 6;
const AXIS_HEIGHT = 26;
const WIDTH = LABEL_WIDTH + BAR_WIDTH + COUNT_WIDTH;
/** Characters of a label that fit in the label column (the full label is in the title and the table). */
const LABEL_CHARS = 30;
const BAR = '#0b5cad';
const TEXT = '#1b1f24';
const AXIS = '#4a525c';

/**
 * Calls by category (call type or triage result), most first: a bar chart with each bar's label
 * and count written next to it, a summary for screen readers, and the same numbers as a table in
 * an "As a table" disclosure.
 */
export function CountChart({
  rows,
  label,
  caption,
  column,
  empty,
  language,
  testId,
}: {
  rows: readonly CountRow[];
  /** The chart's accessible name. */
  label: string;
  caption: string;
  /** The table's first column: what is counted. */
  column: string;
  /** Said instead of the chart when nothing is counted. */
  empty: string;
  language: Language;
  testId: string;
}) {
  const { t } = useTranslation();
  const id = useId();
  const total = rows.reduce((sum, row) => sum + row.count, 0);
  if (rows.length === 0 || total === 0)
    return (
      <p className="reports-chart-empty" data-testid={`${testId}-empty`}>
        {empty}
      </p>
    );

  const count = (value: number): string => formatCount(value, language);
  const share = (value: number): string => formatRate(value, language);
  const max = Math.max(...rows.map((row) => row.count));
  const height = TOP + rows.length * ROW_HEIGHT + AXIS_HEIGHT;
  const yScale = scaleBand<string>({
    domain: rows.map((row) => row.value),
    range: [0, rows.length * ROW_HEIGHT],
    padding: 0.25,
  });
  const xScale = scaleLinear<number>({ domain: [0, max], range: [0, BAR_WIDTH], nice: true });
  const ticks = xScale.ticks(Math.min(5, max)).filter((tick) => Number.isInteger(tick));
  const top = rows[0];

  return (
    <div className="reports-chart">
      <svg
        role="img"
        aria-label={label}
        aria-describedby={`${id}-summary`}
        data-testid={testId}
        className="reports-bar-svg"
        viewBox={`0 0 ${WIDTH} ${height}`}
        width={WIDTH}
        height={height}
      >
        <Group top={TOP} left={LABEL_WIDTH}>
          {rows.map((row) => {
            const y = yScale(row.value) ?? 0;
            const barWidth = xScale(row.count);
            return (
              <g key={row.value}>
                <title>
                  {t('reports.chart.bar', {
                    count: row.count,
                    label: row.label,
                    value: count(row.count),
                    share: share(row.share),
                  })}
                </title>
                <Text
                  x={-8}
                  y={y + yScale.bandwidth() / 2}
                  textAnchor="end"
                  verticalAnchor="middle"
                  fontSize={12}
                  fill={TEXT}
                >
                  {clip(row.label, LABEL_CHARS)}
                </Text>
                <Bar x={0} y={y} width={barWidth} height={yScale.bandwidth()} fill={BAR} />
                <Text x={barWidth + 6} y={y + yScale.bandwidth() / 2} verticalAnchor="middle" fontSize={12} fill={TEXT}>
                  {count(row.count)}
                </Text>
              </g>
            );
          })}
          <AxisBottom
            scale={xScale}
            top={rows.length * ROW_HEIGHT}
            tickValues={ticks}
            tickFormat={(value) => count(Number(value))}
            stroke={AXIS}
            tickStroke={AXIS}
            tickLabelProps={{ fill: TEXT, fontSize: 11, textAnchor: 'middle' }}
          />
        </Group>
      </svg>
      <p id={`${id}-summary`} className="reports-chart-summary">
        {top &&
          t('reports.chart.summary', {
            top: top.label,
            value: count(top.count),
            total: count(total),
            categories: count(rows.length),
          })}
      </p>
      <details className="reports-details">
        <summary>{t('reports.chart.asTable')}</summary>
        <table className="reports-table" data-testid={`${testId}-table`}>
          <caption>{caption}</caption>
          <thead>
            <tr>
              <th scope="col">{column}</th>
              <th scope="col" className="reports-number">
                {t('reports.chart.count')}
              </th>
              <th scope="col" className="reports-number">
                {t('reports.chart.share')}
              </th>
            </tr>
          </thead>
          <tbody>
            {rows.map((row) => (
              <tr key={row.value}>
                <th scope="row">{row.label}</th>
                <td className="reports-number">{count(row.count)}</td>
                <td className="reports-number">{share(row.share)}</td>
              </tr>
            ))}
          </tbody>
        </table>
      </details>
    </div>
  );
}
