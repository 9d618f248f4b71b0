/* reader_internal.h - what the format readers (xml_reader.c, flat_reader.c, csv_reader.c)
 * share: the reader object, the backend table, findings and value checks. */
#ifndef CRTK_READER_INTERNAL_H
#define CRTK_READER_INTERNAL_H

#include "crtk/reader.h"
#include "io_internal.h"
#include "strbuf.h"

#include <stdint.h>
#include <string.h>

typedef struct crtk__reader_ops {
    /* Called once after the input is open: read the header / first line, set rd->info
     * (layout, version, record type), or fail. */
    int (*start)(crtk_reader *rd);
    /* Fill rec with the next patient: 1, 0 at end, <0 error (rd->err set). */
    int (*next)(crtk_reader *rd, crtk_record *rec);
    void (*free)(crtk_reader *rd);
} crtk__reader_ops;

struct crtk_reader {
    const crtk__reader_ops *ops;
    void *impl; /* backend state */
    crtk__in in;
    crtk_layouts *ls;
    crtk_reader_opts opts;
    crtk_file_info info;
    crtk_error err;
    long errors, warnings;
    long patients; /* patients returned so far */
    bool failed, done;
    /* Storage for the info strings. */
    strbuf base_uri, user_uris, spec, time_generated, extra_root, encoding;
};

/* Report a finding through the caller's callback and count it. fmt is printf-style. */
void crtk__finding(crtk_reader *rd,
                   crtk_severity sev,
                   const char *code,
                   long line,
                   long column,
                   int tumor,
                   const char *item,
                   const char *fmt,
                   ...)
#if defined(__GNUC__)
    __attribute__((format(printf, 8, 9)))
#endif
    ;

/* Set rd->err (source = file name) and return code. */
int crtk__rfail(
    crtk_reader *rd, int code, long line, long column, const char *item, const char *fmt, ...)
#if defined(__GNUC__)
    __attribute__((format(printf, 6, 7)))
#endif
    ;

/* Data type and length checks of one value, per the NAACCR XML standard (section 2.3 of
 * docs/formats.md): too long, too short, invalid for the data type. xml adds the
 * leading/trailing space checks. Reports at most one finding per value; returns 1 when it
 * reported, 0 when the value is fine. */
int crtk__check_value(crtk_reader *rd,
                      const crtk_item *it,
                      const char *v,
                      size_t len,
                      bool xml,
                      long line,
                      long column,
                      int tumor);

/* True when every byte of v is a blank (n == 0 too); inline, as it runs on every field of a
 * fixed-width line. */
static inline bool crtk__all_blank(const char *v, size_t n)
{
    /* Most fields of a real record are blank: compare 32 bytes at a time, as four words. */
    const uint64_t b8 = 0x2020202020202020u;
    uint64_t w[4];
    size_t i;

    for (; n >= 32; v += 32, n -= 32) {
        memcpy(w, v, 32);
        if (((w[0] ^ b8) | (w[1] ^ b8) | (w[2] ^ b8) | (w[3] ^ b8)) != 0)
            return false;
    }
    for (; n >= 8; v += 8, n -= 8) {
        memcpy(w, v, 8);
        if (w[0] != b8)
            return false;
    }
    for (i = 0; i < n; i++)
        if (v[i] != ' ')
            return false;
    return true;
}

/* Byte equality of two values. */
static inline bool crtk__same_value(const char *a, size_t an, const char *b, size_t bn)
{
    return an == bn && (an == 0 || !memcmp(a, b, an));
}

/* Report a grouped patient's (or the file's) level value that differs from the first
 * line's: "<item> value differs among the <what>: line L has "v", the first line (F) has
 * "first"". Shared by the fixed-width and CSV readers. */
void crtk__report_mismatch(crtk_reader *rd,
                           const char *code,
                           const char *what,
                           long line,
                           long column,
                           int tumor,
                           const char *item,
                           const char *v,
                           size_t n,
                           const char *first,
                           size_t fn,
                           long first_line);

/* Number of Unicode code points in valid UTF-8 (invalid bytes count one each). */
size_t crtk__utf8_len(const char *s, size_t n);

extern const crtk__reader_ops crtk__xml_reader_ops;
extern const crtk__reader_ops crtk__flat_reader_ops;
extern const crtk__reader_ops crtk__csv_reader_ops;

#define CRTK_DEFAULT_MAX_TUMORS 10000L

#endif
