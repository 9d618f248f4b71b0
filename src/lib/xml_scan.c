/* xml_scan.c - a byte-level look at XML markup, one pass over each byte, that refuses a tag
 * over the limits before libxml2 parses it: libxml2 2.9 compares each attribute of a tag with
 * all before it, so a 2 MB tag of 200,000 attributes took minutes. Knows comments, CDATA,
 * processing instructions and quoted values, so '<' and '=' in them count for nothing. */
#include "xml_scan_internal.h"
#include "error_internal.h"

#include <string.h>

static int scan_fail(crtk__xml_scanner *sc, crtk_error *err, const char *fmt, unsigned limit)
{
    if (err)
        err->line = sc->line;
    return crtk__fail(err, CRTK_ELIMIT, fmt, sc->tag, limit);
}

void crtk__xml_scan_init(crtk__xml_scanner *sc)
{
    memset(sc, 0, sizeof *sc);
    sc->line = 1;
}

int crtk__xml_scan(crtk__xml_scanner *sc, const char *buf, size_t n, crtk_error *err)
{
    size_t i;

    for (i = 0; i < n; i++) {
        char c = buf[i];
        if (sc->st == CRTK__XS_TEXT) {
            const char *lt = memchr(buf + i, '<', n - i);
            size_t stop = lt ? (size_t)(lt - buf) : n;
            const char *nl = buf + i;
            while ((nl = memchr(nl, '\n', (size_t)(buf + stop - nl)))) {
                sc->line++;
                nl++;
            }
            if (!lt)
                break;
            i = stop;
            sc->st = CRTK__XS_LT;
            sc->attrs = 0;
            sc->name = 0;
            sc->tag[0] = '\0';
            sc->last[0] = sc->last[1] = '\0';
            continue;
        }
        if (c == '\n')
            sc->line++;
        switch (sc->st) {
        case CRTK__XS_LT:
            if (c == '!') {
                sc->st = CRTK__XS_BANG;
                sc->nbang = 0;
            } else if (c == '?') {
                sc->st = CRTK__XS_SKIP;
                sc->end = "?>";
            } else if (c == '/') {
                sc->st = CRTK__XS_SKIP;
                sc->end = ">";
            } else {
                sc->st = CRTK__XS_NAME;
                sc->name = 1;
                sc->tag[0] = c;
                sc->tag[1] = '\0';
            }
            break;
        case CRTK__XS_NAME:
            if (c == ' ' || c == '\t' || c == '\r' || c == '\n' || c == '/') {
                sc->st = CRTK__XS_TAG;
                sc->aname = 0;
            } else if (c == '>') {
                sc->st = CRTK__XS_TEXT;
            } else {
                if (sc->name < sizeof sc->tag - 1) {
                    sc->tag[sc->name] = c;
                    sc->tag[sc->name + 1] = '\0';
                }
                if (++sc->name > CRTK_XML_MAX_NAME)
                    return scan_fail(sc, err, "element name <%s...> is longer than %u bytes",
                                     CRTK_XML_MAX_NAME);
            }
            break;
        case CRTK__XS_TAG:
            if (c == '"' || c == '\'') {
                sc->st = CRTK__XS_QUOTE;
                sc->q = c;
                sc->val = 0;
            } else if (c == '>') {
                sc->st = CRTK__XS_TEXT;
            } else if (c == '=') {
                sc->aname = 0;
                if (++sc->attrs > CRTK_XML_MAX_ATTRS)
                    return scan_fail(sc, err, "element <%s> has more than %u attributes",
                                     CRTK_XML_MAX_ATTRS);
            } else if (c == ' ' || c == '\t' || c == '\r' || c == '\n' || c == '/') {
                sc->aname = 0;
            } else if (++sc->aname > CRTK_XML_MAX_NAME) {
                return scan_fail(sc, err, "an attribute name in <%s> is longer than %u bytes",
                                 CRTK_XML_MAX_NAME);
            }
            break;
        case CRTK__XS_QUOTE:
            if (c == sc->q)
                sc->st = CRTK__XS_TAG;
            else if (++sc->val > CRTK_XML_MAX_ATTR_VALUE)
                return scan_fail(sc, err, "an attribute value in <%s> is longer than %u bytes",
                                 CRTK_XML_MAX_ATTR_VALUE);
            break;
        case CRTK__XS_BANG:
            sc->bang[sc->nbang++] = c;
            if (sc->nbang == 2 && !memcmp(sc->bang, "--", 2)) {
                sc->st = CRTK__XS_SKIP;
                sc->end = "-->";
                sc->last[0] = sc->last[1] = '\0'; /* "<!-->" does not close the comment */
                continue;
            } else if (sc->bang[0] == '[' && sc->nbang == 7) {
                sc->st = CRTK__XS_SKIP;
                sc->end = "]]>";
                sc->last[0] = sc->last[1] = '\0';
                continue;
            } else if ((sc->bang[0] != '-' && sc->bang[0] != '[') || sc->nbang == 2) {
                sc->st = CRTK__XS_SKIP; /* DOCTYPE: refused by the reader anyway */
                sc->end = ">";
                if (!sc->decl_line)
                    sc->decl_line = sc->line;
            }
            if (c == '>' && sc->st == CRTK__XS_SKIP)
                sc->st = CRTK__XS_TEXT;
            break;
        case CRTK__XS_SKIP: {
            size_t k = strlen(sc->end);
            if (c == sc->end[k - 1] && (k < 2 || sc->last[1] == sc->end[k - 2]) &&
                (k < 3 || sc->last[0] == sc->end[0]))
                sc->st = CRTK__XS_TEXT;
            break;
        }
        default:
            break;
        }
        sc->last[0] = sc->last[1];
        sc->last[1] = c;
    }
    return CRTK_OK;
}
