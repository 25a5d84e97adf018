/** Values of the Witness HTTP API v1 (docs/api.md). Times are ISO-8601 UTC strings unless named `t`/`*Ms`. */

export type RecordingSource = 'live' | 'import';

export interface RecordingSummary {
  id: string;
  siteId: string;
  source: RecordingSource;
  startedAt: string;
  endedAt: string;
  durationMs: number;
  activeMs: number;
  eventCount: number;
  pageCount: number;
  clickCount: number;
  errorCount: number;
  firstUrl: string;
  viewportWidth: number;
  viewportHeight: number;
}

/** `t` is milliseconds since the recording's first event. */
export interface PageVisit { t: number; url: string }
export interface Click { t: number; x: number; y: number; selector: string }
export interface ConsoleError { t: number; message: string }
export interface InputChange { t: number; selector: string }
export interface Viewport { t: number; width: number; height: number }

export interface RecordingDetail extends RecordingSummary {
  pages: PageVisit[];
  clicks: Click[];
  errors: ConsoleError[];
  inputs: InputChange[];
  viewports: Viewport[];
}

export interface RecordingPage {
  items: RecordingSummary[];
  nextCursor: string | null;
}

export interface Session {
  username: string;
  csrfToken: string;
}

/** RFC 9457 problem details, as every 4xx/5xx of the appliance carries. */
export interface Problem {
  type: string;
  title: string;
  status: number;
  detail?: string;
  instance?: string;
  violations?: { field: string; message: string }[];
}
