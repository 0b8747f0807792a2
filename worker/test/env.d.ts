import type { D1Migration } from '@cloudflare/vitest-plugin';

declare global {
  namespace Cloudflare {
    interface Env {
      TEST_MIGRATIONS: D1Migration[];
    }
    // The tests run the API worker (see vitest.config.ts), so `exports.default` is its loopback.
    interface GlobalProps {
      mainModule: typeof import('../src/worker');
    }
  }
}
