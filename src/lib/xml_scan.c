/* xml_scan.c - the byte pre-scanner ahead of the XML push parser (see xml_scan.h). One
 * state per position in the markup grammar; text is skipped with memchr. It never judges
 * well-formedness: what it does not follow (a DOCTYPE, broken markup) it stops following
 * ("lost"), and libxml2 reports the error at that point. */
#include "xml_scan.h"

#include <stdint.h>
#include <stdio.h>
#include <string.h>
#if defined(__SSE2__)
#include <emmintrin.h>
#endif

enum {
    S_TEXT,
    S_LT,      /* after '<' */
    S_ENDTAG,  /* in "</name S?" */
    S_BANG,    /* after "<!" */
    S_COMMENT, /* in "<!--", sub counts '-' */
    S_CDATA,   /* in "<![CDATA[", sub counts ']' */
    S_PI,      /* in "<?", sub = 1 after '?' */
    S_SNAME,   /* start tag name */
    S_STAG,    /* between attributes */
    S_ANAME,   /* attribute name */
    S_AEQ,     /* after an attribute name, before '=' */
    S_AQ,      /* after '=', before the quote */
    S_AVAL,    /* in a quoted value */
    S_SLASH,   /* after '/' in a start tag */
    S_LOST
};

void crtk__xscan_init(crtk__xscan *s)
{
    memset(s, 0, sizeof *s);
    s->state = S_TEXT;
    s->line = 1;
}

static bool is_space(unsigned char c)
{
    return c == ' ' || c == '\t' || c == '\n' || c == '\r';
}

static long fail(crtk__xscan *s, long line, const char *msg)
{
    s->err_line = line;
    snprintf(s->err, sizeof s->err, "%s", msg);
    return -1;
}

/* LF bytes in p[0..n), 16 bytes at a time with SSE2 (every x86-64), else eight at a time:
 * the per-byte matches are summed in byte lanes, at most 255 steps between two sums. */
#if defined(__SSE2__)
static size_t count_nl(const char *p, size_t n)
{
    const __m128i nl = _mm_set1_epi8('\n'), zero = _mm_setzero_si128();
    size_t k = 0, i = 0;

    while (n - i >= 16) {
        __m128i acc = zero, sums;
        size_t steps = (n - i) / 16;
        if (steps > 255)
            steps = 255;
        for (; steps; steps--, i += 16)
            acc = _mm_sub_epi8(acc, _mm_cmpeq_epi8(_mm_loadu_si128((const __m128i *)(p + i)), nl));
        sums = _mm_sad_epu8(acc, zero); /* two 64-bit sums of eight lanes */
        k += (size_t)_mm_cvtsi128_si32(sums) + (size_t)_mm_cvtsi128_si32(_mm_srli_si128(sums, 8));
    }
    for (; i < n; i++)
        k += p[i] == '\n';
    return k;
}
#else
static size_t count_nl(const char *p, size_t n)
{
    const uint64_t ones = 0x0101010101010101u, low7 = 0x7F7F7F7F7F7F7F7Fu;
    size_t k = 0, i = 0;

    while (n - i >= 8) {
        uint64_t acc = 0;
        size_t words = (n - i) / 8;
        if (words > 255)
            words = 255;
        for (; words; words--, i += 8) {
            uint64_t w, t;
            memcpy(&w, p + i, 8);
            w ^= ones * '\n';
            t = ((w & low7) + low7) | w; /* high bit clear exactly in the zero bytes */
            acc += (~t >> 7) & ones;
        }
        acc = (acc & 0x00FF00FF00FF00FFu) + ((acc >> 8) & 0x00FF00FF00FF00FFu);
        k += (size_t)((acc * 0x0001000100010001u) >> 48);
    }
    for (; i < n; i++)
        k += p[i] == '\n';
    return k;
}
#endif

/* Lines are counted lazily: s->line is the line at p[s->counted] of the current call; the
 * line of a position at or after it is counted on demand (errors, and once per call). */
static long line_at(crtk__xscan *s, const char *p, size_t pos)
{
    s->line += (long)count_nl(p + s->counted, pos - s->counted);
    s->counted = pos;
    return s->line;
}

/* The line where the construct in progress began. */
static long tag_line(crtk__xscan *s, const char *p)
{
    if (s->tag_pos != SIZE_MAX)
        s->tag_line = line_at(s, p, s->tag_pos);
    return s->tag_line;
}

/* Leave the call at p[pos]: the lines up to there are counted. */
static long ret(crtk__xscan *s, const char *p, size_t pos)
{
    tag_line(s, p);
    line_at(s, p, pos);
    return (long)pos;
}

static const char too_long[] = "markup (a tag, comment or CDATA section) is longer than 4194304 "
                               "bytes";

/* Bytes that end a name: blank, '>', '/', '='. */
static const unsigned char name_end[256] = {
    [' '] = 1, ['\t'] = 1, ['\n'] = 1, ['\r'] = 1, ['>'] = 1, ['/'] = 1, ['='] = 1,
};

long crtk__xscan_run(crtk__xscan *s, const char *p, size_t n, bool *boundary, size_t *open_at)
{
    size_t i = 0;
    char msg[160];

    *boundary = false;
    *open_at = SIZE_MAX;
    s->counted = 0;
    s->tag_pos = SIZE_MAX;
    if (s->state == S_LOST)
        return (long)n;
    while (i < n) {
        unsigned char c = (unsigned char)p[i];

        if (s->state == S_TEXT) {
            const char *lt = memchr(p + i, '<', n - i);
            size_t upto;
            if (!lt)
                return ret(s, p, n);
            upto = (size_t)(lt - p);
            /* Most tags of a file: <Item naaccrId="..."> and </Item> inside a Patient, taken
             * whole. They open an element at depth 2 or more or close one at depth 3 or more:
             * no boundary, no limit but the value's. */
            if (s->depth >= 2) {
                size_t left = n - upto;
                if (left >= 18 && !memcmp(lt, "<Item naaccrId=\"", 16)) {
                    size_t lim = left - 16;
                    const char *q;
                    if (lim > CRTK_XML_MAX_ATTR_VALUE)
                        lim = CRTK_XML_MAX_ATTR_VALUE;
                    q = memchr(lt + 16, '"', lim);
                    if (q && q + 1 < p + n && q[1] == '>') {
                        s->depth++;
                        i = (size_t)(q + 2 - p);
                        continue;
                    }
                } else if (s->depth >= 3 && left >= 7 && !memcmp(lt, "</Item>", 7)) {
                    s->depth--;
                    i = upto + 7;
                    continue;
                }
            }
            i = upto + 1;
            s->state = S_LT;
            s->open = true;
            s->tag_pos = upto;
            s->mark_len = 1;
            *open_at = upto;
            continue;
        }
        if (s->state == S_SNAME || s->state == S_ANAME) {
            /* the rest of the name in one step */
            size_t j = i;
            while (j < n && !name_end[(unsigned char)p[j]])
                j++;
            if (s->state == S_SNAME) {
                /* its start, for messages (a name continued from an earlier call may
                 * already fill s->name) */
                size_t k, at = s->name_len;
                for (k = i; k < j && at < sizeof s->name - 1; k++)
                    s->name[at++] = p[k];
                if (at < sizeof s->name)
                    s->name[at] = '\0';
            }
            s->name_len += j - i;
            s->mark_len += j - i;
            if (s->name_len > CRTK_XML_MAX_NAME) {
                snprintf(msg, sizeof msg, "%s name \"%.40s...\" is longer than %u bytes",
                         s->state == S_SNAME ? "an element" : "an attribute", s->name,
                         CRTK_XML_MAX_NAME);
                return fail(s, tag_line(s, p), msg);
            }
            if (s->mark_len > CRTK_XML_MAX_MARKUP)
                return fail(s, tag_line(s, p), too_long);
            i = j;
            if (i == n)
                break;
            s->state = s->state == S_SNAME ? S_STAG : S_AEQ;
            continue;
        }
        if (s->state == S_ENDTAG) {
            const char *gt = memchr(p + i, '>', n - i);
            size_t upto = gt ? (size_t)(gt - p) : n;
            s->mark_len += upto - i;
            if (s->mark_len > CRTK_XML_MAX_MARKUP)
                return fail(s, tag_line(s, p), too_long);
            if (!gt)
                return ret(s, p, n);
            i = upto; /* the '>' is handled below */
            c = '>';
        }
        i++;
        if (++s->mark_len > CRTK_XML_MAX_MARKUP)
            return fail(s, tag_line(s, p), too_long);
        switch (s->state) {
        case S_LT:
            if (c == '/') {
                s->state = S_ENDTAG;
            } else if (c == '!') {
                s->state = S_BANG;
                s->sub = 0;
            } else if (c == '?') {
                s->state = S_PI;
                s->sub = 0;
            } else if (is_space(c) || c == '>' || c == '<' || c == '=') {
                s->state = S_LOST;
                s->broken = !s->lost; /* not well-formed: libxml2 says where */
                s->open = false;
                return ret(s, p, n);
            } else {
                s->state = S_SNAME;
                s->name_len = 1;
                s->nattrs = 0;
                s->name[0] = (char)c;
                s->name[1] = '\0';
            }
            break;
        case S_ENDTAG: /* its '>' (the rest was skipped above) */
            s->open = false;
            s->state = S_TEXT;
            if (--s->depth <= 1) {
                if (s->depth < 0) {
                    s->state = S_LOST;
                    s->broken = !s->lost;
                    return ret(s, p, n);
                }
                *boundary = true;
                return ret(s, p, i);
            }
            break;
        case S_BANG:
            /* "<!--" comment, "<![CDATA[" section; anything else (DOCTYPE) is not followed. */
            if (s->sub == 0 && c == '-') {
                s->sub = 1;
            } else if (s->sub == 1 && c == '-') {
                s->state = S_COMMENT;
                s->sub = 0;
            } else if (s->sub == 0 && c == '[') {
                s->sub = 10;
            } else if (s->sub >= 10 && s->sub < 16 && c == "CDATA["[s->sub - 10]) {
                if (++s->sub == 16) {
                    s->state = S_CDATA;
                    s->sub = 0;
                }
            } else {
                s->state = S_LOST;
                s->lost = true;
                s->broken = false;
                s->open = false;
                return ret(s, p, n);
            }
            break;
        case S_COMMENT: /* ends at "-->" */
        case S_CDATA:   /* ends at "]]>" */
            if (c == (s->state == S_COMMENT ? '-' : ']')) {
                if (s->sub < 2)
                    s->sub++;
            } else if (c == '>' && s->sub >= 2) {
                s->open = false;
                s->state = S_TEXT;
            } else {
                s->sub = 0;
            }
            break;
        case S_PI:
            if (c == '>' && s->sub) {
                s->open = false;
                s->state = S_TEXT;
            } else {
                s->sub = c == '?';
            }
            break;
        case S_STAG:
            if (c == '>') {
                s->open = false;
                s->state = S_TEXT;
                if (++s->depth == 1) {
                    *boundary = true;
                    return ret(s, p, i);
                }
            } else if (c == '/') {
                s->state = S_SLASH;
            } else if (!is_space(c)) {
                if (++s->nattrs > CRTK_XML_MAX_ATTRS) {
                    snprintf(msg, sizeof msg, "element <%s> has more than %u attributes", s->name,
                             CRTK_XML_MAX_ATTRS);
                    return fail(s, tag_line(s, p), msg);
                }
                s->state = S_ANAME;
                s->name_len = 1;
            }
            break;
        case S_AEQ:
            if (c == '=')
                s->state = S_AQ;
            else if (!is_space(c)) {
                s->state = S_LOST;
                s->broken = !s->lost;
                s->open = false;
                return ret(s, p, n);
            }
            break;
        case S_AQ:
            if (c == '"' || c == '\'') {
                s->quote = (char)c;
                s->state = S_AVAL;
                s->vlen = 0;
            } else if (!is_space(c)) {
                s->state = S_LOST;
                s->broken = !s->lost;
                s->open = false;
                return ret(s, p, n);
            }
            break;
        case S_AVAL: {
            /* The value up to the closing quote, in one step. */
            const char *q = memchr(p + i - 1, s->quote, n - (i - 1));
            size_t upto = q ? (size_t)(q - p) : n;
            size_t run = upto - (i - 1);
            s->vlen += run;
            s->mark_len += run - 1;
            if (s->vlen > CRTK_XML_MAX_ATTR_VALUE) {
                snprintf(msg, sizeof msg,
                         "an attribute value of element <%s> is longer than %u bytes", s->name,
                         CRTK_XML_MAX_ATTR_VALUE);
                return fail(s, tag_line(s, p), msg);
            }
            if (s->mark_len > CRTK_XML_MAX_MARKUP)
                return fail(s, tag_line(s, p), too_long);
            if (q) {
                i = upto + 1;
                s->state = S_STAG;
            } else {
                i = n;
            }
            break;
        }
        case S_SLASH:
            if (c != '>') {
                s->state = S_LOST;
                s->broken = !s->lost;
                s->open = false;
                return ret(s, p, n);
            }
            s->open = false;
            s->state = S_TEXT;
            if (s->depth <= 1) {
                *boundary = true;
                return ret(s, p, i);
            }
            break;
        default:
            return ret(s, p, n);
        }
    }
    return ret(s, p, n);
}
