/** `mozi otp encrypt|decrypt`: one-time-pad file encryption with keys fetched over ETSI GS QKD 014. */
import type { Command } from 'commander';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { InputError } from '../../core/errors.js';
import { EtsiClient, EtsiRequestError } from '../../kms/client.js';
import { otpDecrypt, otpEncrypt } from '../../kms/otp.js';
import { peerCommonNameOfFile } from '../../server/tls.js';
import { log, printJson } from '../output.js';

interface OtpOpts {
  kme: string;
  cert: string;
  key: string;
  ca: string;
  slave?: string;
  master?: string;
  json?: boolean;
}

function readInput(path: string): Uint8Array {
  if (!existsSync(path)) throw new InputError(`file not found: ${path}`, { field: 'IN' });
  return readFileSync(path);
}

async function withClient<T>(o: OtpOpts, f: (c: EtsiClient) => Promise<T>): Promise<T> {
  const c = new EtsiClient({ url: o.kme, cert: o.cert, key: o.key, ca: o.ca });
  try {
    return await f(c);
  } catch (err) {
    if (err instanceof EtsiRequestError && err.status >= 400 && err.status < 500) throw new InputError(err.message, { field: 'kme' });
    const code = (err as { code?: unknown }).code;
    if (typeof code === 'string' && /^(ECONNREFUSED|ENOTFOUND|EHOSTUNREACH|ECONNRESET|ERR_SSL|ERR_TLS|DEPTH_ZERO|UNABLE_TO|CERT_|SELF_SIGNED)/.test(code)) {
      throw new InputError(`cannot talk to the KME at ${o.kme}: ${code}`, { field: 'kme' });
    }
    throw err;
  } finally {
    c.close();
  }
}

export function register(program: Command): void {
  const otp = program.command('otp').description('one-time-pad file encryption with keys from an ETSI GS QKD 014 KME');
  const common = (c: Command): Command =>
    c
      .requiredOption('--kme <url>', 'KME base URL, e.g. https://127.0.0.1:8443')
      .requiredOption('--cert <file>', 'this SAE\'s client certificate (PEM; its CN is the SAE ID)')
      .requiredOption('--key <file>', 'this SAE\'s private key (PEM)')
      .requiredOption('--ca <file>', 'CA certificate of the KME (PEM)')
      .option('--json', 'print a JSON summary');
  common(otp.command('encrypt').description('encrypt IN to OUT with keys shared with --slave').argument('<IN>').argument('<OUT>'))
    .requiredOption('--slave <SAE_ID>', 'the receiving SAE')
    .action(async (input: string, output: string, o: OtpOpts) => {
      const data = readInput(input);
      const me = peerCommonNameOfFile(o.cert);
      const out = await withClient(o, (c) => otpEncrypt(c, me, o.slave as string, data));
      writeFileSync(output, out);
      const summary = { input, output, bytes: data.length, master_SAE_ID: me, slave_SAE_ID: o.slave, };
      if (o.json) printJson(summary);
      else log(`otp: encrypted ${data.length} bytes from ${input} to ${output} for ${o.slave}`);
    });
  common(otp.command('decrypt').description('decrypt IN to OUT with keys shared with --master').argument('<IN>').argument('<OUT>'))
    .requiredOption('--master <SAE_ID>', 'the sending SAE')
    .action(async (input: string, output: string, o: OtpOpts) => {
      const data = readInput(input);
      const { plaintext, header } = await withClient(o, (c) => otpDecrypt(c, o.master as string, data));
      writeFileSync(output, plaintext);
      if (o.json) printJson({ input, output, bytes: plaintext.length, master_SAE_ID: header.master_SAE_ID, slave_SAE_ID: header.slave_SAE_ID, keys: header.key_IDs.length });
      else log(`otp: decrypted ${plaintext.length} bytes from ${input} to ${output} (${header.key_IDs.length} keys from ${header.master_SAE_ID})`);
    });
}
