/// <reference types="astro/client" />

declare namespace App {
  interface Locals {
    /** The signed-in person on a workspace page (set by src/middleware.ts). */
    user?: import('./lib/api').CurrentUser;
    /** Who a page is for, when the signed-in person may not open it. */
    forbiddenAudience?: string;
  }
}
