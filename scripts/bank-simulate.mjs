// Sends a test transfer to a local bank connection exactly as its provider would sign it,
// and prints the answer. Local development only.
//
//   npm run bank:simulate -- --provider sepay|casso|casso-v1|vietqr_vn|signed_json \
//     --connection bcn_… --key <credential> [--username u --password p] \
//     --account 2603205412387 --amount 350000 --content "HP8A26DBA5 nop hoc phi" [--url http://127.0.0.1:8787] [--out]
//
// --key is the connection's credential as you gave it when creating it: SePay's API key (or
// its HMAC secret with --hmac), Casso's checksum key (v2) or secure-token (v1), signed JSON's
// secret. VietQR.vn takes --username and --password, asks our token endpoint first, then syncs.
// Without --connection (and --key), the demo connection of the school's account that
// `npm run seed` creates for the provider is used, with its documented demo credentials.
import { createHmac, randomInt } from 'node:crypto';
import { parseArgs } from 'node:util';
import { DEMO_CONNECTIONS } from '../worker/src/seed/bank-connections.ts';

const { values } = parseArgs({
  options: {
    provider: { type: 'string' },
    connection: { type: 'string' },
    key: { type: 'string' },
    hmac: { type: 'boolean', default: false },
    username: { type: 'string' },
    password: { type: 'string' },
    account: { type: 'string', default: '2603205412387' },
    amount: { type: 'string' },
    content: { type: 'string', default: '' },
    url: { type: 'string', default: 'http://127.0.0.1:8787' },
    out: { type: 'boolean', default: false },
  },
});

const fail = (message) => {
  console.error(`✗ ${message}`);
  process.exit(1);
};
const { provider } = values;
if (!provider) fail('Cần --provider: sepay, casso, casso-v1, vietqr_vn hoặc signed_json');
const demo = DEMO_CONNECTIONS[provider === 'casso-v1' ? 'casso' : provider];
const connection = values.connection ?? demo?.id;
if (!connection) fail('Cần --connection (mã kết nối bcn_… in ra khi tạo kết nối)');
if (!values.connection && demo) {
  // The seeded demo connection: its public demo credentials.
  const c = demo.credentials;
  values.key ??=
    provider === 'sepay'
      ? values.hmac
        ? c.hmacSecret
        : c.apiKey
      : provider === 'casso'
        ? c.checksumKey
        : provider === 'casso-v1'
          ? c.secureToken
          : c.secret;
  values.username ??= c.username;
  values.password ??= c.password;
}
const amount = Number(values.amount);
if (!Number.isInteger(amount) || amount < 1) fail('--amount phải là số nguyên đồng, ví dụ 350000');
const base = `${values.url.replace(/\/$/, '')}/api/v1/webhooks/bank/${connection}`;
const id = randomInt(100_000, 2_000_000_000);
const vietnamNow = new Date(Date.now() + 7 * 3600_000).toISOString().slice(0, 19).replace('T', ' ');
const hmacHex = (hash, secret, message) => createHmac(hash, secret).update(message).digest('hex');

/** Keys sorted at every depth, as Casso v2 signs them. */
const sortedDeep = (value) =>
  Array.isArray(value)
    ? value.map(sortedDeep)
    : value && typeof value === 'object'
      ? Object.fromEntries(
          Object.keys(value)
            .sort()
            .map((key) => [key, sortedDeep(value[key])]),
        )
      : value;

async function send(url, body, headers) {
  const res = await fetch(url, { method: 'POST', headers: { 'Content-Type': 'application/json', ...headers }, body });
  const text = await res.text();
  console.log(`${res.status} ${url}\n${text}`);
  return { status: res.status, text };
}

const needKey = () => values.key ?? fail('Cần --key (khoá của kết nối, như bạn đã khai báo khi tạo)');

switch (provider) {
  case 'sepay': {
    const body = JSON.stringify({
      id,
      gateway: 'Vietcombank',
      transactionDate: vietnamNow,
      accountNumber: values.account,
      code: null,
      content: values.content,
      transferType: values.out ? 'out' : 'in',
      transferAmount: amount,
      accumulated: 0,
      subAccount: null,
      referenceCode: `MBVCB.${id}`,
      description: `BankAPINotify ${values.content}`,
    });
    const key = needKey();
    const timestamp = String(Math.floor(Date.now() / 1000));
    await send(
      base,
      body,
      values.hmac
        ? { 'X-SePay-Timestamp': timestamp, 'X-SePay-Signature': `sha256=${hmacHex('sha256', key, `${timestamp}.${body}`)}` }
        : { Authorization: `Apikey ${key}` },
    );
    break;
  }
  case 'casso': {
    const payload = {
      error: 0,
      data: {
        id,
        reference: `FT${id}`,
        description: values.content,
        amount: values.out ? -amount : amount,
        runningBalance: 0,
        transactionDateTime: vietnamNow,
        accountNumber: values.account,
        bankName: 'VPBank',
        bankAbbreviation: 'VPB',
        virtualAccountNumber: '',
        virtualAccountName: '',
        counterAccountName: 'NGUYEN VAN A',
        counterAccountNumber: '0351000646393',
        counterAccountBankId: '970436',
        counterAccountBankName: 'Vietcombank',
      },
    };
    const t = String(Date.now());
    const signature = hmacHex('sha512', needKey(), `${t}.${JSON.stringify(sortedDeep(payload))}`);
    await send(base, JSON.stringify(payload), { 'X-Casso-Signature': `t=${t},v1=${signature}` });
    break;
  }
  case 'casso-v1': {
    const payload = {
      error: 0,
      data: [
        {
          id,
          tid: `${id}`,
          description: values.content,
          amount: values.out ? -amount : amount,
          cusum_balance: 0,
          when: vietnamNow,
          bank_sub_acc_id: values.account,
          subAccId: values.account,
        },
      ],
    };
    await send(base, JSON.stringify(payload), { 'secure-token': needKey() });
    break;
  }
  case 'vietqr_vn': {
    if (!values.username || !values.password) fail('VietQR.vn cần --username và --password của kết nối');
    const token = await send(`${base}/api/token_generate`, '', {
      Authorization: `Basic ${Buffer.from(`${values.username}:${values.password}`).toString('base64')}`,
    });
    if (token.status !== 200) process.exit(1);
    const body = JSON.stringify({
      bankaccount: values.account,
      amount,
      transType: values.out ? 'D' : 'C',
      content: values.content,
      transactionid: `TX${id}`,
      transactiontime: String(Date.now()),
      referencenumber: `FT${id}`,
      orderId: '',
    });
    await send(`${base}/bank/api/transaction-sync`, body, { Authorization: `Bearer ${JSON.parse(token.text).access_token}` });
    break;
  }
  case 'signed_json': {
    const body = JSON.stringify({
      transactionId: `FT${id}`,
      accountNumber: values.account,
      amount,
      description: values.content,
      bookedAt: new Date().toISOString(),
    });
    const timestamp = String(Math.floor(Date.now() / 1000));
    await send(base, body, { 'X-Bank-Timestamp': timestamp, 'X-Bank-Signature': hmacHex('sha256', needKey(), `${timestamp}.${body}`) });
    break;
  }
  default:
    fail(`Không biết nhà cung cấp ${provider}: dùng sepay, casso, casso-v1, vietqr_vn hoặc signed_json`);
}
