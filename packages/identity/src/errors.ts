export type IdentityErrorCode =
  | 'invalid_username'
  | 'username_taken'
  | 'weak_password'
  | 'invalid_role'
  | 'not_found'
  | 'last_admin'
  | 'invalid_schema_name'
  | 'invalid_argument';

/** A refused identity operation the caller can map to a client error. */
export class IdentityError extends Error {
  constructor(
    readonly code: IdentityErrorCode,
    message: string,
  ) {
    super(message);
    this.name = 'IdentityError';
  }
}
