import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { addressIn, readsAsItself } from '../../src/mail/smtp-server.js';

// How a server read the address of MAIL FROM and RCPT TO before it did without a regular
// expression: the reference the fast path must agree with on every argument.
function byRegex(arg: string): string {
  const m = /<([^>]*)>/.exec(arg);
  return (m === null ? arg.replace(/^(FROM|TO):/i, '') : (m[1] as string)).trim();
}

describe('the address a server reads from MAIL FROM and RCPT TO', () => {
  it('is what is between the angle brackets, trimmed', () => {
    expect(addressIn('FROM:<alice@metro.example>')).toBe('alice@metro.example');
    expect(addressIn('TO:< bob@gmail.example >')).toBe('bob@gmail.example');
    expect(addressIn('FROM:<>')).toBe('');
    expect(addressIn('TO:bob@gmail.example')).toBe('bob@gmail.example');
    expect(addressIn('FROM:<a@b> SIZE=1000')).toBe('a@b');
    expect(addressIn('FROM:<<a@b>')).toBe('<a@b');
    expect(addressIn('FROM:a>b<c')).toBe('a>b<c');
  });

  it('agrees with the regular expression on any argument', () => {
    const piece = fc.constantFrom('<', '>', 'FROM:', 'to:', ' ', 'a', '@', 'b.example', '\t', 'SIZE=5');
    fc.assert(
      fc.property(fc.array(piece, { maxLength: 12 }), (parts) => {
        const arg = parts.join('');
        expect(addressIn(arg)).toBe(byRegex(arg));
      }),
      { numRuns: 2000 },
    );
  });
});

describe('an address handed over as read (a direct session writes no text)', () => {
  it('is taken only where writing it out and reading it back gives it again', () => {
    expect(readsAsItself('alice@metro.example')).toBe(true);
    expect(readsAsItself('')).toBe(true);
    expect(readsAsItself(' alice@metro.example')).toBe(false);
    expect(readsAsItself('alice@metro.example\u00a0')).toBe(false);
    expect(readsAsItself('a>b@metro.example')).toBe(false);
    expect(readsAsItself('<a@b>')).toBe(false);
  });

  it('says yes exactly when MAIL FROM and RCPT TO read it back unchanged', () => {
    const piece = fc.constantFrom('<', '>', ' ', '\u00a0', '\t', 'a', '@', 'b.example', '-', '.');
    fc.assert(
      fc.property(fc.array(piece, { maxLength: 10 }), (parts) => {
        const address = parts.join('');
        const same = addressIn(`FROM:<${address}>`) === address && addressIn(`TO:<${address}>`) === address;
        if (readsAsItself(address)) expect(same).toBe(true);
        else if (address.indexOf('<') < 0 && address.indexOf('>') < 0) expect(same).toBe(false);
      }),
      { numRuns: 2000 },
    );
  });
});
