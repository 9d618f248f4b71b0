/* values.c - data type and length checks of one item value, in the order the NAACCR XML
 * reference implementation applies them (too long; too short for fixed-length types;
 * invalid for the type; XML only: leading/trailing space). One finding per value. */
#include "reader_internal.h"

#include <stdint.h>
#include <string.h>

/* Eight bytes at a time: printable ASCII (0x20-0x7E) needs no look at single bytes. With
 * w's bytes b, below() has a high bit set where some b < n (n <= 128: exact as to whether
 * any is), above() where b > n (n <= 127). */
#define ONES  0x0101010101010101u
#define HIGHS 0x8080808080808080u

static uint64_t below(uint64_t w, unsigned n)
{
    return (w - ONES * n) & ~w & HIGHS;
}

static uint64_t above(uint64_t w, unsigned n)
{
    return (((w & ~HIGHS) + ONES * (127 - n)) | w) & HIGHS;
}

/* The bytes at the start of v[0..n) that are printable ASCII, a multiple of 8. */
static size_t printable_prefix(const char *v, size_t n)
{
    size_t i = 0;
    uint64_t w;

    for (; n - i >= 8; i += 8) {
        memcpy(&w, v + i, 8);
        if (below(w, 0x20) | above(w, 0x7E))
            break;
    }
    return i;
}

/* Byte classes. */
enum {
    B_CTRL = 1,  /* a control character refused in any value: C0 but tab, LF, CR; DEL */
    B_WS = 2,    /* tab, LF, CR: refused in fixed-width and CSV values */
    B_DIGIT = 4, /* 0-9 */
    B_UPPER = 8, /* A-Z */
    B_CONT = 16  /* a UTF-8 continuation byte (not a character of its own) */
};

#define R4(x)  x, x, x, x
#define R16(x) R4(x), R4(x), R4(x), R4(x)
static const unsigned char cls[256] = {
    1,       1,       1,       1,       1, 1, 1, 1, 1, 2,
    2,       1,       1,       2,       1, 1,             /* 0x00: tab LF CR are B_WS */
    R16(1),                                               /* 0x10 */
    R16(0),                                               /* 0x20 */
    R4(4),   R4(4),   4,       4,       0, 0, 0, 0, 0, 0, /* 0x30: digits */
    0,       R4(8),   R4(8),   R4(8),   8, 8, 8,          /* 0x40: A-O */
    R4(8),   R4(8),   8,       8,       8, 0, 0, 0, 0, 0, /* 0x50: P-Z */
    R16(0),                                               /* 0x60 */
    R4(0),   R4(0),   R4(0),   0,       0, 0, 1,          /* 0x70: DEL */
    R16(16), R16(16), R16(16), R16(16),                   /* 0x80-0xBF: continuation */
    R16(0),  R16(0),  R16(0),  R16(0)                     /* 0xC0-0xFF: lead bytes */
};

size_t crtk__utf8_len(const char *s, size_t n)
{
    size_t i = printable_prefix(s, n), count = i;

    for (; i < n; i++)
        count += ((unsigned char)s[i] & 0xC0) != 0x80;
    return count;
}

/* Every byte of v[0..n) in class want. */
static bool all_of(const char *v, size_t n, unsigned want)
{
    size_t i;

    for (i = 0; i < n; i++)
        if (!(cls[(unsigned char)v[i]] & want))
            return false;
    return true;
}

static bool all_digits(const char *v, size_t n)
{
    return n > 0 && all_of(v, n, B_DIGIT);
}

static bool digits_at(const char *v, size_t n, size_t at, size_t k)
{
    return at + k <= n && all_digits(v + at, k);
}

/* ^(18|19|20)\d\d((0[1-9]|1[012])(0[1-9]|[12]\d|3[01])?)?$ */
static bool valid_date(const char *v, size_t n)
{
    int m, d;

    if (n != 4 && n != 6 && n != 8)
        return false;
    if (!all_digits(v, n))
        return false;
    if (!((v[0] == '1' && (v[1] == '8' || v[1] == '9')) || (v[0] == '2' && v[1] == '0')))
        return false;
    if (n >= 6) {
        m = (v[4] - '0') * 10 + (v[5] - '0');
        if (m < 1 || m > 12)
            return false;
    }
    if (n == 8) {
        d = (v[6] - '0') * 10 + (v[7] - '0');
        if (d < 1 || d > 31)
            return false;
    }
    return true;
}

/* ^\d+(\.\d+)?$ */
static bool valid_numeric(const char *v, size_t n)
{
    const char *dot = memchr(v, '.', n);

    if (!dot)
        return all_digits(v, n);
    return all_digits(v, (size_t)(dot - v)) && all_digits(dot + 1, n - (size_t)(dot - v) - 1);
}

/* FHIR-style partial dateTime: YYYY[-MM[-DD[Thh:mm:ss]]][Z|(+|-)hh:mm] (the RI's regex). */
static bool valid_datetime(const char *v, size_t n)
{
    size_t i = 4;
    int y;

    if (!digits_at(v, n, 0, 4))
        return false;
    y = (v[0] - '0') * 1000 + (v[1] - '0') * 100 + (v[2] - '0') * 10 + (v[3] - '0');
    if (y == 0)
        return false;
    if (i < n && v[i] == '-' && digits_at(v, n, i + 1, 2)) {
        int m = (v[i + 1] - '0') * 10 + (v[i + 2] - '0');
        if (m < 1 || m > 12)
            return false;
        i += 3;
        if (i < n && v[i] == '-' && digits_at(v, n, i + 1, 2)) {
            int d = (v[i + 1] - '0') * 10 + (v[i + 2] - '0');
            if (d < 1 || d > 31)
                return false;
            i += 3;
            if (i < n && v[i] == 'T') {
                int hh, mm, ss;
                if (!digits_at(v, n, i + 1, 2) || i + 3 >= n || v[i + 3] != ':' ||
                    !digits_at(v, n, i + 4, 2) || i + 6 >= n || v[i + 6] != ':' ||
                    !digits_at(v, n, i + 7, 2))
                    return false;
                hh = (v[i + 1] - '0') * 10 + (v[i + 2] - '0');
                mm = (v[i + 4] - '0') * 10 + (v[i + 5] - '0');
                ss = (v[i + 7] - '0') * 10 + (v[i + 8] - '0');
                if (hh > 23 || mm > 59 || ss > 60)
                    return false;
                i += 9;
            }
        }
    }
    if (i == n)
        return true;
    if (v[i] == 'Z')
        return i + 1 == n;
    if (v[i] == '+' || v[i] == '-') {
        int hh, mm;
        if (i + 6 != n || !digits_at(v, n, i + 1, 2) || v[i + 3] != ':' ||
            !digits_at(v, n, i + 4, 2))
            return i + 1 == n; /* a bare sign is allowed by the regex's optional group */
        hh = (v[i + 1] - '0') * 10 + (v[i + 2] - '0');
        mm = (v[i + 4] - '0') * 10 + (v[i + 5] - '0');
        return (hh <= 13 && mm <= 59) || (hh == 14 && mm == 0);
    }
    return false;
}

int crtk__check_value(crtk_reader *rd,
                      const crtk_item *it,
                      const char *v,
                      size_t len,
                      bool xml,
                      long line,
                      long column,
                      int tumor)
{
    size_t i = printable_prefix(v, len), chars = len, bad_at = SIZE_MAX;
    unsigned refuse = xml ? B_CTRL : B_CTRL | B_WS;
    bool bad = false;

    /* One pass: the characters (for the length) and the first control character. */
    for (; i < len; i++) {
        unsigned c = cls[(unsigned char)v[i]];
        chars -= c >> 4; /* B_CONT */
        if ((c & refuse) && bad_at == SIZE_MAX)
            bad_at = i;
    }
    if (chars > (size_t)it->length && !it->unlimited) {
        crtk__finding(rd, CRTK_SEV_ERROR, "value-too-long", line, column, tumor, it->id,
                      "value \"%.*s%s\" is %zu characters; %s (#%d) holds at most %d",
                      len > 40 ? 40 : (int)len, v, len > 40 ? "..." : "", chars, it->id, it->num,
                      it->length);
        return 1;
    }
    if (!rd->opts.validate_values)
        return 0;
    if (bad_at != SIZE_MAX) {
        crtk__finding(rd, CRTK_SEV_ERROR, "invalid-character", line, column, tumor, it->id,
                      "value of %s (#%d) has the control character 0x%02X at position %zu", it->id,
                      it->num, (unsigned char)v[bad_at], bad_at + 1);
        return 1;
    }
    switch (it->type) {
    case CRTK_TYPE_DIGITS:
    case CRTK_TYPE_ALPHA:
    case CRTK_TYPE_MIXED:
        if (chars < (size_t)it->length) {
            crtk__finding(rd, CRTK_SEV_ERROR, "value-too-short", line, column, tumor, it->id,
                          "value \"%.*s\" is %zu characters; %s (#%d, %s) needs exactly %d",
                          (int)len, v, chars, it->id, it->num, crtk_dtype_name(it->type),
                          it->length);
            return 1;
        }
        bad = !all_of(v, len,
                      it->type == CRTK_TYPE_DIGITS  ? B_DIGIT
                      : it->type == CRTK_TYPE_ALPHA ? B_UPPER
                                                    : B_DIGIT | B_UPPER);
        break;
    case CRTK_TYPE_NUMERIC:
        bad = !valid_numeric(v, len);
        break;
    case CRTK_TYPE_DATE:
        bad = !valid_date(v, len);
        break;
    case CRTK_TYPE_DATETIME:
        bad = !valid_datetime(v, len);
        break;
    default:
        break;
    }
    if (bad) {
        static const char *const want[] = {"",
                                           "digits 0-9 only",
                                           "upper-case letters A-Z only",
                                           "upper-case letters and digits only",
                                           "a number such as 12 or 12.5",
                                           "a date YYYY, YYYYMM or YYYYMMDD (years 1800-2099)",
                                           "a date-time such as 2024-05-01T10:30:00Z"};
        crtk__finding(rd, CRTK_SEV_ERROR, "invalid-data-type", line, column, tumor, it->id,
                      "value \"%.*s\" is not valid for %s (#%d): expected %s",
                      len > 40 ? 40 : (int)len, v, it->id, it->num, want[it->type]);
        return 1;
    }
    if (xml && len && v[0] == ' ') {
        crtk__finding(rd, CRTK_SEV_ERROR, "value-starts-with-space", line, column, tumor, it->id,
                      "value \"%.*s\" of %s starts with a space", len > 40 ? 40 : (int)len, v,
                      it->id);
        return 1;
    }
    if (xml && len && v[len - 1] == ' ') {
        crtk__finding(rd, CRTK_SEV_ERROR, "value-ends-with-space", line, column, tumor, it->id,
                      "value \"%.*s\" of %s ends with a space", len > 40 ? 40 : (int)len, v,
                      it->id);
        return 1;
    }
    return 0;
}
