// Copies Swagger UI's two files into the storefront's static assets, so /api/docs works
// offline and loads nothing from a CDN. The copies are build output (git-ignored).
import { copyFileSync, mkdirSync } from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';

const require = createRequire(import.meta.url);
const source = path.dirname(require.resolve('swagger-ui-dist/package.json'));
const target = 'web/public/vendor/swagger-ui-dist';
mkdirSync(target, { recursive: true });
for (const file of ['swagger-ui-bundle.js', 'swagger-ui.css']) copyFileSync(path.join(source, file), path.join(target, file));
