import type { SessionUser } from './db/users';

/** Bindings come from `wrangler types` (worker/worker-configuration.d.ts). */
export interface AppEnv {
  Bindings: Env;
  Variables: {
    /** The signed-in user, or null for a guest. Set by the session middleware. */
    user: SessionUser | null;
    /** How the user proved who they are; cookie sessions need CSRF checks on writes. */
    authVia: 'bearer' | 'cookie' | null;
    /** The hash of the session token in use, so logout ends this session only. */
    sessionTokenHash: string | null;
  };
}
