#ifndef MAILBATCH_PADES_H
#define MAILBATCH_PADES_H

#include <stddef.h>
#include <stdint.h>

// PAdES signatures (ETSI.CAdES.detached) through OpenSSL 3's CMS and RFC 3161 time-stamp requests
// through libcurl. Every function writes a one-line reason into `err` when it fails (returns 0 or NULL);
// buffers it returns are released with mb_pades_free.

typedef struct mb_pades_signer mb_pades_signer;

// Loads the signer's certificate, private key and chain (PEM). Checks that the key matches the
// certificate and that it is ECDSA P-256 or RSA of at least 2048 bits.
mb_pades_signer *mb_pades_signer_load(const char *certificate_file, const char *key_file, const char *chain_file, char *err, size_t errlen);
void mb_pades_signer_free(mb_pades_signer *signer);

// For doctor: validity at `now` (seconds since the epoch), key usage (digitalSignature or
// nonRepudiation), and a chain that verifies to a certificate in the chain file.
int mb_pades_signer_check(const mb_pades_signer *signer, int64_t now, char *err, size_t errlen);
// The certificate's subject, one line; its notAfter as seconds since the epoch.
int mb_pades_signer_describe(const mb_pades_signer *signer, char *subject, size_t subjectlen, int64_t *not_after);

// A detached CMS SignedData over `data` (the PDF's byte ranges, joined): content-type,
// message-digest and signing-certificate-v2 signed attributes, SHA-256, the chain embedded.
// With `ts_query` non-NULL also the RFC 3161 request (SHA-256 of the signature value, a nonce,
// the TSA's certificate asked for) to send to the time-stamp authority.
int mb_pades_sign(const mb_pades_signer *signer, const uint8_t *data, size_t len, uint8_t **cms, size_t *cms_len,
    uint8_t **ts_query, size_t *ts_query_len, char *err, size_t errlen);

// Checks the TSA's reply against the request (granted, imprint, nonce; its signature against
// `tsa_ca_file` when one is given) and adds its token to the signature as the
// signature-time-stamp unsigned attribute.
int mb_pades_add_timestamp(const uint8_t *cms, size_t cms_len, const uint8_t *ts_query, size_t ts_query_len,
    const uint8_t *ts_reply, size_t ts_reply_len, const char *tsa_ca_file, uint8_t **out, size_t *out_len, char *err, size_t errlen);

// A time-stamp request over a fixed digest, for doctor's check that the TSA answers.
int mb_pades_probe_query(uint8_t **ts_query, size_t *ts_query_len, char *err, size_t errlen);
int mb_pades_check_reply(const uint8_t *ts_query, size_t ts_query_len, const uint8_t *ts_reply, size_t ts_reply_len,
    const char *tsa_ca_file, char *err, size_t errlen);

// Posts `count` requests to the TSA at once (one libcurl multi handle), each with at most
// `timeout_seconds`. Replies[i] is NULL with reasons[i] set when request i got no usable answer.
// Returns the number of replies received.
size_t mb_tsa_post_all(const char *url, long timeout_seconds, const uint8_t *const *queries, const size_t *query_lens, size_t count,
    uint8_t **replies, size_t *reply_lens, char *reasons, size_t reasonlen);

void mb_pades_free(void *pointer);

// The offset of the first `needle` in `haystack`, or -1 (memmem: the placeholders in a written PDF).
long mb_pades_find(const uint8_t *haystack, size_t haystack_len, const uint8_t *needle, size_t needle_len);

#endif
