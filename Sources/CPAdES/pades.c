#define _GNU_SOURCE
#include "pades.h"

#include <curl/curl.h>
#include <openssl/bn.h>
#include <openssl/cms.h>
#include <openssl/err.h>
#include <openssl/evp.h>
#include <openssl/pem.h>
#include <openssl/rand.h>
#include <openssl/ts.h>
#include <openssl/x509.h>
#include <openssl/x509v3.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

struct mb_pades_signer {
    X509 *certificate;
    EVP_PKEY *key;
    STACK_OF(X509) *chain;
};

static void fail(char *err, size_t errlen, const char *what) {
    if (err == NULL || errlen == 0) return;
    unsigned long code = ERR_peek_last_error();
    if (code != 0) {
        char reason[256];
        ERR_error_string_n(code, reason, sizeof reason);
        snprintf(err, errlen, "%s (%s)", what, reason);
    } else {
        snprintf(err, errlen, "%s", what);
    }
    ERR_clear_error();
}

static STACK_OF(X509) *read_certificates(const char *file) {
    BIO *bio = BIO_new_file(file, "r");
    if (bio == NULL) return NULL;
    STACK_OF(X509) *out = sk_X509_new_null();
    X509 *x;
    while ((x = PEM_read_bio_X509(bio, NULL, NULL, NULL)) != NULL) sk_X509_push(out, x);
    ERR_clear_error();  // the end of the file reads as an error
    BIO_free(bio);
    return out;
}

mb_pades_signer *mb_pades_signer_load(const char *certificate_file, const char *key_file, const char *chain_file, char *err, size_t errlen) {
    mb_pades_signer *s = calloc(1, sizeof *s);
    STACK_OF(X509) *own = read_certificates(certificate_file);
    if (own == NULL || sk_X509_num(own) == 0) {
        if (own) sk_X509_pop_free(own, X509_free);
        fail(err, errlen, "certificate_file holds no PEM certificate");
        mb_pades_signer_free(s);
        return NULL;
    }
    s->certificate = sk_X509_shift(own);
    s->chain = own;  // anything after the first certificate counts as chain
    BIO *bio = BIO_new_file(key_file, "r");
    if (bio) s->key = PEM_read_bio_PrivateKey(bio, NULL, NULL, NULL);
    BIO_free(bio);
    if (s->key == NULL) {
        fail(err, errlen, "private_key_file holds no readable PEM private key (an encrypted key is not supported)");
        mb_pades_signer_free(s);
        return NULL;
    }
    if (chain_file != NULL) {
        STACK_OF(X509) *chain = read_certificates(chain_file);
        if (chain == NULL || sk_X509_num(chain) == 0) {
            if (chain) sk_X509_pop_free(chain, X509_free);
            fail(err, errlen, "chain_file holds no PEM certificate");
            mb_pades_signer_free(s);
            return NULL;
        }
        X509 *x;
        while ((x = sk_X509_shift(chain)) != NULL) {
            if (X509_cmp(x, s->certificate) == 0) X509_free(x);
            else sk_X509_push(s->chain, x);
        }
        sk_X509_free(chain);
    }
    if (X509_check_private_key(s->certificate, s->key) != 1) {
        fail(err, errlen, "private_key_file does not belong to certificate_file");
        mb_pades_signer_free(s);
        return NULL;
    }
    int type = EVP_PKEY_get_base_id(s->key);
    if (type == EVP_PKEY_EC) {
        char group[64] = "";
        size_t glen = 0;
        if (!EVP_PKEY_get_group_name(s->key, group, sizeof group, &glen) || strcmp(group, "prime256v1") != 0) {
            snprintf(err, errlen, "the private key is on the curve %s; an ECDSA key must be P-256 (prime256v1)", group[0] ? group : "(unknown)");
            mb_pades_signer_free(s);
            return NULL;
        }
    } else if (type == EVP_PKEY_RSA) {
        if (EVP_PKEY_get_bits(s->key) < 2048) {
            snprintf(err, errlen, "the RSA key has %d bits; at least 2048 are needed", EVP_PKEY_get_bits(s->key));
            mb_pades_signer_free(s);
            return NULL;
        }
    } else {
        snprintf(err, errlen, "the private key must be ECDSA P-256 or RSA of at least 2048 bits");
        mb_pades_signer_free(s);
        return NULL;
    }
    return s;
}

void mb_pades_signer_free(mb_pades_signer *s) {
    if (s == NULL) return;
    X509_free(s->certificate);
    EVP_PKEY_free(s->key);
    if (s->chain) sk_X509_pop_free(s->chain, X509_free);
    free(s);
}

int mb_pades_signer_describe(const mb_pades_signer *s, char *subject, size_t subjectlen, int64_t *not_after) {
    BIO *text = BIO_new(BIO_s_mem());
    X509_NAME_print_ex(text, X509_get_subject_name(s->certificate), 0, XN_FLAG_ONELINE & ~ASN1_STRFLGS_ESC_MSB);  // UTF-8 as is
    int n = BIO_read(text, subject, (int)subjectlen - 1);
    subject[n > 0 ? n : 0] = 0;
    BIO_free(text);
    struct tm tm;
    if (!ASN1_TIME_to_tm(X509_get0_notAfter(s->certificate), &tm)) return 0;
    *not_after = (int64_t)timegm(&tm);
    return 1;
}

int mb_pades_signer_check(const mb_pades_signer *s, int64_t now, char *err, size_t errlen) {
    time_t t = (time_t)now;
    if (X509_cmp_time(X509_get0_notBefore(s->certificate), &t) > 0) {
        snprintf(err, errlen, "the signing certificate is not valid yet");
        return 0;
    }
    if (X509_cmp_time(X509_get0_notAfter(s->certificate), &t) < 0) {
        snprintf(err, errlen, "the signing certificate has expired; install a renewed one in certificate_file");
        return 0;
    }
    uint32_t usage = X509_get_key_usage(s->certificate);
    if ((usage & (KU_DIGITAL_SIGNATURE | KU_NON_REPUDIATION)) == 0) {
        snprintf(err, errlen, "the signing certificate's key usage allows neither digitalSignature nor nonRepudiation");
        return 0;
    }
    if (sk_X509_num(s->chain) == 0) {
        snprintf(err, errlen, "no chain: name the issuing CA's certificates in chain_file so that readers can verify the signature");
        return 0;
    }
    X509_STORE *store = X509_STORE_new();
    for (int i = 0; i < sk_X509_num(s->chain); i++) X509_STORE_add_cert(store, sk_X509_value(s->chain, i));
    X509_STORE_CTX *ctx = X509_STORE_CTX_new();
    X509_STORE_CTX_init(ctx, store, s->certificate, s->chain);
    X509_VERIFY_PARAM *param = X509_STORE_CTX_get0_param(ctx);
    X509_VERIFY_PARAM_set_time(param, t);
    X509_VERIFY_PARAM_set_flags(param, X509_V_FLAG_PARTIAL_CHAIN);
    int ok = X509_verify_cert(ctx);
    if (ok != 1) {
        snprintf(err, errlen, "the certificate chain does not verify: %s",
            X509_verify_cert_error_string(X509_STORE_CTX_get_error(ctx)));
    }
    X509_STORE_CTX_free(ctx);
    X509_STORE_free(store);
    ERR_clear_error();
    return ok == 1;
}

static int to_der_cms(CMS_ContentInfo *cms, uint8_t **out, size_t *out_len) {
    unsigned char *buffer = NULL;
    int len = i2d_CMS_ContentInfo(cms, &buffer);
    if (len <= 0) return 0;
    *out = buffer;
    *out_len = (size_t)len;
    return 1;
}

static int make_query(const unsigned char *value, size_t value_len, uint8_t **query, size_t *query_len) {
    unsigned char digest[EVP_MAX_MD_SIZE];
    unsigned int digest_len = 0;
    if (!EVP_Digest(value, value_len, digest, &digest_len, EVP_sha256(), NULL)) return 0;
    TS_REQ *req = TS_REQ_new();
    TS_MSG_IMPRINT *imprint = TS_MSG_IMPRINT_new();
    X509_ALGOR *algorithm = X509_ALGOR_new();
    unsigned char random[8];
    BIGNUM *bn = NULL;
    ASN1_INTEGER *nonce = NULL;
    int ok = req && imprint && algorithm && TS_REQ_set_version(req, 1) &&
        X509_ALGOR_set0(algorithm, OBJ_nid2obj(NID_sha256), V_ASN1_NULL, NULL) && TS_MSG_IMPRINT_set_algo(imprint, algorithm) &&
        TS_MSG_IMPRINT_set_msg(imprint, digest, (int)digest_len) && TS_REQ_set_msg_imprint(req, imprint) &&
        RAND_bytes(random, sizeof random) == 1 && (bn = BN_bin2bn(random, sizeof random, NULL)) != NULL &&
        (nonce = BN_to_ASN1_INTEGER(bn, NULL)) != NULL && TS_REQ_set_nonce(req, nonce) && TS_REQ_set_cert_req(req, 1);
    if (ok) {
        unsigned char *buffer = NULL;
        int len = i2d_TS_REQ(req, &buffer);
        ok = len > 0;
        if (ok) {
            *query = buffer;
            *query_len = (size_t)len;
        }
    }
    ASN1_INTEGER_free(nonce);
    BN_free(bn);
    X509_ALGOR_free(algorithm);
    TS_MSG_IMPRINT_free(imprint);
    TS_REQ_free(req);
    return ok;
}

int mb_pades_sign(const mb_pades_signer *s, const uint8_t *data, size_t len, uint8_t **cms_out, size_t *cms_len,
    uint8_t **ts_query, size_t *ts_query_len, char *err, size_t errlen) {
    BIO *in = BIO_new_mem_buf(data, (int)len);
    CMS_ContentInfo *cms = CMS_sign(NULL, NULL, NULL, NULL, CMS_DETACHED | CMS_BINARY | CMS_PARTIAL);
    int ok = in != NULL && cms != NULL;
    // CMS_CADES adds the signing-certificate-v2 attribute (the signer's certificate, SHA-256).
    CMS_SignerInfo *si = ok ? CMS_add1_signer(cms, s->certificate, s->key, EVP_sha256(), CMS_BINARY | CMS_PARTIAL | CMS_NOSMIMECAP | CMS_CADES) : NULL;
    ok = ok && si != NULL;
    for (int i = 0; ok && i < sk_X509_num(s->chain); i++) ok = CMS_add1_cert(cms, sk_X509_value(s->chain, i)) == 1;
    ok = ok && CMS_final(cms, in, NULL, CMS_DETACHED | CMS_BINARY) == 1;
    ok = ok && to_der_cms(cms, cms_out, cms_len);
    if (ok && ts_query != NULL) {
        ASN1_OCTET_STRING *value = CMS_SignerInfo_get0_signature(si);
        ok = make_query(ASN1_STRING_get0_data(value), (size_t)ASN1_STRING_length(value), ts_query, ts_query_len);
        if (!ok) {
            OPENSSL_free(*cms_out);
            *cms_out = NULL;
        }
    }
    if (!ok) fail(err, errlen, "the PDF signature could not be made");
    CMS_ContentInfo_free(cms);
    BIO_free(in);
    return ok;
}

static TS_RESP *checked_reply(const uint8_t *ts_query, size_t ts_query_len, const uint8_t *ts_reply, size_t ts_reply_len,
    const char *tsa_ca_file, char *err, size_t errlen) {
    const unsigned char *p = ts_query;
    TS_REQ *req = d2i_TS_REQ(NULL, &p, (long)ts_query_len);
    p = ts_reply;
    TS_RESP *resp = d2i_TS_RESP(NULL, &p, (long)ts_reply_len);
    if (req == NULL || resp == NULL) {
        fail(err, errlen, "the time-stamp authority's answer is not an RFC 3161 time-stamp response");
        TS_REQ_free(req);
        TS_RESP_free(resp);
        return NULL;
    }
    long status = ASN1_INTEGER_get(TS_STATUS_INFO_get0_status(TS_RESP_get_status_info(resp)));
    if (status != 0 && status != 1) {
        snprintf(err, errlen, "the time-stamp authority refused the request (PKIStatus %ld)", status);
        TS_REQ_free(req);
        TS_RESP_free(resp);
        return NULL;
    }
    // The imprint, the nonce and the version always; the TSA's signature when its CA is configured.
    TS_VERIFY_CTX *ctx = TS_REQ_to_TS_VERIFY_CTX(req, NULL);
    int ok = ctx != NULL;
    if (ok && tsa_ca_file != NULL) {
        X509_STORE *store = X509_STORE_new();
        ok = store != NULL && X509_STORE_load_file(store, tsa_ca_file) == 1;
        if (ok) {
            TS_VERIFY_CTX_set_store(ctx, store);
            TS_VERIFY_CTX_add_flags(ctx, TS_VFY_SIGNATURE);
        } else {
            X509_STORE_free(store);
        }
    }
    ok = ok && TS_RESP_verify_response(ctx, resp) == 1;
    if (!ok) fail(err, errlen, "the time-stamp token does not match the request or does not verify against tsa_ca_file");
    TS_VERIFY_CTX_free(ctx);
    TS_REQ_free(req);
    if (!ok) {
        TS_RESP_free(resp);
        return NULL;
    }
    return resp;
}

int mb_pades_add_timestamp(const uint8_t *cms_der, size_t cms_len, const uint8_t *ts_query, size_t ts_query_len,
    const uint8_t *ts_reply, size_t ts_reply_len, const char *tsa_ca_file, uint8_t **out, size_t *out_len, char *err, size_t errlen) {
    TS_RESP *resp = checked_reply(ts_query, ts_query_len, ts_reply, ts_reply_len, tsa_ca_file, err, errlen);
    if (resp == NULL) return 0;
    unsigned char *token = NULL;
    int token_len = i2d_PKCS7(TS_RESP_get_token(resp), &token);
    const unsigned char *p = cms_der;
    CMS_ContentInfo *cms = d2i_CMS_ContentInfo(NULL, &p, (long)cms_len);
    CMS_SignerInfo *si = cms ? sk_CMS_SignerInfo_value(CMS_get0_SignerInfos(cms), 0) : NULL;
    // id-aa-signatureTimeStampToken (RFC 3161 appendix A), unsigned: the token is over the signature value.
    int ok = token_len > 0 && si != NULL &&
        CMS_unsigned_add1_attr_by_NID(si, NID_id_smime_aa_timeStampToken, V_ASN1_SEQUENCE, token, token_len) == 1 &&
        to_der_cms(cms, out, out_len);
    if (!ok) fail(err, errlen, "the time-stamp token could not be added to the signature");
    OPENSSL_free(token);
    CMS_ContentInfo_free(cms);
    TS_RESP_free(resp);
    return ok;
}

int mb_pades_probe_query(uint8_t **ts_query, size_t *ts_query_len, char *err, size_t errlen) {
    static const unsigned char probe[] = "mailbatch doctor";
    if (make_query(probe, sizeof probe - 1, ts_query, ts_query_len)) return 1;
    fail(err, errlen, "a time-stamp request could not be made");
    return 0;
}

int mb_pades_check_reply(const uint8_t *ts_query, size_t ts_query_len, const uint8_t *ts_reply, size_t ts_reply_len,
    const char *tsa_ca_file, char *err, size_t errlen) {
    TS_RESP *resp = checked_reply(ts_query, ts_query_len, ts_reply, ts_reply_len, tsa_ca_file, err, errlen);
    TS_RESP_free(resp);
    return resp != NULL;
}

struct reply_buffer {
    uint8_t *bytes;
    size_t len;
    int too_long;
};

static size_t collect(char *data, size_t size, size_t count, void *user) {
    struct reply_buffer *b = user;
    size_t n = size * count;
    if (b->len + n > (1u << 20)) {  // a time-stamp reply is a few KB; past 1 MiB something else answered
        b->too_long = 1;
        return 0;
    }
    uint8_t *grown = OPENSSL_realloc(b->bytes, b->len + n);
    if (grown == NULL) return 0;
    memcpy(grown + b->len, data, n);
    b->bytes = grown;
    b->len += n;
    return n;
}

/* libcurl's global setup, once per process, before this module's first transfer (the SMTP side does
   the same for its own; libcurl counts the calls). */
static pthread_once_t mb_curl_once = PTHREAD_ONCE_INIT;
static void mb_curl_global_init(void) { curl_global_init(CURL_GLOBAL_DEFAULT); }

size_t mb_tsa_post_all(const char *url, long timeout_seconds, const uint8_t *const *queries, const size_t *query_lens, size_t count,
    uint8_t **replies, size_t *reply_lens, char *reasons, size_t reasonlen) {
    pthread_once(&mb_curl_once, mb_curl_global_init);
    CURLM *multi = curl_multi_init();
    CURL **easies = calloc(count, sizeof *easies);
    struct reply_buffer *buffers = calloc(count, sizeof *buffers);
    struct curl_slist *headers = curl_slist_append(NULL, "Content-Type: application/timestamp-query");
    for (size_t i = 0; i < count; i++) {
        replies[i] = NULL;
        reply_lens[i] = 0;
        snprintf(reasons + i * reasonlen, reasonlen, "no answer");
        CURL *e = curl_easy_init();
        easies[i] = e;
        if (e == NULL) continue;
        curl_easy_setopt(e, CURLOPT_URL, url);
        curl_easy_setopt(e, CURLOPT_PROTOCOLS_STR, "http,https");
        curl_easy_setopt(e, CURLOPT_NOSIGNAL, 1L);
        curl_easy_setopt(e, CURLOPT_POST, 1L);
        curl_easy_setopt(e, CURLOPT_POSTFIELDS, queries[i]);
        curl_easy_setopt(e, CURLOPT_POSTFIELDSIZE, (long)query_lens[i]);
        curl_easy_setopt(e, CURLOPT_HTTPHEADER, headers);
        curl_easy_setopt(e, CURLOPT_TIMEOUT, timeout_seconds);
        curl_easy_setopt(e, CURLOPT_CONNECTTIMEOUT, timeout_seconds);
        curl_easy_setopt(e, CURLOPT_WRITEFUNCTION, collect);
        curl_easy_setopt(e, CURLOPT_WRITEDATA, &buffers[i]);
        curl_easy_setopt(e, CURLOPT_PRIVATE, (char *)(uintptr_t)i);
        curl_multi_add_handle(multi, e);
    }
    int running = 1;
    while (running) {
        if (curl_multi_perform(multi, &running) != CURLM_OK) break;
        if (running) curl_multi_poll(multi, NULL, 0, 1000, NULL);
    }
    size_t received = 0;
    CURLMsg *message;
    int left;
    while ((message = curl_multi_info_read(multi, &left)) != NULL) {
        if (message->msg != CURLMSG_DONE) continue;
        char *private = NULL;
        curl_easy_getinfo(message->easy_handle, CURLINFO_PRIVATE, &private);
        size_t i = (size_t)(uintptr_t)private;
        char *reason = reasons + i * reasonlen;
        long http = 0;
        curl_easy_getinfo(message->easy_handle, CURLINFO_RESPONSE_CODE, &http);
        if (message->data.result != CURLE_OK) {
            snprintf(reason, reasonlen, "%s", buffers[i].too_long ? "the answer is too long for a time-stamp reply" : curl_easy_strerror(message->data.result));
        } else if (http != 200) {
            snprintf(reason, reasonlen, "HTTP status %ld", http);
        } else {
            replies[i] = buffers[i].bytes;
            reply_lens[i] = buffers[i].len;
            buffers[i].bytes = NULL;
            reason[0] = 0;
            received++;
        }
    }
    for (size_t i = 0; i < count; i++) {
        if (easies[i]) {
            curl_multi_remove_handle(multi, easies[i]);
            curl_easy_cleanup(easies[i]);
        }
        OPENSSL_free(buffers[i].bytes);
    }
    curl_slist_free_all(headers);
    free(buffers);
    free(easies);
    curl_multi_cleanup(multi);
    return received;
}

void mb_pades_free(void *pointer) { OPENSSL_free(pointer); }

long mb_pades_find(const uint8_t *haystack, size_t haystack_len, const uint8_t *needle, size_t needle_len) {
    const uint8_t *at = memmem(haystack, haystack_len, needle, needle_len);
    return at == NULL ? -1 : (long)(at - haystack);
}
