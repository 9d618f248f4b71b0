/* charset.c - decoding of flat/CSV input to UTF-8 and encoding of output from UTF-8 with
 * glibc iconv. Lines of pure ASCII (the common case) are passed through untouched, so the
 * fixed-width hot path pays one scan per line. Windows-1252 leaves 0x81, 0x8D, 0x8F, 0x90
 * and 0x9D undefined and iconv refuses them; we map them to the C1 controls U+0081... as
 * Latin-1 does (NAACCR formats section 5), both ways, so such bytes survive a round trip. */
#include "charset_internal.h"
#include "error_internal.h"
#include "reader_internal.h" /* crtk__utf8_len */

#include <errno.h>
#include <stdint.h>
#include <string.h>
#include <strings.h>

int crtk__charset_parse(const char *name, crtk__charset dflt, crtk__charset *out)
{
    static const struct {
        const char *name;
        crtk__charset cs;
    } names[] = {
        {"auto", CRTK__CS_AUTO},         {"utf-8", CRTK__CS_UTF8},
        {"utf8", CRTK__CS_UTF8},         {"windows-1252", CRTK__CS_CP1252},
        {"cp1252", CRTK__CS_CP1252},     {"windows1252", CRTK__CS_CP1252},
        {"latin1", CRTK__CS_LATIN1},     {"latin-1", CRTK__CS_LATIN1},
        {"iso-8859-1", CRTK__CS_LATIN1}, {"iso8859-1", CRTK__CS_LATIN1},
        {"iso_8859-1", CRTK__CS_LATIN1},
    };
    size_t i;

    if (!name || !*name) {
        *out = dflt;
        return CRTK_OK;
    }
    for (i = 0; i < sizeof names / sizeof names[0]; i++)
        if (!strcasecmp(name, names[i].name)) {
            *out = names[i].cs;
            return CRTK_OK;
        }
    return CRTK_EARG;
}

const char *crtk__charset_name(crtk__charset cs)
{
    switch (cs) {
    case CRTK__CS_UTF8:
        return "utf-8";
    case CRTK__CS_CP1252:
        return "windows-1252";
    case CRTK__CS_LATIN1:
        return "latin1";
    default:
        return "auto";
    }
}

bool crtk__is_ascii(const char *s, size_t n)
{
    size_t i = 0;
    uint64_t acc = 0;

    for (; i + 32 <= n; i += 32) {
        uint64_t a, b, c, d;
        memcpy(&a, s + i, 8);
        memcpy(&b, s + i + 8, 8);
        memcpy(&c, s + i + 16, 8);
        memcpy(&d, s + i + 24, 8);
        if ((a | b | c | d) & UINT64_C(0x8080808080808080))
            return false;
    }
    for (; i < n; i++)
        acc |= (unsigned char)s[i];
    return !(acc & 0x80);
}

size_t crtk__utf8_seq(const unsigned char *s, size_t n)
{
    unsigned char c = s[0];

    if (c < 0x80)
        return 1;
    if (c >= 0xC2 && c <= 0xDF)
        return n >= 2 && (s[1] & 0xC0) == 0x80 ? 2 : 0;
    if (c >= 0xE0 && c <= 0xEF) {
        if (n < 3 || (s[1] & 0xC0) != 0x80 || (s[2] & 0xC0) != 0x80)
            return 0;
        if (c == 0xE0 && s[1] < 0xA0)
            return 0; /* overlong */
        if (c == 0xED && s[1] >= 0xA0)
            return 0; /* surrogate */
        return 3;
    }
    if (c >= 0xF0 && c <= 0xF4) {
        if (n < 4 || (s[1] & 0xC0) != 0x80 || (s[2] & 0xC0) != 0x80 || (s[3] & 0xC0) != 0x80)
            return 0;
        if (c == 0xF0 && s[1] < 0x90)
            return 0; /* overlong */
        if (c == 0xF4 && s[1] >= 0x90)
            return 0; /* above U+10FFFF */
        return 4;
    }
    return 0;
}

size_t crtk__utf8_check(const char *s, size_t n)
{
    const unsigned char *p = (const unsigned char *)s;
    size_t i = 0;

    while (i < n) {
        size_t k;
        if (p[i] < 0x80) {
            i++;
            continue;
        }
        k = crtk__utf8_seq(p + i, n - i);
        if (!k)
            return i;
        i += k;
    }
    return n;
}

/* ---- decoding ---- */

static bool undefined_1252(unsigned char c)
{
    return c == 0x81 || c == 0x8D || c == 0x8F || c == 0x90 || c == 0x9D;
}

int crtk__decoder_open(crtk__decoder *d, const char *name, crtk_error *err)
{
    memset(d, 0, sizeof *d);
    d->cd_1252 = d->cd_latin1 = (iconv_t)-1;
    if (crtk__charset_parse(name, CRTK__CS_AUTO, &d->cs) < 0)
        return crtk__fail(err, CRTK_EARG,
                          "unknown input encoding \"%s\"; expected auto, utf-8, windows-1252 "
                          "or latin1",
                          name);
    if (d->cs == CRTK__CS_AUTO || d->cs == CRTK__CS_CP1252) {
        d->cd_1252 = iconv_open("UTF-8", "CP1252");
        if (d->cd_1252 == (iconv_t)-1)
            return crtk__fail(err, CRTK_EUNSUPPORTED, "iconv cannot decode Windows-1252");
    }
    if (d->cs == CRTK__CS_LATIN1) {
        d->cd_latin1 = iconv_open("UTF-8", "ISO-8859-1");
        if (d->cd_latin1 == (iconv_t)-1)
            return crtk__fail(err, CRTK_EUNSUPPORTED, "iconv cannot decode Latin-1");
    }
    return CRTK_OK;
}

/* Single-byte encoding to UTF-8 with iconv (at most 3 output bytes per input byte). */
static int decode_single(crtk__decoder *d, iconv_t cd, const char *s, size_t n)
{
    char *in = (char *)s, *outp;
    size_t inleft = n, outleft;

    sb_clear(&d->buf);
    if (sb_reserve(&d->buf, 3 * n + 4) < 0)
        return CRTK_ENOMEM;
    outp = d->buf.s;
    outleft = d->buf.cap - 1;
    iconv(cd, NULL, NULL, NULL, NULL);
    while (inleft) {
        size_t r = iconv(cd, &in, &inleft, &outp, &outleft);
        if (r != (size_t)-1)
            break;
        if (errno == EILSEQ && outleft >= 2) {
            /* Windows-1252 hole: take the byte as the Latin-1 C1 control. */
            unsigned char c = (unsigned char)*in;
            *outp++ = (char)(0xC0 | (c >> 6));
            *outp++ = (char)(0x80 | (c & 0x3F));
            outleft -= 2;
            in++;
            inleft--;
            continue;
        }
        return CRTK_ENOMEM; /* E2BIG cannot happen with 3n bytes reserved */
    }
    d->buf.len = (size_t)(outp - d->buf.s);
    d->buf.s[d->buf.len] = '\0';
    return CRTK_OK;
}

/* UTF-8 with invalid bytes replaced by U+FFFD, one per byte (as the RI does), so a line's
 * character count stays the byte count of the broken parts. */
static int
decode_utf8_lossy(crtk__decoder *d, const char *s, size_t n, size_t first_bad, crtk__decoded *out)
{
    const unsigned char *p = (const unsigned char *)s;
    size_t i = first_bad;

    sb_clear(&d->buf);
    if (sb_reserve(&d->buf, 3 * n + 4) < 0)
        return CRTK_ENOMEM;
    memcpy(d->buf.s, s, first_bad);
    d->buf.len = first_bad;
    out->bad_column = (long)crtk__utf8_len(s, first_bad) + 1;
    out->bad_byte = p[first_bad];
    while (i < n) {
        size_t k = p[i] < 0x80 ? 1 : crtk__utf8_seq(p + i, n - i);
        if (k) {
            memcpy(d->buf.s + d->buf.len, p + i, k);
            d->buf.len += k;
            i += k;
            continue;
        }
        memcpy(d->buf.s + d->buf.len, "\xEF\xBF\xBD", 3);
        d->buf.len += 3;
        out->bad_count++;
        i++;
    }
    d->buf.s[d->buf.len] = '\0';
    return CRTK_OK;
}

int crtk__decode(crtk__decoder *d, const char *s, size_t n, crtk__decoded *out)
{
    size_t bad;
    int rc;

    memset(out, 0, sizeof *out);
    out->s = s;
    out->len = n;
    if (crtk__is_ascii(s, n)) {
        out->ascii = true;
        out->used = d->cs == CRTK__CS_AUTO ? CRTK__CS_UTF8 : d->cs;
        return CRTK_OK;
    }
    switch (d->cs) {
    case CRTK__CS_LATIN1:
        out->used = CRTK__CS_LATIN1;
        rc = decode_single(d, d->cd_latin1, s, n);
        break;
    case CRTK__CS_CP1252:
        out->used = CRTK__CS_CP1252;
        rc = decode_single(d, d->cd_1252, s, n);
        break;
    case CRTK__CS_UTF8:
        out->used = CRTK__CS_UTF8;
        bad = crtk__utf8_check(s, n);
        if (bad == n)
            return CRTK_OK;
        rc = decode_utf8_lossy(d, s, n, bad, out);
        break;
    default:
        bad = crtk__utf8_check(s, n);
        if (bad == n) {
            d->saw_utf8 = true;
            out->used = CRTK__CS_UTF8;
            return CRTK_OK;
        }
        d->saw_1252 = true;
        out->used = CRTK__CS_CP1252;
        rc = decode_single(d, d->cd_1252, s, n);
        break;
    }
    if (rc < 0)
        return rc;
    out->s = d->buf.s;
    out->len = d->buf.len;
    return CRTK_OK;
}

void crtk__decoder_close(crtk__decoder *d)
{
    if (d->cd_1252 != (iconv_t)-1 && d->cd_1252 != NULL)
        iconv_close(d->cd_1252);
    if (d->cd_latin1 != (iconv_t)-1 && d->cd_latin1 != NULL)
        iconv_close(d->cd_latin1);
    d->cd_1252 = d->cd_latin1 = (iconv_t)-1;
    sb_free(&d->buf);
}

/* ---- encoding ---- */

int crtk__encoder_open(crtk__encoder *e, const char *name, crtk_error *err)
{
    memset(e, 0, sizeof *e);
    e->cd = (iconv_t)-1;
    if (crtk__charset_parse(name, CRTK__CS_UTF8, &e->cs) < 0 || e->cs == CRTK__CS_AUTO)
        return crtk__fail(err, CRTK_EARG,
                          "unknown output encoding \"%s\"; expected utf-8, windows-1252 or "
                          "latin1",
                          name);
    if (e->cs == CRTK__CS_UTF8)
        return CRTK_OK;
    e->cd = iconv_open(e->cs == CRTK__CS_CP1252 ? "CP1252" : "ISO-8859-1", "UTF-8");
    if (e->cd == (iconv_t)-1)
        return crtk__fail(err, CRTK_EUNSUPPORTED, "iconv cannot encode %s",
                          crtk__charset_name(e->cs));
    return CRTK_OK;
}

int crtk__encode(
    crtk__encoder *e, const char *s, size_t n, const char **out, size_t *out_len, long *replaced)
{
    char *in = (char *)s, *outp;
    size_t inleft = n, outleft;

    *out = s;
    *out_len = n;
    if (e->cs == CRTK__CS_UTF8 || crtk__is_ascii(s, n))
        return CRTK_OK;
    sb_clear(&e->buf);
    /* Every UTF-8 character is at least one byte, every target character exactly one. */
    if (sb_reserve(&e->buf, n + 4) < 0)
        return CRTK_ENOMEM;
    outp = e->buf.s;
    outleft = e->buf.cap - 1;
    iconv(e->cd, NULL, NULL, NULL, NULL);
    while (inleft) {
        size_t r = iconv(e->cd, &in, &inleft, &outp, &outleft);
        const unsigned char *p;
        size_t k;
        if (r != (size_t)-1)
            break;
        if (errno == E2BIG || outleft == 0)
            return CRTK_ENOMEM; /* cannot happen: n bytes reserved */
        p = (const unsigned char *)in;
        k = crtk__utf8_seq(p, inleft);
        if (k == 2 && e->cs == CRTK__CS_CP1252 && p[0] == 0xC2 && undefined_1252(p[1])) {
            *outp++ = (char)p[1]; /* C1 control back to its Windows-1252 hole */
        } else {
            *outp++ = '?';
            ++*replaced;
        }
        outleft--;
        if (!k)
            k = 1;
        in += k;
        inleft -= k;
    }
    e->buf.len = (size_t)(outp - e->buf.s);
    e->buf.s[e->buf.len] = '\0';
    *out = e->buf.s;
    *out_len = e->buf.len;
    return CRTK_OK;
}

void crtk__encoder_close(crtk__encoder *e)
{
    if (e->cd != (iconv_t)-1 && e->cd != NULL)
        iconv_close(e->cd);
    e->cd = (iconv_t)-1;
    sb_free(&e->buf);
}
