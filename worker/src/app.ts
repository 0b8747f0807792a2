import { swaggerUI } from '@hono/swagger-ui';
import { OpenAPIHono } from '@hono/zod-openapi';
import type { AppEnv } from './env';
import { ApiError, errorResponse, handleError } from './errors';
import { bodyLimits } from './middleware/body-limit';
import { inputGuard } from './middleware/input-guard';
import { apiHeaders } from './middleware/security-headers';
import { csrfMiddleware, sessionMiddleware } from './middleware/session';
import admin from './routes/admin';
import auth from './routes/auth';
import bankConnections from './routes/bank-connections';
import bankSources from './routes/bank-sources';
import billImports from './routes/bill-imports';
import billers from './routes/billers';
import bills from './routes/bills';
import categories from './routes/categories';
import fulfilment from './routes/fulfilment';
import integrity from './routes/integrity';
import markets, { stalls } from './routes/markets';
import me from './routes/me';
import media from './routes/media';
import openData from './routes/open-data';
import openDataCollections from './routes/open-data-collections';
import orders, { sellerOrders } from './routes/orders';
import payerLists from './routes/payer-lists';
import payments from './routes/payments';
import { adminPayouts, payoutRuns, sellerMoney } from './routes/payouts';
import products from './routes/products';
import reconciliation from './routes/reconciliation';
import refundApprovals from './routes/refund-approvals';
import reports from './routes/reports';
import sellerProducts from './routes/seller-products';
import sellers from './routes/sellers';
import webhooks from './routes/webhooks';

/**
 * The API: everything under /api. The storefront (worker/src/entry.ts) hands these paths
 * here and renders every other path with Astro.
 */
const app = new OpenAPIHono<AppEnv>();

app.use('/api/*', ...apiHeaders, bodyLimits);

// A route that touches nothing (no session, no D1): the baseline the request benchmarks
// divide by, and a liveness probe.
app.get('/api/health', (c) => c.json({ status: 'ok' }, 200));
app.use('/api/v1/*', inputGuard, sessionMiddleware, csrfMiddleware);

app.route('/api/v1/auth', auth);
app.route('/api/v1/me', me);
app.route('/api/v1/products', products);
app.route('/api/v1/sellers', sellers);
app.route('/api/v1/categories', categories);
app.route('/api/v1/media', media);
app.route('/api/v1/bills', billImports);
app.route('/api/v1/bills', payerLists);
app.route('/api/v1/bills', bills);
app.route('/api/v1/billers', billers);
app.route('/api/v1/orders', orders);
app.route('/api/v1/seller/orders', sellerOrders);
app.route('/api/v1/seller/orders', fulfilment);
app.route('/api/v1/payments', payments);
app.route('/api/v1/webhooks', webhooks);
app.route('/api/v1/webhooks/bank', bankSources);
app.route('/api/v1/bank-connections', bankConnections);
app.route('/api/v1/markets', markets);
app.route('/api/v1/stalls', stalls);
app.route('/api/v1/reconciliation', reconciliation);
app.route('/api/v1/reports', reports);
app.route('/api/v1/admin/integrity', integrity);
app.route('/api/v1/seller', sellerMoney);
app.route('/api/v1/admin/payout-runs', payoutRuns);
app.route('/api/v1/admin/payouts', adminPayouts);
app.route('/api/v1/seller/products', sellerProducts);
app.route('/api/v1/admin', admin);
// Collections first: the catalogue feed's /{file} would answer 404 for its files.
app.route('/api/v1/open-data', openDataCollections);
app.route('/api/v1/open-data', openData);
app.route('/api/v1/refund-approvals', refundApprovals);

app.doc31('/api/v1/openapi.json', {
  openapi: '3.1.0',
  info: {
    title: 'Chợ Số API',
    version: '1.0.0',
    description:
      'OCOP marketplace and cashless payments for Bắc Ninh. Money is always an integer number of đồng. ' +
      'Errors share one shape: {"error": {"code", "message", "details"}}.',
  },
  servers: [{ url: '/' }],
});
app.openAPIRegistry.registerComponent('securitySchemes', 'bearer', { type: 'http', scheme: 'bearer' });

// Swagger UI's files are copied from swagger-ui-dist into the site's assets at build time,
// so the docs work offline and nothing is fetched from a CDN.
app.get('/api/docs', swaggerUI({ url: '/api/v1/openapi.json', baseUrl: '/vendor', title: 'Chợ Số API' }));

app.notFound((c) =>
  errorResponse(c, new ApiError(404, 'not_found', `Không có địa chỉ API này: ${c.req.method} ${c.req.path.slice(0, 200)}`)),
);
app.onError(handleError);

export default app;
