import { createRoute, z } from '@hono/zod-openapi';
import { findOrganization, listMembers, listOrganizations } from '../db/onboarding';
import { listHiddenProducts } from '../db/seller-products';
import { vietnamDate } from '../domain/vietnam-time';
import { notFound } from '../errors';
import { requireRole } from '../middleware/session';
import { requireIdempotencyKey } from '../onboarding/idempotency';
import { addMember, deactivate, reissueLink } from '../onboarding/members';
import { setProductHidden } from '../onboarding/moderation';
import { createOrganization } from '../onboarding/organizations';
import { createRouter, errorResponses, jsonBody, jsonResponse } from '../openapi';
import {
  IdempotencyHeader,
  MemberCreateBody,
  MemberParams,
  MemberSchema,
  MemberWithLinkSchema,
  OrganizationCreateBody,
  OrganizationIdParam,
  OrganizationListQuery,
  OrganizationSchema,
  ProductHideBody,
} from '../schemas/onboarding';
import { ProductIdParam, ProductSchema } from '../schemas/products';

/** Onboarding (organizations and their staff) and moderation of the catalogue: admins only. */
const admin = createRouter();

// Checked before any body is read: nobody else learns even which ids exist.
admin.use('/*', async (c, next) => {
  requireRole(c, 'admin');
  await next();
});

admin.openapi(
  createRoute({
    method: 'post',
    path: '/organizations',
    tags: ['Admin'],
    summary: 'Create an organization: a producer (cooperative, enterprise, household) or a biller',
    description: 'Needs an Idempotency-Key header: the same key and body return the same organization (200), another body 409.',
    request: { headers: IdempotencyHeader, body: jsonBody(OrganizationCreateBody) },
    responses: {
      201: jsonResponse('The new organization', OrganizationSchema),
      200: jsonResponse('The organization this key created before', OrganizationSchema),
      ...errorResponses(400, 401, 403, 409),
    },
  }),
  async (c) => {
    const key = requireIdempotencyKey(c.req.valid('header')['idempotency-key']);
    const { organization, created } = await createOrganization(c.env.DB, c.req.valid('json'), key, new Date());
    return c.json(organization, created ? 201 : 200);
  },
);

admin.openapi(
  createRoute({
    method: 'get',
    path: '/organizations',
    tags: ['Admin'],
    summary: 'Every organization, by kind and name',
    request: { query: OrganizationListQuery },
    responses: { 200: jsonResponse('Organizations', z.object({ items: z.array(OrganizationSchema) })), ...errorResponses(400, 401, 403) },
  }),
  async (c) => c.json({ items: await listOrganizations(c.env.DB, c.req.valid('query').kind) }, 200),
);

admin.openapi(
  createRoute({
    method: 'get',
    path: '/organizations/{id}/members',
    tags: ['Admin'],
    summary: "An organization's staff",
    request: { params: OrganizationIdParam },
    responses: { 200: jsonResponse('Members', z.object({ items: z.array(MemberSchema) })), ...errorResponses(401, 403, 404) },
  }),
  async (c) => {
    const { id } = c.req.valid('param');
    if (!(await findOrganization(c.env.DB, id))) throw notFound('Organization', 'organization_not_found');
    return c.json({ items: await listMembers(c.env.DB, id) }, 200);
  },
);

admin.openapi(
  createRoute({
    method: 'post',
    path: '/organizations/{id}/members',
    tags: ['Admin'],
    summary: 'Add a staff member, with a one-time link to set a password',
    description:
      'The link works once, for 72 hours; only its hash is stored. Needs an Idempotency-Key header: a retry with the same key ' +
      'and body finds the same member (200) with a fresh link, and the earlier link stops working.',
    request: { headers: IdempotencyHeader, params: OrganizationIdParam, body: jsonBody(MemberCreateBody) },
    responses: {
      201: jsonResponse('The new member and the link to hand over', MemberWithLinkSchema),
      200: jsonResponse('The member this key added before, with a fresh link', MemberWithLinkSchema),
      ...errorResponses(400, 401, 403, 404, 409),
    },
  }),
  async (c) => {
    const key = requireIdempotencyKey(c.req.valid('header')['idempotency-key']);
    const { id } = c.req.valid('param');
    const { created, ...answer } = await addMember(c.env.DB, id, c.req.valid('json'), key, c.get('user')!.id, new Date());
    return c.json(answer, created ? 201 : 200);
  },
);

admin.openapi(
  createRoute({
    method: 'post',
    path: '/organizations/{id}/members/{userId}/set-password-link',
    tags: ['Admin'],
    summary: 'A new one-time link for a member who lost theirs',
    description: 'Every earlier unused link of the member stops working.',
    request: { params: MemberParams },
    responses: { 201: jsonResponse('The member and the new link', MemberWithLinkSchema), ...errorResponses(401, 403, 404, 409) },
  }),
  async (c) => {
    const { id, userId } = c.req.valid('param');
    return c.json(await reissueLink(c.env.DB, id, userId, c.get('user')!.id, new Date()), 201);
  },
);

admin.openapi(
  createRoute({
    method: 'post',
    path: '/organizations/{id}/members/{userId}/deactivate',
    tags: ['Admin'],
    summary: 'Deactivate a member: no more sign-in, and every session of theirs ends',
    request: { params: MemberParams },
    responses: { 200: jsonResponse('The deactivated member', MemberSchema), ...errorResponses(401, 403, 404) },
  }),
  async (c) => {
    const { id, userId } = c.req.valid('param');
    return c.json(await deactivate(c.env.DB, id, userId, new Date()), 200);
  },
);

admin.openapi(
  createRoute({
    method: 'get',
    path: '/products/hidden',
    tags: ['Admin'],
    summary: 'Products hidden from the public catalogue, most recent first',
    responses: { 200: jsonResponse('Hidden products', z.object({ items: z.array(ProductSchema) })), ...errorResponses(401, 403) },
  }),
  async (c) => c.json({ items: await listHiddenProducts(c.env.DB, vietnamDate(new Date())) }, 200),
);

admin.openapi(
  createRoute({
    method: 'post',
    path: '/products/{id}/hide',
    tags: ['Admin'],
    summary: 'Hide a product from the public catalogue; its seller sees it with the reason',
    request: { params: ProductIdParam, body: jsonBody(ProductHideBody) },
    responses: { 200: jsonResponse('The hidden product', ProductSchema), ...errorResponses(400, 401, 403, 404, 409) },
  }),
  async (c) => {
    const { id } = c.req.valid('param');
    return c.json(await setProductHidden(c.env.DB, id, c.req.valid('json'), c.get('user')!.id, new Date()), 200);
  },
);

admin.openapi(
  createRoute({
    method: 'post',
    path: '/products/{id}/unhide',
    tags: ['Admin'],
    summary: 'Show a hidden product in the public catalogue again',
    request: { params: ProductIdParam },
    responses: { 200: jsonResponse('The product', ProductSchema), ...errorResponses(401, 403, 404, 409) },
  }),
  async (c) => {
    const { id } = c.req.valid('param');
    return c.json(await setProductHidden(c.env.DB, id, null, c.get('user')!.id, new Date()), 200);
  },
);

export default admin;
