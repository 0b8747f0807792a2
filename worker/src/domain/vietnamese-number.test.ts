import { describe, expect, it } from 'vitest';
import { amountInWords } from './vietnamese-number';

describe('amountInWords', () => {
  it.each([
    [350000, 'Ba trăm năm mươi nghìn đồng'],
    [480000, 'Bốn trăm tám mươi nghìn đồng'],
    [1250000, 'Một triệu hai trăm năm mươi nghìn đồng'],
    [50000, 'Năm mươi nghìn đồng'],
    [15000, 'Mười lăm nghìn đồng'],
    [21000, 'Hai mươi mốt nghìn đồng'],
    [105, 'Một trăm linh năm đồng'],
    [1005, 'Một nghìn không trăm linh năm đồng'],
    [1000000, 'Một triệu đồng'],
    [2001000, 'Hai triệu không trăm linh một nghìn đồng'],
    [10, 'Mười đồng'],
    [1, 'Một đồng'],
    [10_000_000_000, 'Mười tỷ đồng'],
    [1_000_000_001, 'Một tỷ không trăm linh một đồng'],
  ])('%i → %s', (amount, words) => {
    expect(amountInWords(amount)).toBe(words);
  });
});
