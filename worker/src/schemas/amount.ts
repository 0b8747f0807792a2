import { z } from '@hono/zod-openapi';
import { amountProblem, MAX_AMOUNT } from '../domain/money';

/**
 * An amount of money as every route takes it: whole đồng, at least 1, at most the one
 * ceiling (domain/money.ts). `field` names it in the Vietnamese message of a 400.
 *
 * @example amountField('Số tiền hoàn').parse(350000) // 350000
 */
export function amountField(field: string) {
  const message = amountProblem(field);
  return z
    .number({ message })
    .int(message)
    .min(1, message)
    .max(MAX_AMOUNT, message)
    .openapi({ description: `Whole đồng, 1 to ${MAX_AMOUNT}`, maximum: MAX_AMOUNT });
}
