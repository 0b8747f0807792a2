// Types for the TEST DOUBLE's entry point, for the TypeScript files that start it.
export interface StripeStandin {
  port: number;
  url: string;
  close(): Promise<void>;
}
export function startStripeStandin(options?: {
  port?: number;
  host?: string;
  webhookUrl?: string | null;
  webhookSecret?: string;
  publicUrl?: string;
  log?: (...args: unknown[]) => void;
}): Promise<StripeStandin>;
