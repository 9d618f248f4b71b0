/* xml_writer.c - NAACCR XML output in the layout of the standard's examples: one root
 * attribute per line, 4-space indentation, Items in dictionary order, blanks omitted.
 * Text is escaped by a small routine straight into the output buffer (no libxml2, no
 * allocation per item); characters XML 1.0 cannot carry are dropped with a warning, as
 * the reference implementation does, so the output always parses. */
#include "writer_internal.h"
#include "error_internal.h"
#include "layouts_internal.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define NAACCR_NS "http://naaccr.org/naaccrxml"
#define ATTR_PAD  "\n            " /* aligns root attributes under the first one */

typedef struct xw {
    const crtk_item **items[CRTK_LEVELS]; /* layout items per level, in layout order */
    int nitems[CRTK_LEVELS];
    bool roots_done;
} xw;

static int put(crtk_writer *w, const char *s, size_t n)
{
    return crtk__out_write(&w->out, s, n, &w->err);
}

static int puts_(crtk_writer *w, const char *s)
{
    return put(w, s, strlen(s));
}

/* Length of the valid UTF-8 sequence at p that XML 1.0 allows, 0 when invalid. */
static size_t utf8_char(const unsigned char *p, const unsigned char *end)
{
    unsigned c = p[0], cp;
    size_t n, i;

    if (c >= 0xC2 && c <= 0xDF)
        n = 2, cp = c & 0x1F;
    else if (c >= 0xE0 && c <= 0xEF)
        n = 3, cp = c & 0x0F;
    else if (c >= 0xF0 && c <= 0xF4)
        n = 4, cp = c & 0x07;
    else
        return 0;
    if ((size_t)(end - p) < n)
        return 0;
    for (i = 1; i < n; i++) {
        if ((p[i] & 0xC0) != 0x80)
            return 0;
        cp = (cp << 6) | (p[i] & 0x3F);
    }
    if ((n == 3 && cp < 0x800) || (n == 4 && (cp < 0x10000 || cp > 0x10FFFF)))
        return 0; /* overlong or out of range */
    if ((cp >= 0xD800 && cp <= 0xDFFF) || cp == 0xFFFE || cp == 0xFFFF)
        return 0; /* surrogates and non-characters are not XML characters */
    return n;
}

/* Write text escaped for element content (attr false) or a double-quoted attribute. CRLF
 * and CR become LF (RI); C0 controls other than TAB/LF/CR and DEL are removed (RI
 * ignoreControlCharacters); invalid UTF-8 becomes U+FFFD. Both are counted in *removed and
 * *replaced. */
static int put_text(crtk_writer *w, const char *v, size_t n, bool attr, int *removed, int *replaced)
{
    const unsigned char *p = (const unsigned char *)v, *end = p + n, *run = p;
    int rc;

    while (p < end) {
        unsigned c = *p;
        const char *rep;
        size_t skip = 1;

        if (c >= 0x20 && c < 0x7F) {
            switch (c) {
            case '&':
                rep = "&amp;";
                break;
            case '<':
                rep = "&lt;";
                break;
            case '>':
                rep = "&gt;";
                break;
            case '"':
                rep = "&quot;";
                break;
            case '\'':
                rep = "&apos;";
                break;
            default:
                p++;
                continue;
            }
        } else if (c == '\n' || c == '\t') {
            if (!attr) {
                p++;
                continue;
            }
            rep = c == '\n' ? "&#10;" : "&#9;";
        } else if (c == '\r') {
            rep = attr ? "&#10;" : "\n";
            if (p + 1 < end && p[1] == '\n')
                skip = 2;
        } else if (c < 0x80) {
            rep = "";
            (*removed)++;
        } else {
            size_t k = utf8_char(p, end);
            if (k) {
                p += k;
                continue;
            }
            rep = "\xEF\xBF\xBD";
            (*replaced)++;
        }
        if (p > run && (rc = put(w, (const char *)run, (size_t)(p - run))) < 0)
            return rc;
        if (*rep && (rc = puts_(w, rep)) < 0)
            return rc;
        p += skip;
        run = p;
    }
    if (p > run)
        return put(w, (const char *)run, (size_t)(p - run));
    return CRTK_OK;
}

static int put_attr(crtk_writer *w, bool first, const char *name, const char *v)
{
    int removed = 0, replaced = 0, rc;

    if ((rc = puts_(w, first ? " " : ATTR_PAD)) < 0 || (rc = puts_(w, name)) < 0 ||
        (rc = puts_(w, "=\"")) < 0 ||
        (rc = put_text(w, v, strlen(v), true, &removed, &replaced)) < 0 ||
        (rc = puts_(w, "\"")) < 0)
        return rc;
    if (removed || replaced)
        crtk__wwarn(w, "invalid-character", 0, 0, NULL,
                    "attribute %s: %d control character(s) removed, %d invalid byte(s) "
                    "replaced",
                    name, removed, replaced);
    w->stats.replaced_chars += replaced;
    return CRTK_OK;
}

/* extra_root holds ' p:a="v" xmlns:p="u"' as read: one attribute per line, text verbatim. */
static int put_extra_root(crtk_writer *w, const char *s)
{
    int rc;

    while (*s) {
        const char *t, *q;
        while (*s == ' ' || *s == '\t' || *s == '\n' || *s == '\r')
            s++;
        if (!*s)
            break;
        t = s;
        while (*s && *s != '=' && *s != ' ')
            s++;
        if (*s == '=' && (s[1] == '"' || s[1] == '\'') && (q = strchr(s + 2, s[1])) != NULL)
            s = q + 1;
        else
            s += strlen(s); /* not attribute-shaped: keep the rest as it is */
        if ((rc = puts_(w, ATTR_PAD)) < 0 || (rc = put(w, t, (size_t)(s - t))) < 0)
            return rc;
    }
    return CRTK_OK;
}

static bool supported_version(int v)
{
    static const int list[] = {140, 150, 160, 180, 210, 220, 230, 240, 250, 260};
    size_t i;

    for (i = 0; i < sizeof list / sizeof *list; i++)
        if (list[i] == v)
            return true;
    return false;
}

/* userDictionaryUri when the caller gave none: the user parts of a combined layout, unless
 * the only one is the version's default (which a reader applies by itself). */
static int user_uris_of(crtk_writer *w, const crtk_layout *l, strbuf *b)
{
    int i;
    char name[64];

    if (!l->base || l->nparts == 0)
        return CRTK_OK;
    snprintf(name, sizeof name, "user-defined-naaccr-dictionary-%d", l->version);
    if (l->nparts == 1 && !strcmp(crtk_layout_name(l->parts[0]), name))
        return CRTK_OK;
    for (i = 0; i < l->nparts; i++)
        if ((i && sb_addc(b, ' ') < 0) || sb_adds(b, crtk_layout_uri(l->parts[i])) < 0)
            return crtk__wfail(w, CRTK_ENOMEM, NULL, "out of memory");
    return CRTK_OK;
}

static int start(crtk_writer *w)
{
    const crtk_layout *l = w->opts.layout;
    xw *x = calloc(1, sizeof *x);
    char uri[128], rt[2] = {w->record_type, '\0'};
    const char *base = crtk_layout_uri(l);
    strbuf users = STRBUF_INIT;
    int i, lv, rc, n = crtk_layout_count(l);

    if (!x)
        return crtk__wfail(w, CRTK_ENOMEM, NULL, "out of memory");
    w->impl = x;
    for (lv = 0; lv < CRTK_LEVELS; lv++) {
        x->items[lv] = malloc((size_t)(n ? n : 1) * sizeof *x->items[lv]);
        if (!x->items[lv])
            return crtk__wfail(w, CRTK_ENOMEM, NULL, "out of memory");
    }
    for (i = 0; i < n; i++) {
        const crtk_item *it = crtk_layout_item(l, i);
        x->items[it->level][x->nitems[it->level]++] = it;
    }
    /* A combined layout answers its base dictionary's URI; others name the version's. */
    if (crtk_layout_kind_of(l) != CRTK_LAYOUT_DICTIONARY || !*base) {
        if (!supported_version(crtk_layout_version(l)))
            return crtk__wfail(w, CRTK_EUNSUPPORTED, NULL,
                               "NAACCR XML has no base dictionary for version %d",
                               crtk_layout_version(l));
        snprintf(uri, sizeof uri, NAACCR_NS "/naaccr-dictionary-%d.xml", crtk_layout_version(l));
        base = uri;
    }
    if (!w->opts.user_uris && (rc = user_uris_of(w, l, &users)) < 0)
        return rc;
    rc = puts_(w, "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<NaaccrData");
    if (rc == 0)
        rc = put_attr(w, true, "baseDictionaryUri", base);
    if (rc == 0 && w->opts.user_uris && *w->opts.user_uris)
        rc = put_attr(w, false, "userDictionaryUri", w->opts.user_uris);
    else if (rc == 0 && users.len)
        rc = put_attr(w, false, "userDictionaryUri", users.s);
    if (rc == 0)
        rc = put_attr(w, false, "recordType", rt);
    if (rc == 0 && w->opts.time_generated && *w->opts.time_generated)
        rc = put_attr(w, false, "timeGenerated", w->opts.time_generated);
    if (rc == 0)
        rc = put_attr(w, false, "specificationVersion",
                      w->opts.spec_version && *w->opts.spec_version ? w->opts.spec_version : "1.8");
    if (rc == 0)
        rc = put_attr(w, false, "xmlns", NAACCR_NS);
    if (rc == 0 && w->opts.extra_root)
        rc = put_extra_root(w, w->opts.extra_root);
    if (rc == 0)
        rc = puts_(w, ">\n");
    sb_free(&users);
    if (rc < 0)
        w->failed = true;
    return rc;
}

static const char indent[] = "                ";

static int put_items(crtk_writer *w, const crtk_record *rec, crtk_level lv, int tumor, int depth)
{
    xw *x = w->impl;
    int i, rc;

    for (i = 0; i < x->nitems[lv]; i++) {
        const crtk_item *it = x->items[lv][i];
        size_t len;
        const char *v = crtk_record_get(rec, it, tumor, &len);
        int removed = 0, replaced = 0;

        if (!v || !len)
            continue;
        if (lv == CRTK_LEVEL_ROOT && crtk_record_is_implied(rec, it))
            continue; /* stated by the NaaccrData attributes, as the source file did */
        if ((rc = put(w, indent, (size_t)depth * 4)) < 0 ||
            (rc = puts_(w, "<Item naaccrId=\"")) < 0 || (rc = puts_(w, it->id)) < 0)
            return rc;
        if (w->opts.write_item_numbers) {
            char num[32];
            int k = snprintf(num, sizeof num, "\" naaccrNum=\"%d", it->num);
            if ((rc = put(w, num, (size_t)k)) < 0)
                return rc;
        }
        if ((rc = puts_(w, "\">")) < 0 ||
            (rc = put_text(w, v, len, false, &removed, &replaced)) < 0 ||
            (rc = puts_(w, "</Item>\n")) < 0)
            return rc;
        if (removed)
            crtk__wwarn(w, "control-character-removed", w->stats.patients + 1, tumor + 1, it->id,
                        "%d control character(s) removed from %s (XML 1.0 cannot hold them)",
                        removed, it->id);
        if (replaced) {
            crtk__wwarn(w, "invalid-utf8", w->stats.patients + 1, tumor + 1, it->id,
                        "%d byte(s) of %s are not UTF-8; written as U+FFFD", replaced, it->id);
            w->stats.replaced_chars += replaced;
        }
    }
    return CRTK_OK;
}

static int
put_extensions(crtk_writer *w, const crtk_record *rec, crtk_level lv, int tumor, int depth)
{
    int e, rc, ne = crtk_record_extension_count(rec, lv, tumor);

    for (e = 0; e < ne; e++) {
        size_t len;
        const char *s = crtk_record_extension(rec, lv, tumor, e, &len);
        if ((rc = put(w, indent, (size_t)depth * 4)) < 0 || (rc = put(w, s, len)) < 0 ||
            (rc = puts_(w, "\n")) < 0)
            return rc;
    }
    return CRTK_OK;
}

static int write_patient(crtk_writer *w, const crtk_record *rec)
{
    xw *x = w->impl;
    int t, rc, nt = crtk_record_tumor_count(rec);

    if (!x->roots_done) {
        x->roots_done = true;
        if ((rc = put_items(w, rec, CRTK_LEVEL_ROOT, -1, 1)) < 0 ||
            (rc = put_extensions(w, rec, CRTK_LEVEL_ROOT, 0, 1)) < 0)
            return rc;
    }
    if ((rc = puts_(w, "    <Patient>\n")) < 0 ||
        (rc = put_items(w, rec, CRTK_LEVEL_PATIENT, -1, 2)) < 0 ||
        (rc = put_extensions(w, rec, CRTK_LEVEL_PATIENT, 0, 2)) < 0)
        return rc;
    for (t = 0; t < nt; t++) {
        if ((rc = puts_(w, "        <Tumor>\n")) < 0 ||
            (rc = put_items(w, rec, CRTK_LEVEL_TUMOR, t, 3)) < 0 ||
            (rc = put_extensions(w, rec, CRTK_LEVEL_TUMOR, t, 3)) < 0 ||
            (rc = puts_(w, "        </Tumor>\n")) < 0)
            return rc;
    }
    return puts_(w, "    </Patient>\n");
}

static int finish(crtk_writer *w)
{
    return puts_(w, "</NaaccrData>\n");
}

static void xml_free(crtk_writer *w)
{
    xw *x = w->impl;
    int lv;

    if (!x)
        return;
    for (lv = 0; lv < CRTK_LEVELS; lv++)
        free(x->items[lv]);
    free(x);
    w->impl = NULL;
}

const crtk__writer_ops crtk__xml_writer_ops = {start, write_patient, finish, xml_free};
