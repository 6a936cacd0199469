// Figures the dashboard reads that are too costly to count on every view.

/** An agency's live function grants beyond its workers' job templates, as last counted. */
export interface BeyondTemplateCountsTable {
  agency_id: string;
  counted_at: string;
  /** Live function grants on accounts not end-dated: everything counted. */
  live_grants: number;
  beyond_grants: number;
  /** Workers holding at least one grant beyond their template. */
  beyond_workers: number;
  /** JSON list of the functions most held beyond template: `[{ id, count }]`, most first. */
  by_function: string;
  /** JSON list of the units whose workers hold the most beyond template: `[{ id, count }]`. */
  by_unit: string;
}

export interface DashboardTables {
  beyond_template_counts: BeyondTemplateCountsTable;
}
