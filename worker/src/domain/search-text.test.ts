import { describe, expect, it } from 'vitest';
import { foldVietnamese, hasDiacritics, toExactFtsQuery, toFtsQuery } from './search-text';

describe('foldVietnamese', () => {
  it.each([
    ['Bánh phu thê Đình Bảng', 'banh phu the dinh bang'],
    ['Gốm Phù Lãng', 'gom phu lang'],
    ['Vải thiều Lục Ngạn', 'vai thieu luc ngan'],
    ['Rượu làng Vân', 'ruou lang van'],
    ['ĐƯỜNG PHÈN', 'duong phen'],
    ['Trà Dâu ướp sen', 'tra dau uop sen'],
    ['ủng hộ lũ lụt', 'ung ho lu lut'],
  ])('%s → %s', (text, folded) => {
    expect(foldVietnamese(text)).toBe(folded);
  });

  it('folds text typed with combining marks the same as precomposed text', () => {
    expect(foldVietnamese('Ba\u0301nh')).toBe(foldVietnamese('Bánh'));
  });
});

describe('toFtsQuery', () => {
  it.each([
    ['banh phu the', '"banh" "phu" "the"*'],
    ['Bánh phu thê', '"banh" "phu" "the"*'],
    ['  gốm   ', '"gom"*'],
    ['gom OR NEAR(x)', '"gom" "or" "near" "x"*'],
    ['"; DROP TABLE products; --', '"drop" "table" "products"*'],
    ['tranh-Đông-Hồ', '"tranh" "dong" "ho"*'],
    ['!!!', null],
    ['', null],
  ])('%j → %j', (input, expected) => {
    expect(toFtsQuery(input)).toBe(expected);
  });

  it('keeps at most eight words', () => {
    expect(toFtsQuery('a b c d e f g h i j')).toBe('"a" "b" "c" "d" "e" "f" "g" "h"*');
  });
});

describe('the spelling-aware parts', () => {
  it.each([
    ['gốm', true],
    ['gom', false],
    ['Đông', true],
    ['dong ho', false],
    ['!!!', false],
  ])('hasDiacritics(%j) is %s', (input, expected) => {
    expect(hasDiacritics(input)).toBe(expected);
  });

  it.each([
    ['Gốm Phù', 'whole', '"gốm" "phù"'],
    ['Gốm Phù', 'prefix', '"gốm" "phù"*'],
    ['Ba\u0301nh', 'whole', '"bánh"'],
  ] as const)('toExactFtsQuery(%j, %s) keeps the marks: %j', (input, last, expected) => {
    expect(toExactFtsQuery(input, last)).toBe(expected);
  });

  it('matches the last word whole when asked', () => {
    expect(toFtsQuery('dong ho', 'whole')).toBe('"dong" "ho"');
  });
});
