import { z } from '@hono/zod-openapi';
import { CATEGORY_SLUGS, PRODUCER_KINDS, PRODUCT_SORTS, PRODUCT_STATUSES } from '../db/products';
import { MAX_AMOUNT } from '../domain/money';
import { isIsoDate } from '../domain/ocop';
import { amountField } from './amount';
import { multiLine, singleLine, token } from './text';

/** The most a single product may cost: the one ceiling on every amount (domain/money.ts). */
export const MAX_PRICE = MAX_AMOUNT;

const isoDate = z
  .string()
  .max(10)
  .refine(isIsoDate, { message: 'Cần một ngày có thật, viết YYYY-MM-DD' })
  .openapi({ example: '2025-06-15', format: 'date' });

const stars = z.union([z.literal(3), z.literal(4), z.literal(5)]).openapi({ type: 'integer', enum: [3, 4, 5] });

// Query strings arrive as text; numbers are coerced, then checked as whole numbers.
const wholeNumber = (min: number, max: number) => z.coerce.number().int().min(min).max(max);

export const ProductListQuery = z
  .object({
    q: singleLine(0, 100).optional().openapi({ example: 'banh phu the', description: 'Words to find; accents optional' }),
    category: z.enum(CATEGORY_SLUGS).optional(),
    minStars: wholeNumber(3, 5)
      .optional()
      .openapi({ description: 'Only products with a valid OCOP certificate of at least this many stars' }),
    commune: singleLine(1, 100).optional().openapi({ example: 'Phù Lãng' }),
    sellerId: token(64).optional(),
    minPrice: wholeNumber(0, MAX_PRICE).optional().openapi({ description: 'Whole đồng' }),
    maxPrice: wholeNumber(0, MAX_PRICE).optional().openapi({ description: 'Whole đồng' }),
    sort: z.enum(PRODUCT_SORTS).default('relevance'),
    limit: wholeNumber(1, 100).default(24),
    cursor: token(512).optional().openapi({ description: 'nextCursor from the previous page' }),
  })
  .refine((query) => query.minPrice === undefined || query.maxPrice === undefined || query.minPrice <= query.maxPrice, {
    message: 'Không được cao hơn giá “đến”',
    path: ['minPrice'],
  });
export type ProductListQuery = z.infer<typeof ProductListQuery>;

export const ProductIdParam = z.object({
  id: token(64).openapi({ param: { name: 'id', in: 'path' }, example: 'prd_banh_phu_the_dinh_bang' }),
});

export const OcopSchema = z
  .object({
    stars,
    certificateNo: z.string(),
    issuedAt: z.string(),
    expiresAt: z.string(),
    level: z.enum(['provincial', 'national']),
    valid: z.boolean().openapi({ description: 'False once expired; the product then shows without a star badge' }),
  })
  .openapi('OcopCertificate');

export const ProductSchema = z
  .object({
    id: z.string(),
    name: z.string(),
    description: z.string(),
    category: z.enum(CATEGORY_SLUGS),
    price: z.number().int().openapi({ description: 'Whole đồng', example: 350000 }),
    unit: z.string().openapi({ example: 'hộp 500g' }),
    stock: z.number().int(),
    status: z.enum(PRODUCT_STATUSES),
    images: z.array(z.string()),
    commune: z.string(),
    seller: z.object({ id: z.string(), name: z.string(), kind: z.enum(PRODUCER_KINDS) }),
    ocop: OcopSchema.nullable(),
    hidden: z
      .object({ reason: z.string(), at: z.string() })
      .nullable()
      .openapi({ description: 'Set while an admin keeps the product out of the public catalogue; only its seller and admins see it' }),
    createdAt: z.string(),
    updatedAt: z.string(),
  })
  .openapi('Product');

export const ProductFacetsSchema = z
  .object({
    categories: z.array(z.object({ slug: z.enum(CATEGORY_SLUGS), count: z.number().int() })),
    stars: z.array(z.object({ stars, count: z.number().int() })).openapi({ description: 'Valid certificates of at least this many stars' }),
    communes: z.array(z.object({ commune: z.string(), count: z.number().int() })),
    priceRanges: z.array(
      z.object({ id: z.string(), label: z.string(), min: z.number().int(), max: z.number().int(), count: z.number().int() }),
    ),
  })
  .openapi('ProductFacets', { description: 'Counts for each filter value, with the other filters applied; on the first page only' });

export const ProductPageSchema = z
  .object({ items: z.array(ProductSchema), nextCursor: z.string().nullable(), facets: ProductFacetsSchema.nullable() })
  .openapi('ProductPage');

const OcopInput = z
  .strictObject({
    stars,
    certificateNo: singleLine(1, 60).openapi({ example: '1523/QĐ-UBND' }),
    issuedAt: isoDate,
    expiresAt: isoDate.optional().openapi({ description: 'Defaults to 36 months after issuedAt' }),
  })
  .refine((ocop) => ocop.expiresAt === undefined || ocop.expiresAt > ocop.issuedAt, {
    message: 'Ngày hết hạn phải sau ngày cấp',
    path: ['expiresAt'],
  })
  .openapi('OcopInput');

// What a seller may set. Strict objects: a body naming sellerId, id, images or any other
// field is refused, so a seller cannot assign a product to someone else. Archiving is
// DELETE's job, so status here is draft or active only.
const editableFields = {
  name: singleLine(1, 200),
  description: multiLine(0, 5000),
  category: z.enum(CATEGORY_SLUGS),
  price: amountField('Giá').openapi({ example: 350000 }),
  unit: singleLine(1, 60),
  stock: z.number().int().min(0).max(1_000_000),
  status: z.enum(['draft', 'active']),
  ocop: OcopInput.nullable(),
};

export const ProductCreateBody = z
  .strictObject({
    ...editableFields,
    description: editableFields.description.default(''),
    stock: editableFields.stock.default(0),
    status: editableFields.status.default('draft'),
    ocop: editableFields.ocop.default(null),
  })
  .openapi('ProductCreate');

export const ProductUpdateBody = z
  .strictObject({
    name: editableFields.name.optional(),
    description: editableFields.description.optional(),
    category: editableFields.category.optional(),
    price: editableFields.price.optional(),
    unit: editableFields.unit.optional(),
    stock: editableFields.stock.optional(),
    status: editableFields.status.optional(),
    ocop: editableFields.ocop.optional(),
  })
  .refine((body) => Object.keys(body).length > 0, { message: 'Hãy gửi ít nhất một trường cần đổi' })
  .openapi('ProductUpdate');
