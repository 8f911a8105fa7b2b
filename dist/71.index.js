export const id = 71;
export const ids = [71];
export const modules = {

/***/ 2071:
/***/ ((__unused_webpack_module, __webpack_exports__, __webpack_require__) => {

// ESM COMPAT FLAG
__webpack_require__.r(__webpack_exports__);

// EXPORTS
__webpack_require__.d(__webpack_exports__, {
  prepareDelivery: () => (/* binding */ prepareDelivery)
});

// EXTERNAL MODULE: ./src/core/errors.ts
var errors = __webpack_require__(4296);
// EXTERNAL MODULE: external "node:crypto"
var external_node_crypto_ = __webpack_require__(7598);
// EXTERNAL MODULE: ./src/core/text.ts
var core_text = __webpack_require__(2020);
;// CONCATENATED MODULE: ./src/delivery/recipients.ts
/**
 * One public key a profile can be encrypted to, parsed from what a person or GitHub gives: an
 * OpenSSH `authorized_keys`-style line (`ssh-ed25519 AAAA… [comment]`, `ssh-rsa AAAA… [comment]`)
 * or an age X25519 recipient (`age1…`, Bech32). Keys that are well formed but that age cannot
 * encrypt to (ECDSA, FIDO `sk-` keys, DSA, RSA under 2048 bits, certificates, age plugin
 * recipients) come back as an {@link UnusableKey} with the reason, so a caller can skip them with a
 * note; anything else is a {@link RecipientKeyError} that quotes at most a short, cleaned prefix.
 */



/** Longest key line accepted, in characters: an RSA-16384 line with a long comment fits. */
const MAX_RECIPIENT_KEY_LENGTH = 8192;
/** RSA moduli accepted: age's own floor (agessh refuses smaller keys), and a sane ceiling. */
const MIN_RSA_BITS = 2048;
const MAX_RSA_BITS = 16384;
/** How much of a rejected text an error quotes: enough to recognise it, too little to matter. */
const MAX_QUOTED_PREFIX = 20;
/** How much of a key's comment is kept. */
const MAX_COMMENT_LENGTH = 100;
/** Text that is not a public key: garbage, a truncated key, a private key pasted by mistake. */
class RecipientKeyError extends errors/* ExpectedFailure */.Hb {
    name = 'RecipientKeyError';
}
/**
 * Parses one public key: an OpenSSH `authorized_keys`-style line without options (`<type> <base64>
 * [comment]`) or an age `age1…` recipient.
 *
 * @returns the key, or {@link UnusableKey} for a well-formed key age cannot encrypt to
 * @throws RecipientKeyError for anything else (its message never quotes more than a short prefix)
 */
function parseRecipientKey(text) {
    const line = text.trim();
    if (looksLikePrivateKey(line)) {
        // Quote nothing: even a prefix of an age secret key is secret.
        throw new RecipientKeyError('This is a private key, not a public one: give the public key (the `.pub` file, or the ' +
            '`age1…` line age-keygen prints), and treat the private key as exposed.');
    }
    if (text.length > MAX_RECIPIENT_KEY_LENGTH) {
        throw invalidKey(text, `it is longer than ${MAX_RECIPIENT_KEY_LENGTH} characters`);
    }
    if (/^age1/i.test(line))
        return parseAgeRecipient(line);
    return parseSshKey(line);
}
function looksLikePrivateKey(line) {
    return /^AGE-(PLUGIN-[A-Z0-9-]+-|SECRET-KEY-)/i.test(line) || /PRIVATE KEY/.test(line);
}
/** The error for `text`, quoting a short prefix of it with control characters escaped. */
function invalidKey(text, problem) {
    // Escape first, then cut, so an escaped control character cannot lengthen the quote.
    const prefix = (0,core_text/* cutText */.IN)((0,core_text/* singleLine */.pF)(text.slice(0, 4 * MAX_QUOTED_PREFIX)), MAX_QUOTED_PREFIX);
    return new RecipientKeyError(`Not a public key age can encrypt to ("${prefix}"): ${problem}. Expected one line ` +
        '"ssh-ed25519 AAAA… [comment]", "ssh-rsa AAAA… [comment]" or "age1…".');
}
// --- OpenSSH public keys (RFC 4253 §6.6, RFC 8709 §4) ---------------------------------------
/** Why age cannot use a key, by the type OpenSSH names it with (prefixes end in `-`). */
const UNUSABLE_SSH_TYPES = [
    [
        'sk-',
        'it is a FIDO security key (sk-), which can sign but cannot decrypt; age has no recipient type for it'
    ],
    ['ecdsa-sha2-', 'age cannot encrypt to ECDSA keys'],
    ['ssh-dss', 'age cannot encrypt to DSA keys (and OpenSSH no longer accepts them)'],
    ['ssh-ed448', 'age cannot encrypt to Ed448 keys']
];
function unusableReason(keyType) {
    if (keyType.includes('-cert-v'))
        return 'it is an OpenSSH certificate; give the plain public key';
    const known = UNUSABLE_SSH_TYPES.find(([prefix]) => keyType.startsWith(prefix));
    return known?.[1] ?? `age cannot encrypt to ${keyType} keys`;
}
const SSH_KEY_TYPE = /^[a-z0-9][a-z0-9@.-]{0,63}$/;
/** Canonical padded base64, as OpenSSH writes it. */
const BASE64 = /^(?:[A-Za-z0-9+/]{4})*(?:[A-Za-z0-9+/]{2}==|[A-Za-z0-9+/]{3}=)?$/;
function parseSshKey(line) {
    const [keyType = '', encoded = '', ...commentWords] = line.split(/[ \t]+/);
    if (!SSH_KEY_TYPE.test(keyType))
        throw invalidKey(line, 'it does not start with a key type');
    if (encoded === '' || !BASE64.test(encoded)) {
        throw invalidKey(line, 'the key type is not followed by the key in base64');
    }
    const wire = new Uint8Array(Buffer.from(encoded, 'base64'));
    const reader = new WireReader(wire, line);
    const innerType = Buffer.from(reader.string()).toString('latin1');
    if (innerType !== keyType) {
        throw invalidKey(line, 'the key inside is not of the type the line names');
    }
    const fingerprint = `SHA256:${(0,external_node_crypto_.createHash)('sha256').update(wire).digest('base64').replace(/=+$/, '')}`;
    const common = {
        fingerprint,
        publicKey: `${keyType} ${encoded}`,
        comment: (0,core_text/* cutText */.IN)((0,core_text/* singleLine */.pF)(commentWords.join(' ')), MAX_COMMENT_LENGTH),
        wire
    };
    if (keyType === 'ssh-ed25519') {
        const point = reader.string();
        reader.end();
        if (point.length !== 32)
            throw invalidKey(line, 'an Ed25519 key is 32 bytes');
        return { type: keyType, ...common, x25519PublicKey: ed25519ToX25519(point, line) };
    }
    if (keyType === 'ssh-rsa') {
        const exponent = reader.positiveInteger();
        const modulus = reader.positiveInteger();
        reader.end();
        const bits = bitLength(modulus);
        const e = exponent.length <= 4 ? Buffer.from(exponent).readUIntBE(0, exponent.length) : 0;
        if (e < 3 || e % 2 === 0 || modulus[modulus.length - 1] % 2 === 0) {
            throw invalidKey(line, 'its RSA exponent or modulus is not valid');
        }
        if (bits < MIN_RSA_BITS) {
            return unusable(keyType, fingerprint, `its RSA key has ${bits} bits; age requires at least ${MIN_RSA_BITS}`);
        }
        if (bits > MAX_RSA_BITS) {
            return unusable(keyType, fingerprint, `its RSA key has ${bits} bits; at most ${MAX_RSA_BITS} are accepted`);
        }
        return { type: keyType, ...common, bits, modulus, exponent };
    }
    return unusable(keyType, fingerprint, unusableReason(keyType));
}
function unusable(keyType, fingerprint, reason) {
    return { type: 'unusable', keyType, fingerprint, reason };
}
/** Reads the SSH wire format's `string` and `mpint` (RFC 4251 §5) from a key blob. */
class WireReader {
    bytes;
    line;
    offset = 0;
    constructor(bytes, line) {
        this.bytes = bytes;
        this.line = line;
    }
    string() {
        if (this.offset + 4 > this.bytes.length)
            throw this.truncated();
        const length = new DataView(this.bytes.buffer, this.bytes.byteOffset).getUint32(this.offset);
        const start = this.offset + 4;
        if (length > this.bytes.length - start)
            throw this.truncated();
        this.offset = start + length;
        return this.bytes.subarray(start, this.offset);
    }
    /** An `mpint` that must be positive, without its leading zero byte. */
    positiveInteger() {
        const value = this.string();
        const first = value.findIndex(byte => byte !== 0);
        // Negative (the top bit set) or zero: not an RSA exponent or modulus.
        if (value.length === 0 || value[0] & 0x80 || first === -1) {
            throw invalidKey(this.line, 'its RSA numbers are not valid');
        }
        return value.subarray(first);
    }
    end() {
        if (this.offset !== this.bytes.length) {
            throw invalidKey(this.line, 'the key has extra bytes at its end');
        }
    }
    truncated() {
        return invalidKey(this.line, 'the key is truncated');
    }
}
function bitLength(bigEndian) {
    return (bigEndian.length - 1) * 8 + (bigEndian[0] ?? 0).toString(2).length;
}
// --- Ed25519 → X25519 (RFC 7748 §4.1, RFC 8032 §5.1.3) ----------------------------------------
const P = 2n ** 255n - 19n;
/** The Edwards curve's d = −121665/121666 mod p (RFC 8032 §5.1). */
const D = 37095705934669439343138083508754565189542113879843219016388785533085940283555n;
/**
 * X25519 public keys of small order, which would make every shared secret zero (from
 * https://cr.yp.to/ecdh.html#validate; Node's X25519 refuses them at encryption time).
 */
const SMALL_ORDER_U = new Set([
    0n,
    1n,
    P - 1n,
    littleEndianToBigInt(Buffer.from('e0eb7a7c3b41b8ae1656e3faf19fc46ada098deb9c32b1fd866205165f49b800', 'hex')),
    littleEndianToBigInt(Buffer.from('5f9c95bca3508c24b1d0b1559c83ef5b04445cc4581c8e86d8224eddd09f1157', 'hex'))
]);
/**
 * The Montgomery u-coordinate of an Ed25519 public key, as age's agessh takes it
 * (`edwards25519.Point.BytesMontgomery`): the birational map of RFC 7748 §4.1,
 * u = (1 + y) / (1 − y) mod p. The point is first checked to be a valid encoding
 * (RFC 8032 §5.1.3: y < p, and x² = (y² − 1) / (d·y² + 1) has a root).
 */
function ed25519ToX25519(encoded, line) {
    const value = littleEndianToBigInt(encoded);
    const y = value & ((1n << 255n) - 1n);
    const xIsOdd = value >> 255n === 1n;
    const ySquared = (y * y) % P;
    const u = mod(ySquared - 1n);
    const v = mod(D * ySquared + 1n);
    // A square root candidate of u/v (RFC 8032 §5.1.3 step 2), then whether it squares to ±u/v.
    const x = mod(u * power(v, 3n) * power(u * power(v, 7n), (P - 5n) / 8n));
    const vxx = mod(v * x * x);
    const onCurve = vxx === u || vxx === mod(-u);
    if (y >= P || !onCurve || (u === 0n && xIsOdd) || y === 1n) {
        throw invalidKey(line, 'its Ed25519 key is not a valid point');
    }
    const montgomery = mod((1n + y) * power(mod(1n - y), P - 2n));
    if (SMALL_ORDER_U.has(montgomery))
        throw invalidKey(line, 'its Ed25519 key is a weak point');
    return bigIntToLittleEndian(montgomery);
}
function mod(value) {
    const r = value % P;
    return r < 0n ? r + P : r;
}
function power(base, exponent) {
    let result = 1n;
    let b = mod(base);
    for (let e = exponent; e > 0n; e >>= 1n) {
        if (e & 1n)
            result = (result * b) % P;
        b = (b * b) % P;
    }
    return result;
}
function littleEndianToBigInt(bytes) {
    return BigInt(`0x${Buffer.from(bytes).reverse().toString('hex') || '0'}`);
}
function bigIntToLittleEndian(value) {
    return new Uint8Array(Buffer.from(value.toString(16).padStart(64, '0'), 'hex').reverse());
}
// --- age recipients (Bech32, BIP 173) -------------------------------------------------------
const BECH32_CHARSET = 'qpzry9x8gf2tvdw0s3jn54khce6mua7l';
const BECH32_GENERATORS = [0x3b6a57b2, 0x26508e6d, 0x1ea119fa, 0x3d4233dd, 0x2a1462b3];
function parseAgeRecipient(line) {
    if (line !== line.toLowerCase() && line !== line.toUpperCase()) {
        throw invalidKey(line, 'an age recipient is not mixed case');
    }
    const text = line.toLowerCase();
    const separator = text.lastIndexOf('1');
    const hrp = text.slice(0, separator);
    // The human-readable part is shown in a note when the key is unusable: letters and digits only.
    if (!/^age[a-z0-9]{0,40}$/.test(hrp))
        throw invalidKey(line, 'it is not an age recipient');
    const data = [...text.slice(separator + 1)].map(c => BECH32_CHARSET.indexOf(c));
    if (data.length < 6 || data.includes(-1) || bech32Polymod([...hrpExpand(hrp), ...data]) !== 1) {
        throw invalidKey(line, 'it is not a valid age recipient (Bech32 checksum or characters)');
    }
    if (hrp !== 'age') {
        // age1pq1…, age1tag1…, age1yubikey1…: post-quantum, tagged and plugin recipients.
        return unusable(hrp, undefined, `only X25519 (age1…) recipients are supported, not ${hrp}1…`);
    }
    const key = fromFiveBitGroups(data.slice(0, -6));
    if (key?.length !== 32)
        throw invalidKey(line, 'an X25519 age recipient holds 32 bytes');
    // X25519 ignores the top bit and reduces mod p (RFC 7748 §5).
    if (SMALL_ORDER_U.has(mod(littleEndianToBigInt(key) & ((1n << 255n) - 1n)))) {
        throw invalidKey(line, 'it is a weak X25519 point');
    }
    return { type: 'x25519', fingerprint: text, publicKey: text, comment: '', x25519PublicKey: key };
}
function hrpExpand(hrp) {
    const codes = [...hrp].map(c => c.charCodeAt(0));
    return [...codes.map(c => c >> 5), 0, ...codes.map(c => c & 31)];
}
function bech32Polymod(values) {
    let checksum = 1;
    for (const value of values) {
        const top = checksum >>> 25;
        checksum = ((checksum & 0x1ffffff) << 5) ^ value;
        BECH32_GENERATORS.forEach((generator, bit) => {
            if ((top >>> bit) & 1)
                checksum ^= generator;
        });
    }
    return checksum >>> 0;
}
/** 5-bit groups → bytes; undefined when the padding is not zero bits shorter than a group. */
function fromFiveBitGroups(groups) {
    const bytes = [];
    let accumulator = 0;
    let bits = 0;
    for (const group of groups) {
        accumulator = ((accumulator << 5) | group) & 0xfff;
        bits += 5;
        if (bits >= 8) {
            bits -= 8;
            bytes.push((accumulator >> bits) & 0xff);
        }
    }
    if (bits >= 5 || (accumulator & ((1 << bits) - 1)) !== 0)
        return undefined;
    return new Uint8Array(bytes);
}

;// CONCATENATED MODULE: ./src/delivery/age.ts
/**
 * The age v1 file format (age-encryption.org/v1, C2SP age.md), encryption only, with the native
 * X25519 recipient stanza and the `ssh-ed25519` and `ssh-rsa` stanzas of the reference
 * implementation (filippo.io/age, agessh/agessh.go), which `age -d -i ~/.ssh/id_ed25519` reads.
 *
 * Why on `node:crypto` alone, without the npm `age-encryption` package: that package has no SSH
 * recipients, so the two SSH stanzas (the point of this module) would be written here anyway, on
 * `@noble/curves` and `@noble/hashes`; what it would save is the header and the STREAM payload,
 * about 60 lines. Node already has every primitive (X25519, HKDF-SHA-256, HMAC-SHA-256,
 * ChaCha20-Poly1305, RSA-OAEP-SHA-256 with a label), all in OpenSSL, so the module costs the
 * bundle no dependency and no ESM-only package (this module and recipients.ts add about 12 KB to a
 * minified bundle), and every byte it writes is checked by the real `age` CLI in the tests. The one
 * piece of curve arithmetic Node lacks, an Ed25519 public key's X25519 form with its validation,
 * is about 40 BigInt lines in recipients.ts.
 */


const VERSION_LINE = 'age-encryption.org/v1';
const FILE_KEY_BYTES = 16;
const PAYLOAD_NONCE_BYTES = 16;
/** The payload's plaintext chunk size (C2SP age.md, "Payload"). */
const PAYLOAD_CHUNK_BYTES = 64 * 1024;
/** Stanza bodies are base64 wrapped at 64 columns. */
const STANZA_LINE_LENGTH = 64;
const X25519_LABEL = 'age-encryption.org/v1/X25519';
const SSH_ED25519_LABEL = 'age-encryption.org/v1/ssh-ed25519';
const SSH_RSA_LABEL = 'age-encryption.org/v1/ssh-rsa';
/**
 * Encrypts `plaintext` to every recipient, as one age v1 file (binary, not armored): a header with
 * one stanza per recipient and its MAC, then the STREAM payload in 64 KiB chunks. Any of the
 * recipients' private keys opens it (`age -d -i KEY`).
 *
 * @param random the file key, ephemeral secrets and payload nonce come from it (RSA-OAEP's seed
 *   comes from Node's own CSPRNG)
 * @throws RecipientKeyError when `recipients` is empty
 */
async function encryptAge(plaintext, recipients, random = external_node_crypto_.randomBytes) {
    if (recipients.length === 0) {
        throw new RecipientKeyError('An age file needs at least one recipient key.');
    }
    const fileKey = takeRandom(random, FILE_KEY_BYTES);
    const stanzas = recipients.map(recipient => wrapFileKey(fileKey, recipient, random));
    const header = encodeHeader(stanzas, fileKey);
    const nonce = takeRandom(random, PAYLOAD_NONCE_BYTES);
    const payloadKey = hkdf(fileKey, nonce, 'payload');
    return Buffer.concat([header, nonce, ...streamEncrypt(payloadKey, plaintext)]);
}
/** `size` bytes from `random`, refusing a source that returns fewer (a broken test double). */
function takeRandom(random, size) {
    const bytes = random(size);
    if (bytes.length !== size) {
        throw new Error(`random source returned ${bytes.length} of ${size} bytes`);
    }
    return bytes;
}
function wrapFileKey(fileKey, recipient, random) {
    switch (recipient.type) {
        case 'x25519':
            return x25519Stanza(fileKey, recipient.x25519PublicKey, random);
        case 'ssh-ed25519':
            return sshEd25519Stanza(fileKey, recipient.wire, recipient.x25519PublicKey, random);
        case 'ssh-rsa':
            return sshRsaStanza(fileKey, recipient.wire, rsaPublicKey(recipient.modulus, recipient.exponent));
    }
}
/**
 * C2SP age.md, "X25519 recipient stanza": `-> X25519 <ephemeral share>`, body = the file key
 * sealed with HKDF(shared secret, salt = share || recipient, "age-encryption.org/v1/X25519").
 */
function x25519Stanza(fileKey, recipient, random) {
    const ephemeral = takeRandom(random, 32);
    const share = x25519PublicKey(ephemeral);
    const sharedSecret = x25519(ephemeral, recipient);
    const wrapKey = hkdf(sharedSecret, concat(share, recipient), X25519_LABEL);
    return { args: ['X25519', base64(share)], body: sealFileKey(wrapKey, fileKey) };
}
/**
 * agessh `Ed25519Recipient.Wrap`: `-> ssh-ed25519 <key tag> <ephemeral share>`. Like X25519 to
 * the key's Montgomery form, except that the shared secret is multiplied once more by a tweak
 * bound to the SSH key, HKDF(ikm = empty, salt = SSH wire key, label), and the label is
 * "age-encryption.org/v1/ssh-ed25519". (agessh calls `hkdf.New(sha256.New, nil, key, label)`,
 * whose second argument is the secret and third the salt.)
 */
function sshEd25519Stanza(fileKey, sshWire, recipient, random) {
    const ephemeral = takeRandom(random, 32);
    const share = x25519PublicKey(ephemeral);
    const tweak = hkdf(new Uint8Array(0), sshWire, SSH_ED25519_LABEL);
    const sharedSecret = x25519(tweak, x25519(ephemeral, recipient));
    const wrapKey = hkdf(sharedSecret, concat(share, recipient), SSH_ED25519_LABEL);
    return {
        args: ['ssh-ed25519', sshKeyTag(sshWire), base64(share)],
        body: sealFileKey(wrapKey, fileKey)
    };
}
/**
 * agessh `RSARecipient.Wrap`: `-> ssh-rsa <key tag>`, body = RSA-OAEP(SHA-256, label
 * "age-encryption.org/v1/ssh-rsa") of the file key.
 */
function sshRsaStanza(fileKey, sshWire, key) {
    const body = (0,external_node_crypto_.publicEncrypt)({
        key,
        padding: external_node_crypto_.constants.RSA_PKCS1_OAEP_PADDING,
        oaepHash: 'sha256',
        oaepLabel: Buffer.from(SSH_RSA_LABEL)
    }, fileKey);
    return { args: ['ssh-rsa', sshKeyTag(sshWire)], body };
}
/** agessh `sshFingerprint`: the first 4 bytes of SHA-256 of the SSH wire key, unpadded base64. */
function sshKeyTag(sshWire) {
    return base64(sha256(sshWire).subarray(0, 4));
}
/**
 * C2SP age.md, "Header": the version line, the stanzas (arguments on a `->` line, body in base64
 * wrapped at 64 columns, always ending with a line shorter than 64, possibly empty), then `---`
 * and the HMAC-SHA-256 of everything up to and including `---` under HKDF(file key, "header").
 */
function encodeHeader(stanzas, fileKey) {
    const lines = [VERSION_LINE];
    for (const { args, body } of stanzas) {
        lines.push(`-> ${args.join(' ')}`);
        const encoded = base64(body);
        for (let start = 0;; start += STANZA_LINE_LENGTH) {
            const line = encoded.slice(start, start + STANZA_LINE_LENGTH);
            lines.push(line);
            if (line.length < STANZA_LINE_LENGTH)
                break;
        }
    }
    const macInput = `${lines.join('\n')}\n---`;
    const mac = (0,external_node_crypto_.createHmac)('sha256', hkdf(fileKey, new Uint8Array(0), 'header'))
        .update(macInput)
        .digest();
    return Buffer.from(`${macInput} ${base64(mac)}\n`);
}
/**
 * C2SP age.md, "Payload": ChaCha20-Poly1305 over 64 KiB chunks, the nonce an 11-byte big-endian
 * chunk counter and a last byte of 1 on the final chunk, 0 before. The final chunk is empty only
 * when the whole plaintext is, so a plaintext of exactly 64 KiB is one final chunk.
 */
function streamEncrypt(payloadKey, plaintext) {
    const chunkCount = Math.max(1, Math.ceil(plaintext.length / PAYLOAD_CHUNK_BYTES));
    const chunks = [];
    for (let index = 0; index < chunkCount; index++) {
        const nonce = Buffer.alloc(12);
        nonce.writeUIntBE(index, 5, 6);
        nonce[11] = index === chunkCount - 1 ? 1 : 0;
        const chunk = plaintext.subarray(index * PAYLOAD_CHUNK_BYTES, (index + 1) * PAYLOAD_CHUNK_BYTES);
        chunks.push(chacha20Poly1305(payloadKey, nonce, chunk));
    }
    return chunks;
}
/** The stanzas' AEAD: ChaCha20-Poly1305 with the all-zero nonce (each wrap key is used once). */
function sealFileKey(wrapKey, fileKey) {
    return chacha20Poly1305(wrapKey, Buffer.alloc(12), fileKey);
}
/** Ciphertext followed by the 16-byte tag. */
function chacha20Poly1305(key, nonce, plaintext) {
    const cipher = (0,external_node_crypto_.createCipheriv)('chacha20-poly1305', key, nonce, { authTagLength: 16 });
    return Buffer.concat([cipher.update(plaintext), cipher.final(), cipher.getAuthTag()]);
}
function hkdf(ikm, salt, info) {
    return new Uint8Array((0,external_node_crypto_.hkdfSync)('sha256', ikm, salt, info, 32));
}
// Node takes raw X25519 keys only inside DER: PKCS #8 and SPKI with the X25519 OID (RFC 8410).
const X25519_PKCS8_PREFIX = Buffer.from('302e020100300506032b656e04220420', 'hex');
const X25519_SPKI_PREFIX = Buffer.from('302a300506032b656e032100', 'hex');
function x25519PrivateKey(scalar) {
    return (0,external_node_crypto_.createPrivateKey)({
        key: concat(X25519_PKCS8_PREFIX, scalar),
        format: 'der',
        type: 'pkcs8'
    });
}
/** X25519(scalar, basepoint) (RFC 7748 §6.1). */
function x25519PublicKey(scalar) {
    const spki = (0,external_node_crypto_.createPublicKey)(x25519PrivateKey(scalar)).export({ format: 'der', type: 'spki' });
    return new Uint8Array(spki.subarray(X25519_SPKI_PREFIX.length));
}
/** X25519(scalar, u) (RFC 7748 §5); OpenSSL refuses an all-zero result (a small-order u). */
function x25519(scalar, u) {
    const publicKey = (0,external_node_crypto_.createPublicKey)({
        key: concat(X25519_SPKI_PREFIX, u),
        format: 'der',
        type: 'spki'
    });
    return new Uint8Array((0,external_node_crypto_.diffieHellman)({ privateKey: x25519PrivateKey(scalar), publicKey }));
}
function rsaPublicKey(modulus, exponent) {
    const n = Buffer.from(modulus).toString('base64url');
    const e = Buffer.from(exponent).toString('base64url');
    return (0,external_node_crypto_.createPublicKey)({ key: { kty: 'RSA', n, e }, format: 'jwk' });
}
function sha256(bytes) {
    return (0,external_node_crypto_.createHash)('sha256').update(bytes).digest();
}
/** age's base64: standard alphabet, no padding (C2SP age.md, "Conventions"). */
function base64(bytes) {
    return Buffer.from(bytes).toString('base64').replace(/=+$/, '');
}
function concat(...parts) {
    return Buffer.concat(parts);
}

;// CONCATENATED MODULE: ./src/delivery/github-keys.ts
/**
 * A GitHub account's public SSH keys (`GET /users/{username}/keys`, Octokit's
 * `rest.users.listPublicKeysForUser`), read page by page through the run's dispatcher
 * (src/github/client.ts `createOctokit`), with the job's token or none, and sorted into the keys age
 * can encrypt to and the ones it cannot (ECDSA, `sk-` security keys…), which are named so the log
 * can say they were skipped. The answer is checked before any key in it is used.
 */


/** Keys per page: GitHub's largest. */
const PER_PAGE = 100;
/** The most pages read: 300 keys is more than any person has. */
const MAX_PAGES = 3;
/**
 * src/github/client.ts, loaded on the first `github:` recipient: a dynamic import, so that the
 * bundler puts it, undici's `fetch` and Octokit (about 0.9 MB) in a chunk file of their own,
 * read only then; a run whose recipients are all keys given in the workflow never reads it.
 * (A static import, even of `readOctokitFailure` alone, would put them back in the delivery chunk's
 * group, loaded with any recipient.)
 */
function loadGitHubClient() {
    return Promise.all(/* import() */[__webpack_require__.e(413), __webpack_require__.e(584)]).then(__webpack_require__.bind(__webpack_require__, 6584));
}
/**
 * The reader of accounts' keys, its Octokit built on first use (so the GitHub client and
 * @actions/github load only when a `github:` recipient is there).
 */
function createGitHubKeysReader(parameters) {
    let started;
    return async (username) => {
        started ??= loadGitHubClient().then(async (github) => ({
            github,
            octokit: await github.createOctokit(parameters)
        }));
        const { github, octokit } = await started;
        const lines = await listKeyLines(github, octokit, username, parameters);
        return sortKeys(username, lines);
    };
}
/** Every key line of the account, page by page: by page number, never by the `Link` URLs. */
async function listKeyLines(github, octokit, username, { rpc, settings }) {
    const lines = [];
    for (let page = 1;; page++) {
        let answer;
        try {
            answer = await octokit.rest.users.listPublicKeysForUser({
                username,
                per_page: PER_PAGE,
                page
            });
        }
        catch (error) {
            throw keysFailure(github.readOctokitFailure(error, rpc.redact), username, settings);
        }
        const { data, headers } = answer;
        if (!Array.isArray(data))
            throw unexpectedKeysAnswer(username, 'is not a list');
        data.forEach((item, index) => {
            const key = item?.key;
            if (typeof key !== 'string' || key.length > MAX_RECIPIENT_KEY_LENGTH || /[\r\n]/.test(key)) {
                throw unexpectedKeysAnswer(username, `has an entry [${index}] that is not one key line`);
            }
            lines.push(key);
        });
        if (!/\brel="next"/.test(String(headers.link ?? '')))
            return lines;
        if (page >= MAX_PAGES) {
            throw new errors/* RecipientError */.UQ(`GitHub lists more than ${MAX_PAGES * PER_PAGE} public keys for github:${username}; give that person's key itself instead (an "ssh-ed25519 AAAA…" line, or age1…).`);
        }
    }
}
function unexpectedKeysAnswer(username, problem) {
    return new errors/* GitHubError */.y_(0, `Unexpected answer from the GitHub API: the public keys of github:${username} ${problem}. Something other than GitHub answered, or changed the answer on its way (a proxy?); the answer was not used.`);
}
/** The keys age can use, and the others with why. A key GitHub lists that cannot be read is skipped too. */
function sortKeys(username, lines) {
    const usable = [];
    const skipped = [];
    const seen = new Set();
    for (const line of lines) {
        let key;
        try {
            key = parseRecipientKey(line);
        }
        catch (error) {
            if (!(error instanceof errors/* ExpectedFailure */.Hb))
                throw error;
            skipped.push({ keyType: 'unreadable', fingerprint: undefined, reason: error.message });
            continue;
        }
        if (key.type === 'unusable') {
            skipped.push({ keyType: key.keyType, fingerprint: key.fingerprint, reason: key.reason });
        }
        else if (!seen.has(key.fingerprint)) {
            seen.add(key.fingerprint);
            usable.push(key);
        }
    }
    return { username, usable, skipped };
}
/**
 * The action's error for a failed keys request: the run's own (transport, deadline, cancellation)
 * as it is; an error answer as a {@link RecipientError} (no such account) or a
 * {@link GitHubError} that says what to do.
 */
function keysFailure(failure, username, settings) {
    if (failure.kind !== 'answer')
        return failure.error;
    const { status, said, rateLimited } = failure.answer;
    if (status === 404) {
        return new errors/* RecipientError */.UQ(`GitHub has no account github:${username} (HTTP 404 at ${settings.apiUrl}): check the username in the recipient.`);
    }
    const refused = `GitHub refused to list the public keys of github:${username} (HTTP ${status}${said ? `: ${said}` : ''})`;
    const hint = rateLimited
        ? settings.token === undefined
            ? "GitHub's rate limit for requests without a token was reached (60 an hour): pass github-token (usually github.token), or re-run later."
            : "GitHub's API rate limit was reached: re-run later."
        : status === 401
            ? 'github-token was not accepted: pass a valid token (usually github.token), or none.'
            : status >= 500
                ? 'A passing fault of GitHub, most likely: re-run.'
                : undefined;
    return new errors/* GitHubError */.y_(status, hint ? `${refused}. ${hint}` : `${refused}.`);
}

;// CONCATENATED MODULE: ./src/delivery/deliver.ts
/**
 * Encrypted delivery: a profile written only for its person, encrypted (age v1) to every usable
 * key of theirs, as `<name>.ovpn.age`, so it can be uploaded anywhere and only they can open it
 * (`age -d -i ~/.ssh/id_ed25519 alice.smith.ovpn.age > alice.smith.ovpn`); no passphrase to send.
 *
 * main.ts loads this module (and with it the encryption code and, for `github:` recipients,
 * @actions/github) only when a recipient is given: {@link prepareDelivery} reads every key given
 * in the inputs before any network call (a bad one is an input error naming its line), and
 * returns `sealerFor`, which onboarding calls for each name before its certificate is obtained:
 * a GitHub account is read then (once per run), so an account without a usable key fails that
 * name before anything is created for it.
 */




/** The extension of an encrypted profile: age's. */
const ENCRYPTED_EXTENSION = '.age';
/**
 * Reads every key given in the inputs (a key that is not one, or one age cannot use, is an
 * {@link InputError} naming the input and line), and returns the sealer of each target.
 */
function prepareDelivery(settings, deps) {
    const given = new Map();
    for (const recipient of settings.targets.flatMap(t => t.recipients ?? [])) {
        if (recipient.kind === 'key')
            given.set(recipient, readGivenKey(recipient));
    }
    const readAccount = settings.github
        ? createGitHubKeysReader({ ...deps, settings: settings.github })
        : undefined;
    const accounts = new Map();
    const account = (username) => {
        const id = username.toLowerCase();
        let keys = accounts.get(id);
        if (keys === undefined) {
            if (readAccount === undefined)
                throw new Error('github: recipient without GitHub settings');
            keys = readAccount(username);
            accounts.set(id, keys);
            // Read once per run; a failure is reported for each name that needs the account.
            keys.catch(() => undefined);
        }
        return keys;
    };
    return async (target) => {
        const recipients = target.recipients ?? [];
        if (recipients.length === 0)
            return undefined;
        const keys = [];
        for (const recipient of recipients) {
            if (recipient.kind === 'key') {
                // Read up front for the run's own targets; any other is read now.
                keys.push(given.get(recipient) ?? readGivenKey(recipient));
                continue;
            }
            const found = await account(recipient.username);
            const from = `github:${recipient.username}`;
            for (const skipped of found.skipped) {
                deps.log(`Skipping a key of ${from}${skipped.fingerprint ? ` (${skipped.keyType} ${skipped.fingerprint})` : ''}: ${skipped.reason}`);
            }
            if (found.usable.length === 0) {
                throw new errors/* RecipientError */.UQ(`${from} has no public SSH key age can encrypt to (${found.skipped.length === 0 ? 'GitHub lists none' : `${found.skipped.length} skipped, listed above`}), so no profile was made for it and no certificate was created. Ask them to add an ssh-ed25519 or ssh-rsa key to their GitHub account (Settings → SSH and GPG keys), or give their key itself, then re-run.`);
            }
            for (const key of found.usable)
                keys.push({ key, from });
        }
        // A key given twice (itself, and through GitHub) is one stanza, named where first given.
        const unique = keys.filter((k, index) => keys.findIndex(other => other.key.fingerprint === k.key.fingerprint) === index);
        return sealer(unique);
    };
}
/** A key given in an input, read in full; its errors name the input and the line. */
function readGivenKey(recipient) {
    const { input, line } = recipient.given;
    const where = input === 'recipient' ? '' : `line ${line}: `;
    const from = input === 'names'
        ? `names line ${line}`
        : input === 'roster-file'
            ? `roster line ${line}`
            : 'recipient';
    let key;
    try {
        key = parseRecipientKey(recipient.text);
    }
    catch (error) {
        if (!(error instanceof errors/* ExpectedFailure */.Hb))
            throw error;
        throw new errors/* InputError */.dz(input, `${where}${error.message}`);
    }
    if (key.type === 'unusable') {
        throw new errors/* InputError */.dz(input, `${where}${key.reason}; give an ssh-ed25519, ssh-rsa or age1… key, or "github:USER".`);
    }
    return { key, from };
}
/** Seals profiles to `keys`: the same keys for every profile of one target. */
function sealer(keys) {
    const recipients = keys.map(({ key, from }) => ({
        type: key.type,
        fingerprint: key.fingerprint,
        from
    }));
    return {
        recipients,
        seal: async (fileName, profile) => ({
            fileName: `${fileName}${ENCRYPTED_EXTENSION}`,
            content: await encryptAge(new TextEncoder().encode(profile), keys.map(k => k.key))
        })
    };
}


/***/ })

};

//# sourceMappingURL=71.index.js.map