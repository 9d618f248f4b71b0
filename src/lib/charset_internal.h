/* charset_internal.h - input decoding to UTF-8 and output encoding from UTF-8 (iconv),
 * with an ASCII fast path. Flat and CSV files name their encoding as an option (NAACCR
 * formats section 5): "auto" (valid UTF-8 stays UTF-8, anything else is Windows-1252),
 * "utf-8", "windows-1252"/"cp1252", "latin1"/"iso-8859-1". */
#ifndef CRTK_CHARSET_INTERNAL_H
#define CRTK_CHARSET_INTERNAL_H

#include <iconv.h>
#include <stdbool.h>
#include <stddef.h>
#include "crtk/error.h"
#include "strbuf.h"

typedef enum crtk__charset {
    CRTK__CS_AUTO = 0,
    CRTK__CS_UTF8,
    CRTK__CS_CP1252,
    CRTK__CS_LATIN1
} crtk__charset;

/* Parse an encoding name (case-insensitive; NULL or "" = dflt). Returns 0 or
 * CRTK_EARG for an unknown name. */
int crtk__charset_parse(const char *name, crtk__charset dflt, crtk__charset *out);
/* Canonical name: "auto", "utf-8", "windows-1252", "latin1". */
const char *crtk__charset_name(crtk__charset cs);

/* True when no byte is >= 0x80. */
bool crtk__is_ascii(const char *s, size_t n);
/* Length of the valid UTF-8 sequence at s (1-4), 0 when the bytes there are not valid
 * UTF-8 (overlong forms, surrogates and code points above U+10FFFF are invalid). */
size_t crtk__utf8_seq(const unsigned char *s, size_t n);
/* Offset of the first byte that is not valid UTF-8, n when all is valid. */
size_t crtk__utf8_check(const char *s, size_t n);

/* Decoder of one input file, line by line. */
typedef struct crtk__decoder {
    crtk__charset cs; /* as asked */
    iconv_t cd_1252, cd_latin1;
    strbuf buf;
    bool saw_utf8, saw_1252; /* auto: what the non-ASCII lines turned out to be */
} crtk__decoder;

/* Result of decoding one line. */
typedef struct crtk__decoded {
    const char *s; /* UTF-8 (borrowed from the input or the decoder) */
    size_t len;
    bool ascii;      /* s is the input itself, pure ASCII */
    long bad_column; /* utf-8: 1-based character column of the first invalid byte, 0 none */
    long bad_count;  /* invalid bytes (each became U+FFFD) */
    unsigned char bad_byte;
    crtk__charset used; /* the encoding this line was decoded from */
} crtk__decoded;

int crtk__decoder_open(crtk__decoder *d, const char *name, crtk_error *err);
/* Decode n bytes to UTF-8. Never fails on bad bytes (they are reported in out); returns
 * 0 or CRTK_ENOMEM. out->s is valid until the next call. */
int crtk__decode(crtk__decoder *d, const char *s, size_t n, crtk__decoded *out);
void crtk__decoder_close(crtk__decoder *d);

/* Encoder of one output file. */
typedef struct crtk__encoder {
    crtk__charset cs;
    iconv_t cd;
    strbuf buf;
} crtk__encoder;

/* name NULL = "utf-8"; "auto" is refused. */
int crtk__encoder_open(crtk__encoder *e, const char *name, crtk_error *err);
/* Encode n bytes of UTF-8. Characters the target cannot hold become '?' and are counted
 * in *replaced (added to). *out is s itself when nothing had to change, else a buffer
 * valid until the next call. Returns 0 or CRTK_ENOMEM. */
int crtk__encode(
    crtk__encoder *e, const char *s, size_t n, const char **out, size_t *out_len, long *replaced);
void crtk__encoder_close(crtk__encoder *e);

#endif
