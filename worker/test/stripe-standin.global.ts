// Starts the local Stripe stand-in (a TEST DOUBLE, dev/stripe-standin) for the whole run.
// Stripe cannot be reached from here, so the worker's real `stripe` SDK is pointed at it
// (STRIPE_API_HOST/PORT in vitest.config.ts). Runs in Node, before the workerd pool.
import { startStripeStandin } from '../../dev/stripe-standin/standin.mjs';

// Several checkouts may run their suites at once on one machine: each can pick its own port.
export const STRIPE_STANDIN_TEST_PORT = Number(process.env.CHOSO_TEST_STRIPE_PORT) || 12112;

export default async function setup() {
  const standin = await startStripeStandin({
    port: STRIPE_STANDIN_TEST_PORT,
    webhookUrl: null, // tests fetch events and post them to the worker themselves
    webhookSecret: 'whsec_test_current',
    log: () => {},
  });
  return async () => {
    await standin.close();
  };
}
