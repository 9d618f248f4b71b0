/* sha256_internal.h - SHA-256 (FIPS 180-4) and HMAC-SHA256 (RFC 2104): content hashes of
 * exported tumors, digests of input and output files in reports, keyed pseudonyms. */
#ifndef CRTK_SHA256_INTERNAL_H
#define CRTK_SHA256_INTERNAL_H

#include <stddef.h>
#include <stdint.h>
#include "crtk/error.h"

typedef struct crtk__sha256 {
    uint32_t h[8];
    uint64_t total;
    unsigned char buf[64];
    size_t n;
} crtk__sha256;
void crtk__sha256_init(crtk__sha256 *c);
void crtk__sha256_update(crtk__sha256 *c, const void *data, size_t len);
void crtk__sha256_final(crtk__sha256 *c, unsigned char out[32]);
typedef struct crtk__hmac {
    crtk__sha256 inner, outer;
} crtk__hmac;
void crtk__hmac_init(crtk__hmac *m, const void *key, size_t len);
void crtk__hmac_update(crtk__hmac *m, const void *data, size_t len);
void crtk__hmac_final(crtk__hmac *m, unsigned char out[32]);
/* Lower-case hex of n bytes into dst (2n+1 bytes). */
void crtk__hex(char *dst, const unsigned char *src, size_t n);

/* SHA-256 of a file's bytes as lower-case hex (65 bytes). */
int crtk__sha256_file(const char *path, char hex[65], crtk_error *err);

#endif
