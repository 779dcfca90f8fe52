import { createReadStream, createWriteStream, existsSync } from 'node:fs';
import { basename, resolve } from 'node:path';
import { once } from 'node:events';
import { loadConfig } from '../../config.ts';
import { openStore } from '../../store/open.ts';
import { systemClock } from '../../context.ts';
import { databaseOptions, parseCommandArgs, UsageError } from '../args.ts';
import { parseMapSpec } from '../../crm/import/mapping.ts';
import { csvRow, CsvFormatError, UTF8_BOM, type CsvSource } from '../../crm/import/csv.ts';
import { allRowReports, createImportJob, ImportSetupError, ON_EXISTING, recoverInterruptedImports, type ImportJobView, type ImportOptionsInput } from '../../crm/import/jobs.ts';
import { runImport } from '../../crm/import/run.ts';
import { formatProblem } from '../../crm/import/rows.ts';

export const help = `charla import contacts <file.csv> — import contacts from a CSV file

Options:
  --default-country CC       country for numbers written without "+" (e.g. ES, MX, AR)
  --map "H=target,…"         column mapping, e.g. "Teléfono=phone,Nombre=name,Plan=field.plan";
                             columns not named keep the suggested target (map to "ignore" to leave one out)
  --dry-run                  report what each row would do; change nothing
  --on-existing MODE         update (default: non-empty cells overwrite), fill (only empty attributes), skip
  --consent-evidence TEXT    consent text for consent columns when a row has none
  --default-kind KIND        lead | customer | supplier | unknown, for new contacts without a kind
  --delimiter D              , ; tab or | (default: detected from the header line)
  --report FILE              where to write all rejected rows (default: <file>.rejected.csv)
  --data-dir DIR [CHARLA_DATA_DIR], --database-url URL [DATABASE_URL]

Rejected rows are listed at the end (the first 20) and written in full to the report file.
See docs/import-export.md for targets and formats.
`;

const options = {
  ...databaseOptions,
  'default-country': { type: 'string' },
  map: { type: 'string' },
  'dry-run': { type: 'boolean' },
  'on-existing': { type: 'string' },
  'consent-evidence': { type: 'string' },
  'default-kind': { type: 'string' },
  delimiter: { type: 'string' },
  report: { type: 'string' },
} as const;

function bar(job: ImportJobView, startedAt: number, width = 30): string {
  const total = Math.max(job.totalRows, 1);
  const filled = Math.round((Math.min(job.processedRows, total) / total) * width);
  const seconds = (Date.now() - startedAt) / 1000;
  const rate = seconds > 0 ? Math.round(job.processedRows / seconds) : 0;
  return `[${'#'.repeat(filled)}${'-'.repeat(width - filled)}] ${job.processedRows}/${job.totalRows} rows ${job.percent}% · ${rate} rows/s · ` +
    `${job.created} new, ${job.updated} updated, ${job.skipped} skipped, ${job.rejected} rejected`;
}

export async function run(argv: string[]): Promise<void> {
  const { values, positionals } = parseCommandArgs('import', argv, options);
  if (values.help) return void console.log(help);
  const [what, file] = positionals;
  if (what !== 'contacts' || !file) throw new UsageError('Usage: charla import contacts <file.csv> [options]. Run `charla import --help` for the options.');
  if (!existsSync(file)) throw new UsageError(`There is no file ${file}.`);
  const onExisting = values['on-existing'];
  if (onExisting !== undefined && !(ON_EXISTING as readonly string[]).includes(onExisting)) {
    throw new UsageError(`--on-existing must be one of ${ON_EXISTING.join(', ')}.`);
  }
  let mapping: Record<string, string> | undefined;
  if (values.map !== undefined) {
    const m = parseMapSpec(values.map);
    if (!m.ok) throw new UsageError(`--map: ${m.message}`);
    mapping = m.mapping;
  }
  const delimiter = values.delimiter === 'tab' ? '\t' : values.delimiter;
  const input: ImportOptionsInput = {
    mapping,
    defaultCountry: values['default-country'],
    dryRun: values['dry-run'] === true,
    onExisting: onExisting as ImportOptionsInput['onExisting'],
    consentEvidence: values['consent-evidence'],
    defaultKind: values['default-kind'] as ImportOptionsInput['defaultKind'],
    delimiter: delimiter as ImportOptionsInput['delimiter'],
  };

  const config = loadConfig(process.env, { 'data-dir': values['data-dir'], 'database-url': values['database-url'] });
  const opened = await openStore(config, 'charla import');
  const deps = { store: opened.store, clock: systemClock };
  const source: CsvSource = () => createReadStream(file);
  try {
    // The embedded database is ours alone now: any job still "running" there belonged to a dead process.
    await recoverInterruptedImports(deps);
    let job;
    try {
      job = await createImportJob(deps, source, { fileName: basename(file), options: input });
    } catch (err) {
      if (err instanceof ImportSetupError) throw new UsageError(`Cannot import ${file}:\n${err.problems.map((p) => `  - ${p}`).join('\n')}`);
      if (err instanceof CsvFormatError) throw new UsageError(err.message);
      throw err;
    }
    const mapped = Object.entries((job.options as { mapping: Record<string, string> }).mapping);
    console.log(`Import ${job.id}${job.dryRun ? ' (dry run: nothing will be changed)' : ''}`);
    console.log(`Columns: ${mapped.map(([h, t]) => `${h} → ${t}`).join(', ')}`);

    const tty = process.stderr.isTTY === true;
    const startedAt = Date.now();
    let lastLine = 0;
    const final = await runImport(deps, job.id, source, {
      onProgress: (p) => {
        if (tty) process.stderr.write(`\r${bar(p, startedAt)}\x1b[K`);
        else if (Date.now() - lastLine > 2000 || p.state === 'done' || p.state === 'failed') {
          // Logs and pipes get a line every few seconds instead of carriage returns.
          lastLine = Date.now();
          process.stderr.write(`${bar(p, startedAt)}\n`);
        }
      },
    });
    if (tty) process.stderr.write('\n');
    const seconds = ((Date.now() - startedAt) / 1000).toFixed(1);
    if (final.state === 'failed') throw new Error(final.error ?? 'The import failed.');
    console.log(
      `${final.dryRun ? 'Dry run' : 'Import'} finished in ${seconds} s: ${final.processedRows} rows — ${final.created} ${final.dryRun ? 'to create' : 'created'}, ` +
        `${final.updated} ${final.dryRun ? 'to update' : 'updated'}, ${final.skipped} skipped, ${final.rejected} rejected.`,
    );
    if (final.rejected > 0) {
      const reportPath = resolve(values.report ?? `${file.replace(/\.csv$/i, '')}.rejected.csv`);
      const out = createWriteStream(reportPath);
      out.write(UTF8_BOM + csvRow(['row', 'column', 'value', 'reason']));
      const shown: string[] = [];
      for await (const r of allRowReports(opened.store.db, job.id, 'rejected')) {
        if (shown.length < 20) shown.push(formatProblem(r.row, { column: r.column, value: r.value, reason: r.reason ?? '' }));
        if (!out.write(csvRow([r.row, r.column, r.value, r.reason]))) await once(out, 'drain');
      }
      out.end();
      await once(out, 'finish');
      console.log(`\nRejected rows${final.rejected > 20 ? ' (first 20)' : ''}:`);
      for (const line of shown) console.log(`  ${line}`);
      console.log(`\nAll rejected rows: ${reportPath}`);
    }
  } finally {
    await opened.close();
  }
}
