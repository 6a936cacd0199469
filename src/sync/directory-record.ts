/** One worker as a directory source sees it; the reconcile engine diffs these against Gatehouse. */
export interface DirectoryRecord {
  externalId: string;
  loginId: string;
  firstName: string;
  lastName: string;
  email: string | null;
  unitCode: string | null;
  jobType: string | null;
  supervisorExternalId: string | null;
  enabled: boolean;
  hireDate: string | null;
  terminationDate: string | null;
}
export interface DirectoryProblem { ref: string; reason: string; }
