/** What a scenario hands the report: tables whose rows are one system (or size) each. */

export type Cell = number | string | null;

export interface Column {
  key: string;
  label: string;
  /** How the markdown prints the number. */
  format?: 'int' | 'ms' | 'ratio' | 'percent' | 'kb' | 'text' | 'mb';
}

export interface Table {
  /** A line above the table, when a scenario has several. */
  caption?: string;
  columns: Column[];
  rows: Record<string, Cell>[];
}

export interface ScenarioResult {
  id: string;
  title: string;
  /** What was run, in a sentence or two (sizes, durations, concurrency). */
  setup: string;
  tables: Table[];
  /** How to read the tables, what was checked, what went wrong. */
  notes: string[];
  /**
   * Measurements another scenario may repeat under the same name and load: the report shows those
   * measured twice side by side, as a measure of this run's noise.
   */
  repeats?: Record<string, number>;
  /** Everything measured, for the JSON (not printed in markdown). */
  details?: unknown;
  skipped?: string;
}
