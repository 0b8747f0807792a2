declare global {
  namespace Cloudflare {
    interface GlobalProps {
      mainModule: { default: ExportedHandler<Env> };
    }
  }
}
export {};
