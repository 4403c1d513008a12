/**
 * Records as the national platform APIs send them (sandbox/API.md): the sandbox produces them, the subgraphs read
 * them. One definition, so the simulator and its clients cannot drift apart.
 */

export type DossierStatus =
  | "RECEIVED"
  | "PROCESSING"
  | "SUPPLEMENT_REQUESTED"
  | "PAYMENT_PENDING"
  | "RESOLVED"
  | "RETURNED"
  | "REJECTED"
  | "WITHDRAWN";

export type DossierChannel = "ONLINE" | "DIRECT" | "POSTAL";

export interface DossierEventRecord {
  at: string;
  status: DossierStatus;
  note: string;
}

export interface DossierRecord {
  code: string;
  status: DossierStatus;
  procedureCode: string;
  applicant: { kind: "CITIZEN" | "ENTERPRISE"; id: string };
  channel: DossierChannel;
  provinceCode: string;
  communeCode: string | null;
  receivedAt: string;
  dueAt: string;
  resolvedAt: string | null;
  onTime: boolean | null;
  overdue: boolean;
  digitized: boolean;
  history: DossierEventRecord[];
}

export const SERVICE_INDEX_GROUPS = [
  "TRANSPARENCY",
  "PROGRESS",
  "DIGITISATION",
  "ONLINE_SERVICE",
  "SATISFACTION",
] as const;

export interface ServiceIndexRecord {
  year: number;
  unitCode: string;
  unitName: string;
  score: number;
  rank: number;
  of: number;
  components: { group: (typeof SERVICE_INDEX_GROUPS)[number]; score: number; maxScore: number }[];
}
