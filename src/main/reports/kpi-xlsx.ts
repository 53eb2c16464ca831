import { randomBytes } from 'node:crypto';
import { createWriteStream } from 'node:fs';
import { rename, rm } from 'node:fs/promises';
import { basename, dirname, join } from 'node:path';
import type { KpiFigures, KpiReport } from '../../shared/contract/reports';
import { XlsxWriter, type XlsxColumn } from './xlsx/write';

/**
 * The KPI report as a workbook for team leads (German, as the hotline works): the figures per
 * agent and in total, calls per weekday and hour, call types, triage results, and where the calls
 * came from. Written beside the target and renamed into place when complete.
 */

const WEEKDAYS = ['Montag', 'Dienstag', 'Mittwoch', 'Donnerstag', 'Freitag', 'Samstag', 'Sonntag'];

const FIGURE_COLUMNS: XlsxColumn[] = [
  { key: 'agent', header: 'Agent', type: 'text', width: 16 },
  { key: 'offered', header: 'Angeboten', type: 'integer' },
  { key: 'answered', header: 'Angenommen', type: 'integer' },
  { key: 'missed', header: 'Verpasst', type: 'integer' },
  { key: 'rejected', header: 'Abgewiesen', type: 'integer' },
  { key: 'answerRate', header: 'Annahmequote', type: 'percent' },
  { key: 'placed', header: 'Ausgehend', type: 'integer' },
  { key: 'handle', header: 'Ø Bearbeitungszeit', type: 'duration' },
  { key: 'ring', header: 'Ø Klingelzeit', type: 'duration' },
];

function figureRow(agent: string, figures: KpiFigures): Record<string, string | number | null> {
  return {
    agent,
    offered: figures.offered,
    answered: figures.answered,
    missed: figures.missed,
    rejected: figures.rejected,
    answerRate: figures.answerRate,
    placed: figures.placed,
    handle: figures.averageHandleSeconds,
    ring: figures.averageRingSeconds,
  };
}

async function writeWorkbook(xlsx: XlsxWriter, report: KpiReport): Promise<void> {
  xlsx.startSheet('Kennzahlen', FIGURE_COLUMNS);
  await xlsx.addRows([
    figureRow('Gesamt', report.total),
    ...report.agents.map((entry) => figureRow(entry.agent ?? '(ohne Agentenkennung)', entry.figures)),
  ]);
  await xlsx.endSheet();

  xlsx.startSheet('Anrufe je Stunde', [
    { key: 'day', header: 'Wochentag', type: 'text', width: 12 },
    ...Array.from({ length: 24 }, (_, hour) => ({
      key: `h${hour}`,
      header: `${String(hour).padStart(2, '0')} Uhr`,
      type: 'integer' as const,
      width: 7,
    })),
  ]);
  await xlsx.addRows(report.total.heatMap.map((hours, day) => [WEEKDAYS[day] ?? String(day), ...hours]));
  await xlsx.endSheet();

  for (const [sheet, counts, labels] of [
    ['Anrufarten', report.total.dispositions, report.labels.dispositions],
    ['Triage', report.total.triage, report.labels.triage],
  ] as const) {
    xlsx.startSheet(sheet, [
      { key: 'value', header: 'Code', type: 'text', width: 20 },
      { key: 'label', header: 'Bezeichnung', type: 'text', width: 36 },
      { key: 'count', header: 'Anrufe', type: 'integer' },
    ]);
    await xlsx.addRows(counts.map((entry) => [entry.value, labels[entry.value]?.de ?? null, entry.count]));
    await xlsx.endSheet();
  }

  xlsx.startSheet('Quellen', [
    { key: 'installation', header: 'Installation', type: 'text', width: 40 },
    { key: 'calls', header: 'Anrufe', type: 'integer' },
  ]);
  await xlsx.addRows([
    ...report.sources.map((source) => [source.installationId, source.calls]),
    ['Dubletten entfernt', report.duplicatesRemoved],
  ]);
  await xlsx.endSheet();
}

/** Writes the report to `target` (a temporary file renamed into place: never a partial file). */
export async function writeKpiWorkbook(report: KpiReport, target: string): Promise<void> {
  const temporary = join(dirname(target), `.${basename(target)}.${randomBytes(6).toString('hex')}.part`);
  const out = createWriteStream(temporary, { flags: 'wx', mode: 0o600 });
  const xlsx = new XlsxWriter(out, {
    properties: {
      'hotline-desk-kpi': '1',
      from: report.range.from,
      to: report.range.to,
    },
    title: `Hotline Desk – Kennzahlen ${report.range.from} bis ${report.range.to}`,
  });
  try {
    await writeWorkbook(xlsx, report);
    await xlsx.finish();
    await rename(temporary, target);
  } catch (error) {
    xlsx.abort(error instanceof Error ? error : new Error(String(error)));
    out.destroy();
    await rm(temporary, { force: true });
    throw error;
  }
}
