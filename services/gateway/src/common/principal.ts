import type { Role } from '@nagare/identity';

/** Who is calling: a person with a session, or an automation key. */
export type Principal =
  | {
      kind: 'user';
      id: string;
      username: string;
      role: Role;
      sessionId: string;
      tokenId: string;
      mustChangePassword: boolean;
    }
  | { kind: 'api_key'; id: string; name: string; role: Role };

export interface AuthenticatedRequest {
  principal?: Principal;
}
