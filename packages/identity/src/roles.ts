/** viewer: read dashboards; operator: act on alerts, request commands; approver: approve risky
 * commands; admin: manage users, keys, agents; auditor: read the full audit trail. */
export const ROLES = ['viewer', 'operator', 'approver', 'admin', 'auditor'] as const;
export type Role = (typeof ROLES)[number];

export const isRole = (value: unknown): value is Role =>
  typeof value === 'string' && (ROLES as readonly string[]).includes(value);
