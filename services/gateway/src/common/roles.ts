import type { Role } from '@nagare/identity';

/** "read" in docs/api.md: every role may read the operational views. */
export const READ: Role[] = ['viewer', 'operator', 'approver', 'admin', 'auditor'];
/** Operator rights: approvers and admins include them; auditors never write. */
export const WRITE: Role[] = ['operator', 'approver', 'admin'];
export const APPROVE: Role[] = ['approver', 'admin'];
/** Command output and audit detail: not for viewers. */
export const OUTPUT: Role[] = ['operator', 'approver', 'admin', 'auditor'];
export const AUDIT: Role[] = ['auditor', 'admin'];
export const ADMIN: Role[] = ['admin'];
