import { AxisLeft, AxisTop } from '@visx/axis';
import { Group } from '@visx/group';
import { HeatmapRect } from '@visx/heatmap';
import { scaleBand } from '@visx/scale';
import { useId, useMemo } from 'react';
import { useTranslation } from 'react-i18next';
import {
  formatCount,
  heatColour,
  heatLegend,
  heatLevel,
  heatMapTable,
  heatTextColour,
  weekdayNames,
  type Language,
} from './reportsModel';

const CELL_WIDTH = 30;
const CELL_HEIGHT = 26;
const GAP = 2;
const LEFT = 44;
const TOP = 26;
const RIGHT = 4;
const BOTTOM = 4;
const WIDTH = LEFT + 24 * CELL_WIDTH + RIGHT;
const HEIGHT = TOP + 7 * CELL_HEIGHT + BOTTOM;
/** Counts are written in the cells while they fit (four digits at most). */
const MAX_WRITTEN = 9_999;
const TEXT = '#1b1f24';
const OUTLINE = '#8a929c';

const HOURS = Array.from({ length: 24 }, (_, hour) => hour);

type Bin = { weekday: number; count: number };
type Column = { hour: number; bins: Bin[] };

/**
 * Calls offered by weekday (rows, Monday to Sunday) and hour (columns, 0 to 23), German time: an
 * SVG heat map for the eye (counts in the cells and in each cell's title), a summary for screen
 * readers, the colour legend, and the same numbers as a table under it.
 */
export function HeatMap({ heatMap, language }: { heatMap: readonly (readonly number[])[]; language: Language }) {
  const { t } = useTranslation();
  const id = useId();
  const table = useMemo(() => heatMapTable(heatMap), [heatMap]);
  const longDays = useMemo(() => weekdayNames(language, 'long'), [language]);
  const shortDays = useMemo(() => weekdayNames(language, 'short'), [language]);
  const count = (value: number): string => formatCount(value, language);
  const hourText = (hour: number): string => t('reports.heatmap.hour', { hour, next: hour + 1 });

  const columns: Column[] = HOURS.map((hour) => ({
    hour,
    bins: table.rows.map((row) => ({ weekday: row.weekday, count: row.counts[hour] ?? 0 })),
  }));
  const hourScale = scaleBand<number>({ domain: HOURS, range: [0, 24 * CELL_WIDTH] });
  const dayScale = scaleBand<string>({ domain: shortDays, range: [0, 7 * CELL_HEIGHT] });
  const written = table.max <= MAX_WRITTEN;
  const legend = heatLegend(table.max);
  const busiest = table.busiest;
  const summary = busiest
    ? t('reports.heatmap.summary', {
        total: count(table.total),
        weekday: longDays[busiest.weekday] ?? '',
        hour: hourText(busiest.hour),
        value: count(busiest.count),
      })
    : t('reports.heatmap.summaryEmpty');

  return (
    <div className="reports-chart reports-heatmap">
      <svg
        role="img"
        aria-label={t('reports.heatmap.label')}
        aria-describedby={`${id}-summary`}
        data-testid="kpi-heatmap"
        className="reports-heatmap-svg"
        viewBox={`0 0 ${WIDTH} ${HEIGHT}`}
        width={WIDTH}
        height={HEIGHT}
      >
        <AxisTop
          scale={hourScale}
          numTicks={HOURS.length}
          top={TOP - 2}
          left={LEFT}
          hideTicks
          hideAxisLine
          tickFormat={(hour) => String(hour)}
          tickLabelProps={{ fill: TEXT, fontSize: 11, textAnchor: 'middle' }}
        />
        <AxisLeft
          scale={dayScale}
          numTicks={7}
          top={TOP}
          left={LEFT - 4}
          hideTicks
          hideAxisLine
          tickLabelProps={{ fill: TEXT, fontSize: 11, textAnchor: 'end', verticalAnchor: 'middle' }}
        />
        <Group top={TOP} left={LEFT}>
          <HeatmapRect<Column, Bin>
            data={columns}
            xScale={(column) => column * CELL_WIDTH}
            yScale={(row) => row * CELL_HEIGHT}
            binWidth={CELL_WIDTH}
            binHeight={CELL_HEIGHT}
            gap={GAP}
            count={(bin) => bin.count}
            bins={(column) => column.bins}
          >
            {(cells) =>
              cells.flat().map((cell) => {
                const value = cell.bin.count;
                const level = heatLevel(value, table.max);
                return (
                  <g key={`${cell.row}-${cell.column}`} className="reports-heatmap-cell">
                    <title>
                      {t('reports.heatmap.cell', {
                        count: value,
                        weekday: longDays[cell.bin.weekday] ?? '',
                        hour: hourText(cell.datum.hour),
                        value: count(value),
                      })}
                    </title>
                    <rect
                      x={cell.x}
                      y={cell.y}
                      width={cell.width}
                      height={cell.height}
                      fill={heatColour(value, table.max)}
                      stroke={level === 0 ? OUTLINE : 'none'}
                      strokeWidth={level === 0 ? 0.75 : 0}
                    />
                    {written && value > 0 && (
                      <text
                        x={cell.x + cell.width / 2}
                        y={cell.y + cell.height / 2}
                        dy="0.35em"
                        textAnchor="middle"
                        fontSize={value >= 1000 ? 8.5 : 10.5}
                        fill={heatTextColour(level)}
                      >
                        {count(value)}
                      </text>
                    )}
                  </g>
                );
              })
            }
          </HeatmapRect>
        </Group>
      </svg>
      <p id={`${id}-summary`} className="reports-chart-summary">
        {summary}
      </p>
      <div className="reports-legend">
        <span id={`${id}-legend`} className="reports-legend-title">
          {t('reports.heatmap.legend')}
        </span>
        <ul aria-labelledby={`${id}-legend`}>
          {legend.map((entry) => (
            <li key={entry.level}>
              <svg width="16" height="16" aria-hidden="true" focusable="false">
                <rect
                  x="0.5"
                  y="0.5"
                  width="15"
                  height="15"
                  fill={entry.colour}
                  stroke={entry.level === 0 ? OUTLINE : entry.colour}
                />
              </svg>
              {entry.from === entry.to
                ? count(entry.from)
                : t('reports.heatmap.legendRange', { from: count(entry.from), to: count(entry.to) })}
            </li>
          ))}
        </ul>
      </div>
      <div
        className="reports-table-scroll"
        role="region"
        aria-labelledby={`${id}-caption`}
        // Scrolls sideways in a narrow window: keyboard users reach it with Tab and scroll with the arrows.
        tabIndex={0}
      >
        <table className="reports-table reports-heatmap-table" data-testid="kpi-heatmap-table">
          <caption id={`${id}-caption`}>{t('reports.heatmap.caption')}</caption>
          <thead>
            <tr>
              <th scope="col">{t('reports.heatmap.weekday')}</th>
              {HOURS.map((hour) => (
                <th key={hour} scope="col" className="reports-number">
                  <span aria-hidden="true">{hour}</span>
                  <span className="visually-hidden">{hourText(hour)}</span>
                </th>
              ))}
              <th scope="col" className="reports-number">
                {t('reports.heatmap.total')}
              </th>
            </tr>
          </thead>
          <tbody>
            {table.rows.map((row) => (
              <tr key={row.weekday}>
                <th scope="row">{longDays[row.weekday]}</th>
                {row.counts.map((value, hour) => (
                  <td key={hour} className="reports-number">
                    {count(value)}
                  </td>
                ))}
                <td className="reports-number reports-total">{count(row.total)}</td>
              </tr>
            ))}
          </tbody>
          <tfoot>
            <tr>
              <th scope="row">{t('reports.heatmap.total')}</th>
              {table.hourTotals.map((value, hour) => (
                <td key={hour} className="reports-number">
                  {count(value)}
                </td>
              ))}
              <td className="reports-number reports-total">{count(table.total)}</td>
            </tr>
          </tfoot>
        </table>
      </div>
    </div>
  );
}
