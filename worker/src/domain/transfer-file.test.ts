import { describe, expect, it } from 'vitest';
import { bankName, transferContent, transferFile } from './transfer-file';

describe('bulk-transfer file', () => {
  it('writes the header and one row per payout, exactly', () => {
    const file = transferFile([
      {
        accountNumber: '1034872156',
        bankBin: '970436',
        bankName: 'Vietcombank',
        accountHolder: 'HTX GOM PHU LANG',
        amount: 292_500,
        reference: 'PO7KQ2M',
      },
      {
        accountNumber: '0011',
        bankBin: '970999',
        bankName: bankName('970999'),
        accountHolder: '=HYPERLINK("x")',
        amount: 50_000,
        reference: 'PO2345B',
      },
    ]);
    expect(file).toBe(
      '\uFEFFSTT,Số tài khoản thụ hưởng,Mã ngân hàng (BIN),Tên ngân hàng,Tên người thụ hưởng,Số tiền,Nội dung chuyển khoản\r\n' +
        '1,1034872156,970436,Vietcombank,HTX GOM PHU LANG,292500,CHOSO PO7KQ2M\r\n' +
        '2,0011,970999,BIN 970999,"\'=HYPERLINK(""x"")",50000,CHOSO PO2345B\r\n',
    );
  });

  it('puts the payout reference in the transfer content', () => {
    expect(transferContent('PO7KQ2M')).toBe('CHOSO PO7KQ2M');
  });
});
