/* xml_reader.c - streaming NAACCR XML reader on libxml2's SAX2 push parser. The input
 * module's bytes (file, stdin, memory; gzip decoded) go through a pre-scanner (xml_scan.c)
 * that refuses hostile markup before libxml2 parses it and cuts the stream just after each
 * child of NaaccrData, so that every xmlParseChunk call completes at most one Patient: the
 * reader stays a pull iterator and memory is bounded by the patient. The SAX handlers do
 * only what NAACCR needs: elements tracked by depth, names compared as interned pointers,
 * attribute values used in place, character data appended straight to the Item's value.
 * Any DOCTYPE is refused (no entity can be declared, so none can expand or load).
 * Per-item problems are findings and reading goes on; malformed XML is a fatal error.
 * Line numbers are those libxml2 has when it reports an element (the line of the end of
 * its start tag); there are no columns (column 0). */
#include "reader_internal.h"
#include "error_internal.h"
#include "layouts_internal.h"
#include "xml_scan.h"

#include <libxml/parser.h>
#include <libxml/parserInternals.h>
#include <libxml/SAX2.h>
#include <libxml/xmlerror.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define NAACCR_NS   "http://naaccr.org/naaccrxml"
#define MAX_VALUE   (1u << 20)  /* longest Item value: 1 MiB */
#define MAX_DEPTH   64          /* deepest element nesting accepted */
#define MAX_EXT     (1u << 20)  /* longest extension kept verbatim */
#define MAX_ITEMS   (1L << 20)  /* Items in one Patient (its Tumors included) */
#define MAX_DOCTYPE (64u << 10) /* bytes given to libxml2 inside a DOCTYPE before refusing */
#define RAW_NO_GT   (64u << 10) /* bytes without '>' accepted in an encoding not scanned */
#define CHUNK       (64u << 10) /* bytes read from the input at a time */
#define BASE_PREFIX "http://naaccr.org/naaccrxml/naaccr-dictionary-"

static const char *const level_names[] = {"NaaccrData", "Patient", "Tumor"};

typedef struct rootval {
    const crtk_item *it;
    size_t off, len;
} rootval;

typedef struct span {
    size_t off, len;
} span;

/* What an open element is to the reader. */
enum role { R_ROOT, R_PATIENT, R_TUMOR, R_ITEM };

typedef struct frame {
    enum role role;
    int phase; /* containers: 0 items, 1 extensions, 2 tumors */
    int tumor; /* containers: -1 Patient, else the Tumor's index */
    int prev;  /* index of the last item resolved in this container, -1 none */
} frame;

/* A namespace declared inside an extension being kept (prefixes and URIs are interned). */
typedef struct extns {
    const xmlChar *prefix, *uri;
    int depth;
} extns;

typedef struct xr {
    crtk_reader *rd;
    xmlParserCtxtPtr ctxt;
    const xmlChar *s_item, *s_patient, *s_tumor, *s_data, *s_id, *s_num, *s_xml;
    const xmlChar *naaccr_uri; /* the interned NAACCR namespace URI, once seen */
    const crtk_layout *lay;
    unsigned rtbit;
    const crtk_item *it_rt, *it_ver; /* recordType, naaccrRecordVersion */
    int *memo;                       /* crtk__layout_find_after's memory, one per level */
    int memo_n;
    size_t *idlen; /* strlen of each item's naaccrId, by index */
    /* Input and pre-scanner. */
    crtk__xscan scan;
    char *buf;
    size_t cap, len, fed, lexed, hold; /* hold: start of the open construct (scan.open) */
    bool raw;                          /* encoding not ASCII-compatible: byte by byte */
    size_t raw_since_gt, lost_bytes;
    bool eof_fed, cap_checked;
    /* Parse state. */
    int depth; /* open elements */
    frame st[MAX_DEPTH + 2];
    crtk_record *rec; /* the caller's record, during next() */
    bool root_seen, at_end, patient_ready;
    long patient_items;
    int skip_depth; /* > 0: inside a skipped subtree whose element is at depth skip_depth-1 */
    /* The Item being read. */
    strbuf val, id, num;
    bool has_id, has_num;
    const crtk_item *item_it; /* resolved when the Item started (x->id is not set then) */
    bool in_value;            /* text goes to x->val: in an Item, nothing skipped, nothing failed */
    long item_line;
    int item_tumor;
    crtk_level item_lv;
    /* Text outside an Item: one finding per text node that is not blank. */
    bool run, run_text;
    long run_line;
    /* Extension being read (ext_depth > 0: the element is at depth ext_depth-1). */
    int ext_depth;
    bool ext_keep, ext_tag_open;
    long ext_line;
    int ext_tumor, ext_phase_root;
    crtk_level ext_lv;
    strbuf ext;
    size_t ext_ins;   /* where declarations found missing are inserted */
    strbuf ext_added; /* those declarations */
    extns *ens;       /* namespaces in scope inside the extension */
    int nens, capens;
    const xmlChar **added; /* prefixes declared at the extension's top: prefix, uri pairs */
    int nadded, capadded;
    /* Root Items and extensions, read once before the first Patient, copied to each record. */
    strbuf rootbuf;
    rootval *roots;
    int nroots, caproots;
    span *rexts;
    int nrexts, caprexts;
    int root_phase; /* 0 items, 1 extensions, 2 patients */
    long doctype_line;
    bool doctype;
    /* First failure: a handler's (rd->err set), an I/O or a libxml2 error. */
    int hfail;
    bool io_failed, xml_failed;
    xmlError dw[8]; /* warnings of the look-ahead parse */
    char dwmsg[8][200];
    int ndw;
    crtk_error io_err;
    int xml_code, xml_domain;
    long xml_line, xml_col;
    char xml_msg[200];
    xmlStructuredErrorFunc saved_serror;
    void *saved_sctx;
} xr;

/* ---- libxml2 plumbing -------------------------------------------------------------------- */

static void xml_error(xr *x, xmlErrorPtr e)
{
    crtk_reader *rd = x->rd;
    size_t n;

    if (!e)
        return;
    if (e->level == XML_ERR_WARNING) {
        char msg[200];
        crtk__copy(msg, sizeof msg, e->message ? e->message : "warning");
        n = strlen(msg);
        while (n && (msg[n - 1] == '\n' || msg[n - 1] == ' '))
            msg[--n] = '\0';
        crtk__finding(rd, CRTK_SEV_WARNING, "xml-warning", e->line, e->int2, 0, NULL, "%s", msg);
        return;
    }
    if (x->xml_failed)
        return; /* the first error is the one that explains the others */
    x->xml_failed = true;
    x->in_value = false;
    x->xml_code = e->code;
    x->xml_domain = e->domain;
    x->xml_line = e->line;
    x->xml_col = e->int2;
    crtk__copy(x->xml_msg, sizeof x->xml_msg, e->message ? e->message : "malformed XML");
    n = strlen(x->xml_msg);
    while (n && (x->xml_msg[n - 1] == '\n' || x->xml_msg[n - 1] == ' '))
        x->xml_msg[--n] = '\0';
    for (n = 0; x->xml_msg[n]; n++)
        if (x->xml_msg[n] == '\n' || x->xml_msg[n] == '\r')
            x->xml_msg[n] = ' '; /* messages are one line */
}

/* The SAX handlers' context is the parser's (the default SAX2 handlers need it). */
static xr *of(void *ctx)
{
    return ((xmlParserCtxtPtr)ctx)->_private;
}

static void on_xml_error(void *ctx, xmlErrorPtr e)
{
    xml_error(of(ctx), e);
}

static void on_global_error(void *ctx, xmlErrorPtr e)
{
    xml_error(ctx, e);
}

/* Errors raised without a parser context (character conversion) go to the thread's global
 * handler: route them to us while we parse, so the library never prints. */
static void hook_errors(xr *x)
{
    x->saved_serror = xmlStructuredError;
    x->saved_sctx = xmlStructuredErrorContext;
    xmlSetStructuredErrorFunc(x, on_global_error);
}

static void unhook_errors(xr *x)
{
    xmlSetStructuredErrorFunc(x->saved_sctx, x->saved_serror);
}

static int fail_xml(crtk_reader *rd, xr *x)
{
    int code = CRTK_EPARSE;

    if (x->hfail)
        return x->hfail;
    if (x->io_failed)
        return crtk__rfail(rd, x->io_err.code ? x->io_err.code : CRTK_EIO, 0, 0, NULL, "%s",
                           x->io_err.message[0] ? x->io_err.message : "read failed");
    if (!x->xml_failed)
        return crtk__rfail(rd, CRTK_EPARSE, x->ctxt && x->ctxt->input ? x->ctxt->input->line : 0, 0,
                           NULL, "malformed XML");
    if (x->xml_domain == XML_FROM_I18N || x->xml_code == XML_ERR_INVALID_ENCODING ||
        x->xml_code == XML_ERR_UNSUPPORTED_ENCODING || x->xml_code == XML_ERR_UNKNOWN_ENCODING ||
        (x->xml_code == XML_ERR_INVALID_CHAR && strstr(x->xml_msg, "not proper UTF-8")))
        code = CRTK_EENCODING; /* libxml2 uses INVALID_CHAR for both: tell them apart */
    return crtk__rfail(rd, code, x->xml_line, x->xml_col, NULL, "%s", x->xml_msg);
}

/* A handler failed (rd->err is set): stop the parser, remember the code. */
static void stop(xr *x, int rc)
{
    if (!x->hfail && !x->xml_failed)
        x->hfail = rc < 0 ? rc : CRTK_EPARSE;
    x->in_value = false;
    xmlStopParser(x->ctxt);
}

static bool dead(const xr *x)
{
    return x->hfail || x->xml_failed || x->io_failed;
}

static long cur_line(const xr *x)
{
    return x->ctxt->input ? x->ctxt->input->line : 0;
}

static bool is_naaccr_uri(xr *x, const xmlChar *uri)
{
    if (!uri)
        return false;
    if (uri == x->naaccr_uri)
        return true;
    if (strcmp((const char *)uri, NAACCR_NS))
        return false;
    x->naaccr_uri = uri; /* interned: later elements compare the pointer */
    return true;
}

/* Text that is only blanks. libxml2 hands over no character below 0x20 but tab, LF and CR
 * (any other is not an XML character: a fatal error), so a blank is any byte <= 0x20;
 * eight bytes at a time (the indentation between elements). */
static bool blank_n(const xmlChar *s, int n)
{
    const uint64_t ones = 0x0101010101010101u, highs = 0x8080808080808080u;
    size_t i = 0, len = (size_t)n;
    uint64_t w;

    for (; len - i >= 8; i += 8) {
        memcpy(&w, s + i, 8);
        if ((((w & ~highs) + ones * (127 - ' ')) | w) & highs) /* a byte above 0x20 */
            return false;
    }
    for (; i < len; i++)
        if (s[i] > ' ')
            return false;
    return true;
}

/* Without entity substitution libxml2's SAX2 hands '&' in attribute values over as "&#38;"
 * (the only reference left: there is no DTD). Copy v..end to p (n+1 bytes) decoded;
 * returns the length. */
static size_t attr_decode(char *p, const xmlChar *v, const xmlChar *end)
{
    size_t k = 0;

    while (v < end) {
        if (*v == '&' && end - v >= 5 && !memcmp(v, "&#38;", 5)) {
            p[k++] = '&';
            v += 5;
        } else {
            p[k++] = (char)*v++;
        }
    }
    p[k] = '\0';
    return k;
}

/* A copy of an attribute value (root attributes only: once per file). */
static char *attr_dup(const xmlChar *v, const xmlChar *end)
{
    char *p = malloc((size_t)(end - v) + 1);

    if (p)
        attr_decode(p, v, end);
    return p;
}

/* sb_set of an attribute value, decoded. */
static int attr_set(strbuf *b, const xmlChar *v, const xmlChar *end)
{
    size_t n = (size_t)(end - v);

    if (!memchr(v, '&', n))
        return sb_set(b, (const char *)v, n);
    sb_clear(b);
    if (sb_reserve(b, n + 1) < 0)
        return CRTK_ENOMEM;
    b->len = attr_decode(b->s, v, end);
    return 0;
}

/* ---- root element ------------------------------------------------------------------------- */

static const char *const versions[] = {"140", "150", "160", "180", "210",
                                       "220", "230", "240", "250", "260"};

/* ISO-8601 date-time: YYYY-MM-DDThh:mm[:ss[.fff]][Z|+hh:mm|-hh:mm|+hhmm]. */
static bool valid_time(const char *s)
{
    static const char pat[] = "dddd-dd-ddTdd:dd";
    size_t i;

    for (i = 0; pat[i]; i++) {
        if (pat[i] == 'd' ? !(s[i] >= '0' && s[i] <= '9') : s[i] != pat[i])
            return false;
    }
    s += i;
    if (s[0] == ':') {
        if (!(s[1] >= '0' && s[1] <= '9' && s[2] >= '0' && s[2] <= '9'))
            return false;
        s += 3;
        if (*s == '.') {
            s++;
            if (!(*s >= '0' && *s <= '9'))
                return false;
            while (*s >= '0' && *s <= '9')
                s++;
        }
    }
    if (*s == 'Z')
        return s[1] == '\0';
    if (*s == '+' || *s == '-') {
        s++;
        if (!(s[0] >= '0' && s[0] <= '9' && s[1] >= '0' && s[1] <= '9'))
            return false;
        s += 2;
        if (*s == ':')
            s++;
        if (*s == '\0')
            return true;
        return s[0] >= '0' && s[0] <= '9' && s[1] >= '0' && s[1] <= '9' && s[2] == '\0';
    }
    return *s == '\0';
}

/* Append ' name="value"' with the value escaped for an attribute. */
static int add_attr(strbuf *b, const char *prefix, const char *name, const char *v)
{
    int rc = sb_addc(b, ' ');

    if (rc == 0 && prefix)
        rc = sb_printf(b, "%s:", prefix);
    if (rc == 0)
        rc = sb_printf(b, "%s=\"", name);
    for (; rc == 0 && *v; v++) {
        switch (*v) {
        case '&':
            rc = sb_adds(b, "&amp;");
            break;
        case '<':
            rc = sb_adds(b, "&lt;");
            break;
        case '"':
            rc = sb_adds(b, "&quot;");
            break;
        case '\t':
            rc = sb_adds(b, "&#9;");
            break;
        case '\n':
            rc = sb_adds(b, "&#10;");
            break;
        case '\r':
            rc = sb_adds(b, "&#13;");
            break;
        default:
            rc = sb_addc(b, *v);
        }
    }
    if (rc == 0)
        rc = sb_addc(b, '"');
    return rc;
}

/* Pick the user dictionaries named by userDictionaryUri (or the version's default). */
static int runtime_dictionary(crtk_reader *rd, xr *x, const crtk_layout *base, long line)
{
    const crtk_layout *users[32];
    const crtk_layout *def = crtk_layouts_default_user(rd->ls, crtk_layout_version(base));
    const char *p = rd->user_uris.s;
    int n = 0, i, rc;
    crtk_error err = CRTK_ERROR_INIT;

    if (!p || !*p) {
        if (def)
            users[n++] = def;
    } else {
        while (*p) {
            char uri[1024];
            size_t len = strcspn(p, " ");
            const crtk_layout *u;
            if (len >= sizeof uri)
                return crtk__rfail(rd, CRTK_EINVALID, line, 0, NULL,
                                   "userDictionaryUri: a URI of %zu characters is too long", len);
            memcpy(uri, p, len);
            uri[len] = '\0';
            p += len;
            while (*p == ' ')
                p++;
            u = def && !strcmp(uri, crtk_layout_uri(def)) ? def : crtk_layouts_by_uri(rd->ls, uri);
            if (u && crtk_layout_kind_of(u) != CRTK_LAYOUT_USER_DICTIONARY)
                u = NULL;
            if (!u) {
                crtk__finding(rd, CRTK_SEV_WARNING, "user-dictionary-missing", line, 0, 0, NULL,
                              "user dictionary %s not supplied; its items will be reported "
                              "unknown",
                              uri);
                continue;
            }
            for (i = 0; i < n && users[i] != u; i++)
                ;
            if (i < n)
                return crtk__rfail(rd, CRTK_EINVALID, line, 0, NULL,
                                   "userDictionaryUri lists %s twice", uri);
            if (n == (int)(sizeof users / sizeof *users))
                return crtk__rfail(rd, CRTK_ELIMIT, line, 0, NULL,
                                   "userDictionaryUri lists more than %d dictionaries", n);
            users[n++] = u;
        }
    }
    rc = crtk_layouts_combine(rd->ls, base, users, n, &x->lay, &err);
    if (rc < 0)
        return crtk__rfail(rd, rc, line, 0, err.item[0] ? err.item : NULL, "user dictionary %s: %s",
                           err.source[0] ? err.source : "", err.message);
    return CRTK_OK;
}

static int root_attributes(crtk_reader *rd,
                           xr *x,
                           int nb_ns,
                           const xmlChar **nss,
                           int nb_attrs,
                           const xmlChar **attrs,
                           long line)
{
    const char *base = NULL, *rtype = NULL, *spec = NULL, *users = NULL, *tg = NULL;
    char *copies[CRTK_XML_MAX_ATTRS];
    int ncopies = 0;
    const crtk_layout *bl;
    char ver[16];
    size_t blen, plen = strlen(BASE_PREFIX);
    int i, nusers = 0, rc = 0;

    for (i = 0; i < nb_ns; i++) {
        const xmlChar *prefix = nss[2 * i], *href = nss[2 * i + 1];
        if (!prefix) {
            if (!href || strcmp((const char *)href, NAACCR_NS))
                return crtk__rfail(rd, CRTK_EINVALID, line, 0, NULL,
                                   "default namespace is \"%s\"; it must be " NAACCR_NS,
                                   href ? (const char *)href : "");
            continue;
        }
        if (is_naaccr_uri(x, href))
            continue; /* a prefix for the standard elements: writers use the default */
        rc = add_attr(&rd->extra_root, "xmlns", (const char *)prefix,
                      href ? (const char *)href : "");
        if (rc < 0)
            return crtk__rfail(rd, CRTK_ENOMEM, line, 0, NULL, "out of memory");
    }
    for (i = 0; i < nb_attrs && rc == 0; i++) {
        const xmlChar *name = attrs[5 * i], *prefix = attrs[5 * i + 1], *uri = attrs[5 * i + 2];
        char *v;
        if (ncopies == (int)CRTK_XML_MAX_ATTRS) {
            rc =
                crtk__rfail(rd, CRTK_ELIMIT, line, 0, NULL,
                            "element <NaaccrData> has more than %u attributes", CRTK_XML_MAX_ATTRS);
            break;
        }
        v = attr_dup(attrs[5 * i + 3], attrs[5 * i + 4]);
        if (!v) {
            rc = crtk__rfail(rd, CRTK_ENOMEM, line, 0, NULL, "out of memory");
            break;
        }
        copies[ncopies++] = v;
        if (uri && !is_naaccr_uri(x, uri)) {
            if (add_attr(&rd->extra_root, (const char *)prefix, (const char *)name, v) < 0)
                rc = crtk__rfail(rd, CRTK_ENOMEM, line, 0, NULL, "out of memory");
            continue;
        }
        if (!strcmp((const char *)name, "baseDictionaryUri"))
            base = v;
        else if (!strcmp((const char *)name, "recordType"))
            rtype = v;
        else if (!strcmp((const char *)name, "specificationVersion"))
            spec = v;
        else if (!strcmp((const char *)name, "userDictionaryUri"))
            users = v;
        else if (!strcmp((const char *)name, "timeGenerated"))
            tg = v;
        else
            rc = crtk__rfail(rd, CRTK_EINVALID, line, 0, NULL,
                             "NaaccrData has the unknown attribute \"%s\" (other attributes "
                             "need a namespace prefix)",
                             (const char *)name);
    }
    if (rc < 0)
        goto out;

    /* NAACCR XML 1.2: baseDictionaryUri is required; its tail names the version. */
    if (!base) {
        rc = crtk__rfail(rd, CRTK_EINVALID, line, 0, NULL,
                         "NaaccrData has no baseDictionaryUri attribute");
        goto out;
    }
    blen = strlen(base);
    if (blen <= plen + 4 || strncmp(base, BASE_PREFIX, plen) || strcmp(base + blen - 4, ".xml") ||
        blen - plen - 4 >= sizeof ver) {
        rc = crtk__rfail(rd, CRTK_EINVALID, line, 0, NULL,
                         "baseDictionaryUri \"%s\" is not " BASE_PREFIX "NNN.xml", base);
        goto out;
    }
    memcpy(ver, base + plen, blen - plen - 4);
    ver[blen - plen - 4] = '\0';
    for (i = 0; i < (int)(sizeof versions / sizeof *versions) && strcmp(ver, versions[i]); i++)
        ;
    if (i == (int)(sizeof versions / sizeof *versions)) {
        rc = crtk__rfail(rd, CRTK_EUNSUPPORTED, line, 0, NULL,
                         "baseDictionaryUri names NAACCR version \"%s\"; supported are 140, "
                         "150, 160, 180 and 210 to 260",
                         ver);
        goto out;
    }
    bl = crtk_layouts_dictionary(rd->ls, (int)strtol(ver, NULL, 10));
    if (!bl) {
        rc = crtk__rfail(rd, CRTK_EUNSUPPORTED, line, 0, NULL,
                         "no base dictionary for NAACCR version %s is loaded", ver);
        goto out;
    }

    if (!rtype) {
        rc =
            crtk__rfail(rd, CRTK_EINVALID, line, 0, NULL, "NaaccrData has no recordType attribute");
        goto out;
    }
    if (strlen(rtype) != 1 || !crtk_rectype_bit(rtype[0])) {
        rc = crtk__rfail(rd, CRTK_EINVALID, line, 0, NULL, "recordType \"%s\" is not A, M, C or I",
                         rtype);
        goto out;
    }

    /* Absent specificationVersion means 1.0 (it appeared in 1.1); 1.0 to 1.8 exist. */
    if (spec && !(strlen(spec) == 3 && spec[0] == '1' && spec[1] == '.' && spec[2] >= '0' &&
                  spec[2] <= '8')) {
        rc = crtk__rfail(rd, CRTK_EUNSUPPORTED, line, 0, NULL,
                         "specificationVersion \"%s\" is not one of 1.0 to 1.8", spec);
        goto out;
    }

    if (users) {
        const char *p = users;
        while (*p) {
            while (*p == ' ' || *p == '\t' || *p == '\n' || *p == '\r')
                p++;
            if (!*p)
                break;
            if (nusers && sb_addc(&rd->user_uris, ' ') < 0) {
                rc = crtk__rfail(rd, CRTK_ENOMEM, line, 0, NULL, "out of memory");
                goto out;
            }
            while (*p && *p != ' ' && *p != '\t' && *p != '\n' && *p != '\r')
                if (sb_addc(&rd->user_uris, *p++) < 0) {
                    rc = crtk__rfail(rd, CRTK_ENOMEM, line, 0, NULL, "out of memory");
                    goto out;
                }
            nusers++;
        }
        /* Several user dictionaries came with specification 1.2. */
        if (nusers > 1 && (!spec || spec[2] < '2')) {
            rc = crtk__rfail(rd, CRTK_EINVALID, line, 0, NULL,
                             "userDictionaryUri lists %d dictionaries; specification %s allows "
                             "one (several need 1.2 or later)",
                             nusers, spec ? spec : "1.0");
            goto out;
        }
    }
    if (tg && !valid_time(tg))
        crtk__finding(rd, CRTK_SEV_ERROR, "invalid-time-generated", line, 0, 0, NULL,
                      "timeGenerated \"%s\" is not an ISO-8601 date-time", tg);

    if (sb_adds(&rd->base_uri, base) < 0 || sb_adds(&rd->spec, spec ? spec : "") < 0 ||
        sb_adds(&rd->time_generated, tg ? tg : "") < 0 || sb_add(&rd->user_uris, "", 0) < 0 ||
        sb_add(&rd->extra_root, "", 0) < 0) {
        rc = crtk__rfail(rd, CRTK_ENOMEM, line, 0, NULL, "out of memory");
        goto out;
    }
    rd->info.naaccr_version = crtk_layout_version(bl);
    rd->info.record_type = rtype[0];
    x->rtbit = crtk_rectype_bit(rtype[0]);
    rc = runtime_dictionary(rd, x, bl, line);
out:
    while (ncopies)
        free(copies[--ncopies]);
    return rc;
}

/* The document element: NaaccrData in the NAACCR namespace, its attributes, the runtime
 * dictionary; then the reader's info. */
static int root_element(xr *x,
                        const xmlChar *localname,
                        const xmlChar *uri,
                        int nb_ns,
                        const xmlChar **nss,
                        int nb_attrs,
                        const xmlChar **attrs,
                        long line)
{
    crtk_reader *rd = x->rd;
    int i, rc;

    if (x->doctype)
        return crtk__rfail(rd, CRTK_EINVALID, x->doctype_line, 0, NULL,
                           "a DOCTYPE is not allowed in NAACCR XML (entity declarations are "
                           "refused)");
    if (localname != x->s_data || !uri || !is_naaccr_uri(x, uri)) {
        if (localname == x->s_data)
            return crtk__rfail(rd, CRTK_EINVALID, line, 0, NULL,
                               "NaaccrData is in namespace \"%s\"; it must be " NAACCR_NS,
                               uri ? (const char *)uri : "");
        return crtk__rfail(rd, CRTK_EINVALID, line, 0, NULL,
                           "document element is <%s>, not <NaaccrData>", localname);
    }
    rc = root_attributes(rd, x, nb_ns, nss, nb_attrs, attrs, line);
    if (rc < 0)
        return rc;
    x->memo_n = crtk_layout_count(x->lay) + 1;
    x->memo = calloc((size_t)x->memo_n * CRTK_LEVELS, sizeof *x->memo);
    x->idlen = malloc((size_t)x->memo_n * sizeof *x->idlen);
    if (!x->memo || !x->idlen)
        return crtk__rfail(rd, CRTK_ENOMEM, line, 0, NULL, "out of memory");
    for (i = 0; i < x->memo_n - 1; i++)
        x->idlen[i] = strlen(crtk_layout_item(x->lay, i)->id);
    if (sb_adds(&rd->encoding, x->ctxt->encoding ? (const char *)x->ctxt->encoding : "UTF-8") < 0)
        return crtk__rfail(rd, CRTK_ENOMEM, line, 0, NULL, "out of memory");
    rd->info.format = CRTK_FORMAT_XML;
    rd->info.layout = x->lay;
    rd->info.base_uri = rd->base_uri.s;
    rd->info.user_uris = rd->user_uris.s;
    rd->info.spec_version = rd->spec.s;
    rd->info.time_generated = rd->time_generated.s;
    rd->info.extra_root = rd->extra_root.s;
    rd->info.encoding = rd->encoding.s;
    x->root_seen = true;
    return CRTK_OK;
}

/* ---- items -------------------------------------------------------------------------------- */

/* naaccrId lookup at the start of an Item: the memo's guess checked by length and bytes,
 * else crtk__layout_find_after. Only an attribute value that is an id as it stands (no
 * blank to trim, no reference) can match; anything else is resolved at the Item's end. */
static const crtk_item *
item_lookup(xr *x, frame *f, crtk_level lv, const xmlChar *v, const xmlChar *end)
{
    size_t n = (size_t)(end - v);
    int *memo = x->memo + (size_t)lv * (size_t)x->memo_n;
    int m = memo[f->prev + 1];
    const crtk_item *it;

    if (m > 0) {
        it = &x->lay->items[m - 1];
        if (x->idlen[m - 1] == n && !memcmp(it->id, v, n)) {
            f->prev = m - 1;
            return it;
        }
    }
    if (!n || v[0] <= ' ' || end[-1] <= ' ')
        return NULL;
    it = crtk__layout_find_after(x->lay, memo, f->prev, (const char *)v, n);
    if (it)
        f->prev = it->index;
    return it;
}

/* An Item starts: note its attributes (naaccrId resolved now or copied, naaccrNum copied:
 * they are needed when the value has been read); the value is gathered by the character
 * handler. */
static void item_start(
    xr *x, frame *f, crtk_level lv, int tumor, int nb_attrs, const xmlChar **attrs, long line)
{
    crtk_reader *rd = x->rd;
    int i;

    x->has_id = x->has_num = false;
    x->item_it = NULL;
    for (i = 0; i < nb_attrs; i++) {
        const xmlChar *name = attrs[5 * i];
        if (attrs[5 * i + 2])
            continue; /* namespaced attributes belong to extensions */
        if (name == x->s_id) {
            x->item_it = item_lookup(x, f, lv, attrs[5 * i + 3], attrs[5 * i + 4]);
            x->has_id = x->item_it || attr_set(&x->id, attrs[5 * i + 3], attrs[5 * i + 4]) == 0;
        } else if (name == x->s_num) {
            x->has_num = attr_set(&x->num, attrs[5 * i + 3], attrs[5 * i + 4]) == 0;
        } else {
            crtk__finding(rd, CRTK_SEV_ERROR, "unknown-attribute", line, 0, tumor + 1, NULL,
                          "Item has the unknown attribute \"%s\"", (const char *)name);
        }
    }
    x->val.len = 0;
    x->in_value = true;
    x->item_line = line;
    x->item_tumor = tumor;
    x->item_lv = lv;
}

/* The naaccrId of the Item being read as written (NULL: none). */
static const char *item_id(const xr *x)
{
    return x->item_it ? x->item_it->id : x->has_id ? x->id.s : NULL;
}

/* The Item has ended: resolve it. Returns the item to store (NULL: nothing to store -
 * empty, unknown or wrong level, already reported); x->val holds its value. */
static const crtk_item *item_resolve(xr *x, frame *f)
{
    crtk_reader *rd = x->rd;
    crtk_level lv = x->item_lv;
    int tumor = x->item_tumor;
    long line = x->item_line;
    const char *id = x->has_id ? x->id.s : NULL;
    size_t idlen = 0;
    const crtk_item *it;

    /* NAACCR XML (RI): an Item without text is ignored completely, not even validated. */
    if (x->val.len == 0)
        return NULL;
    it = x->item_it;
    if (it)
        goto found;
    if (id) {
        while (*id == ' ' || *id == '\t' || *id == '\n' || *id == '\r')
            id++;
        idlen = strlen(id);
        while (idlen && (id[idlen - 1] == ' ' || id[idlen - 1] == '\t' || id[idlen - 1] == '\n' ||
                         id[idlen - 1] == '\r'))
            idlen--;
    }
    if (!idlen) {
        crtk__finding(rd, CRTK_SEV_ERROR, "missing-item-id", line, 0, tumor + 1, NULL,
                      "Item has no naaccrId attribute; its value is dropped");
        return NULL;
    }
    it = crtk__layout_find_after(x->lay, x->memo + (size_t)lv * (size_t)x->memo_n, f->prev, id,
                                 idlen);
    if (it)
        f->prev = it->index;
    if (!it) {
        char raw[64];
        const char *renamed;
        snprintf(raw, sizeof raw, "%.*s", (int)(idlen < sizeof raw ? idlen : sizeof raw - 1), id);
        /* An id renamed by NAACCR 18 (or the 1.4 specification): not valid, but the value is
         * kept under the current id so that a conversion loses nothing. */
        renamed = crtk_layouts_renamed(rd->ls, raw);
        it = renamed ? crtk_layout_find(x->lay, renamed) : NULL;
        if (it)
            crtk__finding(rd, CRTK_SEV_ERROR, "renamed-item", line, 0, tumor + 1, raw,
                          "\"%s\" is the former naaccrId of %s (#%d); read as %s", raw, it->id,
                          it->num, it->id);
    }
    if (!it) {
        char raw[64];
        snprintf(raw, sizeof raw, "%.*s", (int)(idlen < sizeof raw ? idlen : sizeof raw - 1), id);
        crtk__finding(rd, CRTK_SEV_ERROR, "unknown-item", line, 0, tumor + 1, raw,
                      "unknown NAACCR ID \"%s\" (not in %s); its value is dropped", raw,
                      crtk_layout_name(x->lay));
        return NULL;
    }
found:
    /* NAACCR XML 1.5: the runtime dictionary holds only the file's record type. */
    if (!(it->rectypes & x->rtbit)) {
        crtk__finding(rd, CRTK_SEV_ERROR, "unknown-item", line, 0, tumor + 1, it->id,
                      "%s (#%d) is not part of record type %c; its value is dropped", it->id,
                      it->num, rd->info.record_type);
        return NULL;
    }
    if (x->has_num) {
        const char *num = x->num.s, *p = num;
        long n = 0;
        bool ok;
        while (*p == ' ')
            p++;
        if (*p == '+')
            p++;
        ok = *p >= '0' && *p <= '9';
        for (; *p >= '0' && *p <= '9'; p++)
            if (n < 100000000L)
                n = n * 10 + (*p - '0');
        while (*p == ' ')
            p++;
        if (!ok || *p)
            crtk__finding(rd, CRTK_SEV_ERROR, "invalid-item-number", line, 0, tumor + 1, it->id,
                          "naaccrNum \"%s\" of %s is not an integer", num, it->id);
        else if (n != it->num)
            crtk__finding(rd, CRTK_SEV_ERROR, "wrong-item-number", line, 0, tumor + 1, it->id,
                          "wrong NAACCR number for %s: expected %d but got %ld", it->id, it->num,
                          n);
    }
    if (it->level != lv) {
        /* The record stores an item at its own level: one found deeper than its level is
         * kept (root or patient value), one found above its level has nowhere to go. */
        bool keep = it->level < lv;
        crtk__finding(rd, CRTK_SEV_ERROR, "invalid-data-level", line, 0, tumor + 1, it->id,
                      "invalid data level for %s: expected %s but got %s%s", it->id,
                      level_names[it->level], level_names[lv], keep ? "" : "; value dropped");
        if (!keep)
            return NULL;
    }
    return it;
}

/* Store an item read inside a Patient or Tumor. */
static int
store_item(crtk_reader *rd, xr *x, crtk_record *rec, const crtk_item *it, int tumor, long line)
{
    if (crtk_record_get(rec, it, tumor, NULL)) {
        crtk__finding(rd, CRTK_SEV_ERROR, "duplicate-item", line, 0, tumor + 1, it->id,
                      "%s appears more than once in the %s; the later value is dropped", it->id,
                      level_names[it->level]);
        return CRTK_OK;
    }
    crtk__check_value(rd, it, x->val.s, x->val.len, true, line, 0, tumor + 1);
    if (crtk_record_set(rec, it, tumor, x->val.s, x->val.len) < 0)
        return crtk__rfail(rd, CRTK_ENOMEM, line, 0, it->id, "out of memory");
    return CRTK_OK;
}

static int store_root(crtk_reader *rd, xr *x, const crtk_item *it, long line)
{
    int i;
    rootval *rv;

    for (i = 0; i < x->nroots; i++)
        if (x->roots[i].it == it) {
            crtk__finding(rd, CRTK_SEV_ERROR, "duplicate-item", line, 0, 0, it->id,
                          "%s appears more than once in NaaccrData; the later value is dropped",
                          it->id);
            return CRTK_OK;
        }
    crtk__check_value(rd, it, x->val.s, x->val.len, true, line, 0, 0);
    /* Redundant with the NaaccrData attributes; the RI does not compare them, we warn. */
    if (it->num == 10 && (x->val.len != 1 || x->val.s[0] != rd->info.record_type))
        crtk__finding(rd, CRTK_SEV_WARNING, "record-type-mismatch", line, 0, 0, it->id,
                      "recordType item \"%s\" differs from the NaaccrData recordType \"%c\"",
                      x->val.s, rd->info.record_type);
    if (it->num == 50 && strtol(x->val.s, NULL, 10) != rd->info.naaccr_version)
        crtk__finding(rd, CRTK_SEV_WARNING, "version-mismatch", line, 0, 0, it->id,
                      "naaccrRecordVersion \"%s\" differs from the version %d of "
                      "baseDictionaryUri",
                      x->val.s, rd->info.naaccr_version);
    if (x->nroots == x->caproots) {
        int nc = x->caproots ? x->caproots * 2 : 8;
        rootval *p = realloc(x->roots, (size_t)nc * sizeof *p);
        if (!p)
            return crtk__rfail(rd, CRTK_ENOMEM, line, 0, NULL, "out of memory");
        x->roots = p;
        x->caproots = nc;
    }
    rv = &x->roots[x->nroots++];
    rv->it = it;
    rv->off = x->rootbuf.len;
    rv->len = x->val.len;
    if (sb_add(&x->rootbuf, x->val.s, x->val.len) < 0)
        return crtk__rfail(rd, CRTK_ENOMEM, line, 0, NULL, "out of memory");
    return CRTK_OK;
}

/* ---- extensions --------------------------------------------------------------------------- */

/* Extensions are kept as libxml2 serialized them when the reader built nodes
 * (xmlNodeDump of a copy of the subtree): <, >, & and CR escaped in text (UTF-8 as is), tab,
 * LF, CR, quotes and non-ASCII characters too in attribute values, empty elements as <e/>, and each
 * namespace used but declared outside the extension declared on its top element. */

static int ext_add_escaped_text(strbuf *b, const xmlChar *s, int n)
{
    int i, from = 0, rc = 0;

    for (i = 0; i < n && rc == 0; i++) {
        const char *rep;
        switch (s[i]) {
        case '<':
            rep = "&lt;";
            break;
        case '>':
            rep = "&gt;";
            break;
        case '&':
            rep = "&amp;";
            break;
        case '\r':
            rep = "&#13;";
            break;
        default:
            continue;
        }
        rc = sb_add(b, (const char *)s + from, (size_t)(i - from));
        if (rc == 0)
            rc = sb_adds(b, rep);
        from = i + 1;
    }
    return rc ? rc : sb_add(b, (const char *)s + from, (size_t)(n - from));
}

static int ext_add_escaped_attr(strbuf *b, const xmlChar *s, const xmlChar *end)
{
    int rc = 0;

    for (; s < end && rc == 0; s++) {
        unsigned c = *s;
        if (c == '&' && end - s >= 5 && !memcmp(s, "&#38;", 5))
            s += 4; /* libxml2's SAX2 form of '&' */
        switch (c) {
        case '\n':
            rc = sb_add(b, "&#10;", 5);
            break;
        case '\r':
            rc = sb_add(b, "&#13;", 5);
            break;
        case '\t':
            rc = sb_add(b, "&#9;", 4);
            break;
        case '"':
            rc = sb_add(b, "&quot;", 6);
            break;
        case '<':
            rc = sb_add(b, "&lt;", 4);
            break;
        case '>':
            rc = sb_add(b, "&gt;", 4);
            break;
        case '&':
            rc = sb_add(b, "&amp;", 5);
            break;
        default:
            if (c >= 0x80 && s + 1 < end) { /* a character reference, as libxml2 wrote it */
                unsigned val;
                int len, j;
                if (c < 0xE0)
                    len = 2, val = c & 0x1F;
                else if (c < 0xF0)
                    len = 3, val = c & 0x0F;
                else
                    len = 4, val = c & 0x07;
                for (j = 1; j < len && s + j < end; j++)
                    val = (val << 6) | (s[j] & 0x3F);
                s += len - 1;
                rc = sb_printf(b, "&#x%X;", val);
            } else {
                rc = sb_addc(b, (char)c);
            }
        }
    }
    return rc;
}

static int ext_add_qname(strbuf *b, const xmlChar *prefix, const xmlChar *local)
{
    int rc = 0;

    if (prefix)
        rc = sb_printf(b, "%s:", (const char *)prefix);
    return rc ? rc : sb_adds(b, (const char *)local);
}

static int ext_add_nsdecl(strbuf *b, const xmlChar *prefix, const xmlChar *uri)
{
    const char *u = uri ? (const char *)uri : "";
    char q = strchr(u, '"') ? '\'' : '"';

    if (prefix)
        return sb_printf(b, " xmlns:%s=%c%s%c", (const char *)prefix, q, u, q);
    return sb_printf(b, " xmlns=%c%s%c", q, u, q);
}

/* Make sure prefix is declared within the extension copy; declare it at the top if not. */
static int ext_need_ns(xr *x, const xmlChar *prefix, const xmlChar *uri)
{
    int i;

    if (!uri || prefix == x->s_xml)
        return 0;
    for (i = x->nens - 1; i >= 0; i--)
        if (x->ens[i].prefix == prefix)
            return 0;
    for (i = 0; i < x->nadded; i++)
        if (x->added[2 * i] == prefix)
            return 0;
    if (x->nadded == x->capadded) {
        int nc = x->capadded ? x->capadded * 2 : 8;
        const xmlChar **p = realloc(x->added, (size_t)nc * 2 * sizeof *p);
        if (!p)
            return CRTK_ENOMEM;
        x->added = p;
        x->capadded = nc;
    }
    x->added[2 * x->nadded] = prefix;
    x->added[2 * x->nadded + 1] = uri;
    x->nadded++;
    return ext_add_nsdecl(&x->ext_added, prefix, uri);
}

static int ext_close_tag(xr *x)
{
    if (!x->ext_tag_open)
        return 0;
    x->ext_tag_open = false;
    return sb_addc(&x->ext, '>');
}

/* An element of an extension being kept starts (top: the extension's own element). */
static int ext_start(xr *x,
                     bool top,
                     const xmlChar *localname,
                     const xmlChar *prefix,
                     const xmlChar *uri,
                     int nb_ns,
                     const xmlChar **nss,
                     int nb_attrs,
                     const xmlChar **attrs)
{
    strbuf *b = &x->ext;
    int i, rc;

    rc = ext_close_tag(x);
    if (rc == 0 && top) {
        sb_clear(b);
        sb_clear(&x->ext_added);
        x->nens = x->nadded = 0;
    }
    if (rc == 0)
        rc = sb_addc(b, '<');
    if (rc == 0)
        rc = ext_add_qname(b, prefix, localname);
    for (i = 0; i < nb_ns && rc == 0; i++) {
        if (x->nens == x->capens) {
            int nc = x->capens ? x->capens * 2 : 8;
            extns *p = realloc(x->ens, (size_t)nc * sizeof *p);
            if (!p)
                return CRTK_ENOMEM;
            x->ens = p;
            x->capens = nc;
        }
        x->ens[x->nens].prefix = nss[2 * i];
        x->ens[x->nens].uri = nss[2 * i + 1];
        x->ens[x->nens].depth = x->depth;
        x->nens++;
        rc = ext_add_nsdecl(b, nss[2 * i], nss[2 * i + 1]);
    }
    if (rc == 0 && top)
        x->ext_ins = b->len;
    if (rc == 0)
        rc = ext_need_ns(x, prefix, uri);
    for (i = 0; i < nb_attrs && rc == 0; i++) {
        rc = ext_need_ns(x, attrs[5 * i + 1], attrs[5 * i + 2]);
        if (rc == 0)
            rc = sb_addc(b, ' ');
        if (rc == 0)
            rc = ext_add_qname(b, attrs[5 * i + 1], attrs[5 * i]);
        if (rc == 0)
            rc = sb_add(b, "=\"", 2);
        if (rc == 0)
            rc = ext_add_escaped_attr(b, attrs[5 * i + 3], attrs[5 * i + 4]);
        if (rc == 0)
            rc = sb_addc(b, '"');
    }
    x->ext_tag_open = true;
    return rc;
}

static int ext_end(xr *x, const xmlChar *localname, const xmlChar *prefix)
{
    int rc = 0;

    while (x->nens && x->ens[x->nens - 1].depth > x->depth)
        x->nens--;
    if (x->ext_tag_open) {
        x->ext_tag_open = false;
        return sb_add(&x->ext, "/>", 2);
    }
    rc = sb_add(&x->ext, "</", 2);
    if (rc == 0)
        rc = ext_add_qname(&x->ext, prefix, localname);
    return rc ? rc : sb_addc(&x->ext, '>');
}

/* The whole extension: insert the declarations found missing. */
static int ext_finish(xr *x)
{
    strbuf *b = &x->ext;
    size_t n = x->ext_added.len;

    if (!n)
        return 0;
    if (sb_reserve(b, n) < 0)
        return CRTK_ENOMEM;
    memmove(b->s + x->ext_ins + n, b->s + x->ext_ins, b->len - x->ext_ins + 1);
    memcpy(b->s + x->ext_ins, x->ext_added.s, n);
    b->len += n;
    return 0;
}

static int ext_limit(xr *x)
{
    if (x->ext.len + x->ext_added.len <= MAX_EXT)
        return 0;
    return crtk__rfail(x->rd, CRTK_ELIMIT, x->ext_line, 0, NULL,
                       "extension element is longer than %u bytes", MAX_EXT);
}

static int keep_root_extension(crtk_reader *rd, xr *x, const char *xml, size_t len)
{
    if (x->nrexts == x->caprexts) {
        int nc = x->caprexts ? x->caprexts * 2 : 4;
        span *p = realloc(x->rexts, (size_t)nc * sizeof *p);
        if (!p)
            return crtk__rfail(rd, CRTK_ENOMEM, 0, 0, NULL, "out of memory");
        x->rexts = p;
        x->caprexts = nc;
    }
    x->rexts[x->nrexts].off = x->rootbuf.len;
    x->rexts[x->nrexts].len = len;
    if (sb_add(&x->rootbuf, xml, len) < 0)
        return crtk__rfail(rd, CRTK_ENOMEM, 0, 0, NULL, "out of memory");
    x->nrexts++;
    return CRTK_OK;
}

/* The extension's element has ended: keep it where it belongs. */
static int ext_done(xr *x)
{
    crtk_reader *rd = x->rd;
    int rc;

    if (!x->ext_keep)
        return CRTK_OK;
    if (ext_finish(x) < 0)
        return crtk__rfail(rd, CRTK_ENOMEM, x->ext_line, 0, NULL, "out of memory");
    if ((rc = ext_limit(x)) < 0)
        return rc;
    if (x->ext_lv == CRTK_LEVEL_ROOT)
        return x->ext_phase_root < 2 ? keep_root_extension(rd, x, x->ext.s, x->ext.len) : CRTK_OK;
    rc = crtk_record_add_extension(x->rec, x->ext_lv, x->ext_tumor < 0 ? 0 : x->ext_tumor, x->ext.s,
                                   x->ext.len);
    if (rc < 0)
        return crtk__rfail(rd, rc, x->ext_line, 0, NULL, "cannot keep extension: %s",
                           crtk_status_str(rc));
    return CRTK_OK;
}

static int begin_patient(crtk_reader *rd, xr *x, crtk_record *rec, long line)
{
    int i;

    if (crtk_record_reset(rec, x->lay) < 0)
        return crtk__rfail(rd, CRTK_ENOMEM, 0, 0, NULL, "out of memory");
    for (i = 0; i < x->nroots; i++)
        if (crtk_record_set(rec, x->roots[i].it, 0, x->rootbuf.s + x->roots[i].off,
                            x->roots[i].len) < 0)
            return crtk__rfail(rd, CRTK_ENOMEM, 0, 0, NULL, "out of memory");
    /* NAACCR XML states the record type and version as NaaccrData attributes; files from
     * other writers often have no Item for them. The attributes are their values then. */
    {
        const crtk_item *rt = x->it_rt, *ver = x->it_ver;
        char v[16];
        int n = snprintf(v, sizeof v, "%d", rd->info.naaccr_version);
        if (rt && rt->level == CRTK_LEVEL_ROOT && !crtk_record_get(rec, rt, 0, NULL) &&
            crtk_record_set_implied(rec, rt, &rd->info.record_type, 1) < 0)
            return crtk__rfail(rd, CRTK_ENOMEM, 0, 0, NULL, "out of memory");
        if (ver && ver->level == CRTK_LEVEL_ROOT && !crtk_record_get(rec, ver, 0, NULL) &&
            crtk_record_set_implied(rec, ver, v, (size_t)n) < 0)
            return crtk__rfail(rd, CRTK_ENOMEM, 0, 0, NULL, "out of memory");
    }
    for (i = 0; i < x->nrexts; i++)
        if (crtk_record_add_extension(rec, CRTK_LEVEL_ROOT, 0, x->rootbuf.s + x->rexts[i].off,
                                      x->rexts[i].len) < 0)
            return crtk__rfail(rd, CRTK_ENOMEM, 0, 0, NULL, "out of memory");
    crtk_record_set_line(rec, -1, line);
    return CRTK_OK;
}

/* ---- SAX handlers ------------------------------------------------------------------------- */

/* Classify an element by namespace and name. */
enum kind { K_ITEM, K_PATIENT, K_TUMOR, K_OTHER_NAACCR, K_NO_NS, K_FOREIGN };

static enum kind classify(xr *x, const xmlChar *localname, const xmlChar *uri)
{
    if (!uri)
        return K_NO_NS;
    if (!is_naaccr_uri(x, uri))
        return K_FOREIGN;
    if (localname == x->s_item)
        return K_ITEM;
    if (localname == x->s_patient)
        return K_PATIENT;
    if (localname == x->s_tumor)
        return K_TUMOR;
    return K_OTHER_NAACCR;
}

/* A text node outside an Item has ended: report it unless it was blank. */
static void end_text(xr *x)
{
    const frame *f;

    if (!x->run)
        return;
    x->run = false;
    if (!x->run_text || dead(x))
        return;
    f = &x->st[x->depth - 1];
    if (f->role == R_ROOT)
        crtk__finding(x->rd, CRTK_SEV_ERROR, "unexpected-text", x->run_line, 0, 0, NULL,
                      "text outside an Item in NaaccrData is ignored");
    else
        crtk__finding(x->rd, CRTK_SEV_ERROR, "unexpected-text", x->run_line, 0, f->tumor + 1, NULL,
                      "text outside an Item in %s is ignored",
                      level_names[f->role == R_PATIENT ? CRTK_LEVEL_PATIENT : CRTK_LEVEL_TUMOR]);
}

static void skip(xr *x)
{
    x->skip_depth = x->depth; /* the element just opened is at depth x->depth - 1 */
    x->in_value = false;
}

static int begin_patient(crtk_reader *rd, xr *x, crtk_record *rec, long line);

/* An element starts inside NaaccrData, a Patient or a Tumor (frame f, at depth d-1). */
static int container_child(xr *x,
                           frame *f,
                           const xmlChar *localname,
                           const xmlChar *prefix,
                           const xmlChar *uri,
                           int nb_ns,
                           const xmlChar **nss,
                           int nb_attrs,
                           const xmlChar **attrs,
                           long line)
{
    crtk_reader *rd = x->rd;
    enum kind k = classify(x, localname, uri);
    bool root = f->role == R_ROOT;
    crtk_level lv = root ? CRTK_LEVEL_ROOT : f->tumor < 0 ? CRTK_LEVEL_PATIENT : CRTK_LEVEL_TUMOR;
    const char *what = level_names[lv];
    frame *nf = &x->st[x->depth - 1];
    int i, rc;

    if (root && k == K_PATIENT) {
        if (!x->rec)
            return crtk__rfail(rd, CRTK_EPARSE, line, 0, NULL,
                               "internal error: a Patient "
                               "outside a read");
        if (x->patient_ready)
            return crtk__rfail(rd, CRTK_EPARSE, line, 0, NULL,
                               "internal error: a second Patient in one parser step");
        x->root_phase = 2;
        f->phase = 2;
        rc = begin_patient(rd, x, x->rec, line);
        if (rc < 0)
            return rc;
        nf->role = R_PATIENT;
        nf->phase = 0;
        nf->tumor = -1;
        nf->prev = -1;
        x->patient_items = 0;
        /* NAACCR XML 1.1: Patient and Tumor carry no attributes. */
        for (i = 0; i < nb_attrs; i++)
            crtk__finding(rd, CRTK_SEV_ERROR, "unexpected-attribute", line, 0, 0, NULL,
                          "%s has the attribute \"%s\"; it allows none", "Patient",
                          (const char *)attrs[5 * i]);
        return CRTK_OK;
    }
    if (k == K_ITEM) {
        int phase = root ? x->root_phase : f->phase;
        if (!root && ++x->patient_items > MAX_ITEMS)
            return crtk__rfail(rd, CRTK_ELIMIT, line, 0, NULL, "Patient has more than %ld Items",
                               MAX_ITEMS);
        /* NAACCR XML 1.1: Items come first. The RI stops; we report and keep the item. */
        if (phase > 0) {
            if (root)
                crtk__finding(rd, CRTK_SEV_ERROR, "item-out-of-order", line, 0, 0, NULL,
                              "Item after %s in NaaccrData%s",
                              phase == 1 ? "an extension" : "a Patient",
                              phase == 1 ? "" : "; its value is dropped");
            else
                crtk__finding(rd, CRTK_SEV_ERROR, "item-out-of-order", line, 0, f->tumor + 1, NULL,
                              "Item after %s in %s", phase == 1 ? "an extension" : "a Tumor", what);
        }
        nf->role = R_ITEM;
        item_start(x, f, lv, root ? -1 : f->tumor, nb_attrs, attrs, line);
        return CRTK_OK;
    }
    if (k == K_TUMOR && lv == CRTK_LEVEL_PATIENT) {
        int t;
        f->phase = 2;
        if (crtk_record_tumor_count(x->rec) >= rd->opts.max_tumors)
            return crtk__rfail(rd, CRTK_ELIMIT, line, 0, NULL, "patient has more than %ld tumors",
                               rd->opts.max_tumors);
        t = crtk_record_add_tumor(x->rec);
        if (t < 0)
            return crtk__rfail(rd, CRTK_ENOMEM, line, 0, NULL, "out of memory");
        crtk_record_set_line(x->rec, t, line);
        nf->role = R_TUMOR;
        nf->phase = 0;
        nf->tumor = t;
        nf->prev = -1;
        for (i = 0; i < nb_attrs; i++)
            crtk__finding(rd, CRTK_SEV_ERROR, "unexpected-attribute", line, 0, t + 1, NULL,
                          "%s has the attribute \"%s\"; it allows none", "Tumor",
                          (const char *)attrs[5 * i]);
        return CRTK_OK;
    }
    if (k == K_FOREIGN) {
        int *phase = root ? &x->root_phase : &f->phase;
        if (*phase == 2) {
            if (root)
                crtk__finding(rd, CRTK_SEV_ERROR, "extension-out-of-order", line, 0, 0, NULL,
                              "extension <%s> after a Patient in NaaccrData%s", localname,
                              rd->opts.keep_extensions ? "; dropped" : "");
            else
                crtk__finding(rd, CRTK_SEV_ERROR, "extension-out-of-order", line, 0, f->tumor + 1,
                              NULL, "extension <%s> after a Tumor in %s", localname, what);
        } else {
            *phase = 1;
        }
        x->ext_depth = x->depth;
        x->ext_keep = rd->opts.keep_extensions;
        x->ext_line = line;
        x->ext_lv = lv;
        x->ext_tumor = root ? -1 : f->tumor;
        x->ext_phase_root = x->root_phase;
        if (x->ext_keep &&
            ext_start(x, true, localname, prefix, uri, nb_ns, nss, nb_attrs, attrs) < 0)
            return crtk__rfail(rd, CRTK_ENOMEM, line, 0, NULL, "out of memory");
        return CRTK_OK;
    }
    if (k == K_NO_NS)
        crtk__finding(rd, CRTK_SEV_ERROR, "unknown-element", line, 0, root ? 0 : f->tumor + 1, NULL,
                      "element <%s> in no namespace inside %s; skipped", localname, what);
    else if (k == K_OTHER_NAACCR)
        crtk__finding(rd, CRTK_SEV_ERROR, "unknown-element", line, 0, root ? 0 : f->tumor + 1, NULL,
                      "unknown NAACCR element <%s> inside %s; skipped", localname, what);
    else
        crtk__finding(rd, CRTK_SEV_ERROR, "unexpected-element", line, 0, root ? 0 : f->tumor + 1,
                      NULL, "<%s> is not allowed inside %s; skipped", localname, what);
    skip(x);
    return CRTK_OK;
}

static void on_start(void *ctx,
                     const xmlChar *localname,
                     const xmlChar *prefix,
                     const xmlChar *uri,
                     int nb_ns,
                     const xmlChar **nss,
                     int nb_attrs,
                     int nb_defaulted,
                     const xmlChar **attrs)
{
    xr *x = of(ctx);
    long line;
    int d, rc = 0;
    frame *f;

    (void)nb_defaulted;
    if (dead(x))
        return;
    line = cur_line(x);
    end_text(x);
    d = x->depth++; /* this element's depth: NaaccrData is 0 */
    if (d > MAX_DEPTH) {
        stop(x, crtk__rfail(x->rd, CRTK_ELIMIT, line, 0, NULL,
                            "elements nested deeper than %d levels", MAX_DEPTH));
        return;
    }
    if (x->ext_depth) {
        if (x->ext_keep) {
            if (ext_start(x, false, localname, prefix, uri, nb_ns, nss, nb_attrs, attrs) < 0)
                rc = crtk__rfail(x->rd, CRTK_ENOMEM, line, 0, NULL, "out of memory");
            else
                rc = ext_limit(x);
        }
    } else if (x->skip_depth) {
        /* inside a skipped subtree */
    } else if (d == 0) {
        x->st[0].role = R_ROOT;
        x->st[0].phase = 0;
        x->st[0].tumor = -1;
        x->st[0].prev = -1;
        rc = root_element(x, localname, uri, nb_ns, nss, nb_attrs, attrs, line);
    } else {
        f = &x->st[d - 1];
        if (f->role == R_ITEM) {
            if (prefix)
                crtk__finding(x->rd, CRTK_SEV_ERROR, "unexpected-element", line, 0,
                              x->item_tumor + 1, item_id(x),
                              "element <%s:%s> inside an Item is not allowed", prefix, localname);
            else
                crtk__finding(x->rd, CRTK_SEV_ERROR, "unexpected-element", line, 0,
                              x->item_tumor + 1, item_id(x),
                              "element <%s> inside an Item is not allowed", localname);
            skip(x);
        } else {
            rc = container_child(x, f, localname, prefix, uri, nb_ns, nss, nb_attrs, attrs, line);
        }
    }
    if (rc < 0)
        stop(x, rc);
}

static int end_item(xr *x, frame *parent)
{
    crtk_reader *rd = x->rd;
    const crtk_item *it = item_resolve(x, parent);
    long line = x->item_line;

    if (!it)
        return CRTK_OK;
    if (parent->role == R_ROOT)
        return x->root_phase < 2 ? store_root(rd, x, it, line) : CRTK_OK;
    if (it->level == CRTK_LEVEL_ROOT && crtk_record_get(x->rec, it, 0, NULL)) {
        crtk__finding(rd, CRTK_SEV_ERROR, "duplicate-item", line, 0, x->item_tumor + 1, it->id,
                      "%s is already given in NaaccrData; the value is dropped", it->id);
        return CRTK_OK;
    }
    return store_item(rd, x, x->rec, it, x->item_tumor, line);
}

static void on_end(void *ctx, const xmlChar *localname, const xmlChar *prefix, const xmlChar *uri)
{
    xr *x = of(ctx);
    int d, rc = 0;

    (void)uri;
    if (dead(x))
        return;
    end_text(x);
    d = --x->depth;
    if (x->ext_depth) {
        if (x->ext_keep) {
            if (ext_end(x, localname, prefix) < 0)
                rc = crtk__rfail(x->rd, CRTK_ENOMEM, cur_line(x), 0, NULL, "out of memory");
            else
                rc = ext_limit(x);
        }
        if (rc == 0 && d == x->ext_depth - 1) {
            x->ext_depth = 0;
            rc = ext_done(x);
        }
    } else if (x->skip_depth) {
        if (d == x->skip_depth - 1) {
            x->skip_depth = 0;
            x->in_value = d > 0 && x->st[d - 1].role == R_ITEM && !dead(x);
        }
    } else if (d == 0) {
        x->at_end = true;
    } else {
        frame *f = &x->st[d];
        if (f->role == R_ITEM) {
            x->in_value = false;
            rc = end_item(x, &x->st[d - 1]);
        } else if (f->role == R_PATIENT)
            x->patient_ready = true;
    }
    if (rc < 0)
        stop(x, rc);
}

static void on_text(void *ctx, const xmlChar *ch, int len)
{
    xr *x = of(ctx);
    frame *f;

    if (x->in_value && len > 0 && x->val.len + (size_t)len < MAX_VALUE &&
        x->val.cap - x->val.len > (size_t)len) { /* the common case, inline; else below */
        memcpy(x->val.s + x->val.len, ch, (size_t)len);
        x->val.len += (size_t)len;
        x->val.s[x->val.len] = '\0';
        return;
    }
    if (dead(x) || len <= 0 || x->depth == 0)
        return;
    if (x->ext_depth) {
        if (!x->ext_keep)
            return;
        if (ext_close_tag(x) < 0 || ext_add_escaped_text(&x->ext, ch, len) < 0)
            stop(x, crtk__rfail(x->rd, CRTK_ENOMEM, x->ext_line, 0, NULL, "out of memory"));
        else if (ext_limit(x) < 0)
            stop(x, CRTK_ELIMIT);
        return;
    }
    if (x->skip_depth)
        return;
    f = &x->st[x->depth - 1];
    if (f->role == R_ITEM) {
        if (x->val.len + (size_t)len > MAX_VALUE) {
            const char *id = item_id(x);
            stop(x, crtk__rfail(x->rd, CRTK_ELIMIT, x->item_line, 0, id,
                                "value of Item \"%s\" is longer than %u bytes", id ? id : "",
                                MAX_VALUE));
            return;
        }
        if (sb_add(&x->val, (const char *)ch, (size_t)len) < 0)
            stop(x, crtk__rfail(x->rd, CRTK_ENOMEM, x->item_line, 0, NULL, "out of memory"));
        return;
    }
    if (!x->run) {
        x->run = true;
        x->run_text = false;
        x->run_line = cur_line(x);
    }
    if (!x->run_text && !blank_n(ch, len))
        x->run_text = true;
}

static void on_comment(void *ctx, const xmlChar *value)
{
    xr *x = of(ctx);

    if (dead(x))
        return;
    end_text(x);
    if (x->ext_depth && x->ext_keep) {
        if (ext_close_tag(x) < 0 || sb_printf(&x->ext, "<!--%s-->", (const char *)value) < 0)
            stop(x, crtk__rfail(x->rd, CRTK_ENOMEM, x->ext_line, 0, NULL, "out of memory"));
        else if (ext_limit(x) < 0)
            stop(x, CRTK_ELIMIT);
    }
}

static void on_pi(void *ctx, const xmlChar *target, const xmlChar *data)
{
    xr *x = of(ctx);

    if (dead(x))
        return;
    end_text(x);
    if (x->ext_depth && x->ext_keep) {
        int rc = ext_close_tag(x);
        if (rc == 0)
            rc = data ? sb_printf(&x->ext, "<?%s %s?>", (const char *)target, (const char *)data)
                      : sb_printf(&x->ext, "<?%s?>", (const char *)target);
        if (rc < 0)
            stop(x, crtk__rfail(x->rd, CRTK_ENOMEM, x->ext_line, 0, NULL, "out of memory"));
        else if (ext_limit(x) < 0)
            stop(x, CRTK_ELIMIT);
    }
}

/* A DOCTYPE: note where; libxml2 parses the internal subset (its errors, such as an entity
 * loop, come first), and the document is refused when the subset ends. */
static void on_internal_subset(void *ctx,
                               const xmlChar *name,
                               const xmlChar *external_id,
                               const xmlChar *system_id)
{
    xr *x = of(ctx);

    if (!x->doctype) {
        x->doctype = true;
        x->doctype_line = cur_line(x);
    }
    xmlSAX2InternalSubset(x->ctxt, name, external_id, system_id);
}

static void on_external_subset(void *ctx,
                               const xmlChar *name,
                               const xmlChar *external_id,
                               const xmlChar *system_id)
{
    xr *x = of(ctx);

    (void)name;
    (void)external_id;
    (void)system_id;
    if (dead(x))
        return;
    stop(x, crtk__rfail(x->rd, CRTK_EINVALID, x->doctype ? x->doctype_line : cur_line(x), 0, NULL,
                        "a DOCTYPE is not allowed in NAACCR XML (entity declarations are "
                        "refused)"));
}

static void on_reference(void *ctx, const xmlChar *name)
{
    xr *x = of(ctx);

    if (dead(x))
        return;
    stop(x, crtk__rfail(x->rd, CRTK_EINVALID, cur_line(x), 0, NULL,
                        "entity reference &%s; is not allowed in NAACCR XML", (const char *)name));
}

/* ---- feeding the parser ------------------------------------------------------------------- */

/* UTF-16, UCS-4 and EBCDIC documents (by their first bytes): not scanned. */
static bool ascii_incompatible(const unsigned char *p, size_t n)
{
    if (n >= 2 && ((p[0] == 0xFE && p[1] == 0xFF) || (p[0] == 0xFF && p[1] == 0xFE)))
        return true;
    if (n >= 4 && ((p[0] == 0 && p[1] == 0x3C) || (p[0] == 0x3C && p[1] == 0) ||
                   (p[0] == 0 && p[1] == 0 && p[2] == 0) ||
                   (p[0] == 0x4C && p[1] == 0x6F && p[2] == 0xA7 && p[3] == 0x94)))
        return true;
    return false;
}

static int feed(crtk_reader *rd, xr *x, const char *p, size_t n, bool terminate)
{
    xmlParseChunk(x->ctxt, p, (int)n, terminate);
    if (terminate && x->xml_failed && x->depth > 0) {
        /* the input stopped with elements open: say so (libxml2's "Extra content at the end
         * of the document" then means just that; its other messages are kept) */
        char open[80];
        size_t n = strlen(x->xml_msg);
        snprintf(open, sizeof open, "the file ends with %d element%s still open", x->depth,
                 x->depth == 1 ? "" : "s");
        if (x->xml_code == XML_ERR_DOCUMENT_END)
            snprintf(x->xml_msg, sizeof x->xml_msg,
                     "%s (it is cut short, or an element is not closed)", open);
        else if (n + 2 + strlen(open) < sizeof x->xml_msg)
            snprintf(x->xml_msg + n, sizeof x->xml_msg - n, "; %s", open);
    }
    if (dead(x))
        return fail_xml(rd, x);
    return CRTK_OK;
}

/* Refill the buffer: keep the bytes not fed yet, read more. Returns bytes read (0 at end). */
static long refill(crtk_reader *rd, xr *x)
{
    long n;

    if (x->fed) {
        memmove(x->buf, x->buf + x->fed, x->len - x->fed);
        x->len -= x->fed;
        x->lexed -= x->fed;
        x->hold = x->hold > x->fed ? x->hold - x->fed : 0;
        x->fed = 0;
    }
    if (x->cap - x->len < CHUNK) {
        size_t nc = x->cap ? x->cap * 2 : 2 * CHUNK;
        char *b = realloc(x->buf, nc);
        if (!b)
            return crtk__rfail(rd, CRTK_ENOMEM, 0, 0, NULL, "out of memory");
        x->buf = b;
        x->cap = nc;
    }
    n = crtk__in_read(&rd->in, x->buf + x->len, CHUNK, &x->io_err);
    if (n < 0) {
        x->io_failed = true;
        return fail_xml(rd, x);
    }
    if (x->len == 0 && n > 0 && !x->cap_checked) {
        x->cap_checked = true;
        x->raw = ascii_incompatible((const unsigned char *)x->buf, (size_t)n);
    }
    x->len += (size_t)n;
    return n;
}

/* Give the parser its next piece: up to the next boundary the scanner finds (see
 * xml_scan.h), or everything read when there is none, except a construct still open.
 * Returns 1 after a piece, 0 when the end of input has been given, <0 on failure. */
static int pump(crtk_reader *rd, xr *x)
{
    for (;;) {
        long n;
        if (x->lexed < x->len) {
            size_t end;
            if (x->raw || x->scan.lost) {
                /* Not followed: one byte at a time, so that one call completes at most one
                 * Patient; bounded so that libxml2 never sees a huge unfinished tag. */
                end = x->lexed + 1;
                if (x->raw) {
                    x->raw_since_gt = x->buf[x->lexed] == '>' ? 0 : x->raw_since_gt + 1;
                    if (x->raw_since_gt > RAW_NO_GT)
                        return crtk__rfail(rd, CRTK_ELIMIT, cur_line(x), 0, NULL,
                                           "no markup ends within %u bytes", RAW_NO_GT);
                } else if (!x->root_seen && ++x->lost_bytes > MAX_DOCTYPE) {
                    return crtk__rfail(rd, CRTK_EINVALID,
                                       x->doctype ? x->doctype_line : x->scan.tag_line, 0, NULL,
                                       "a DOCTYPE is not allowed in NAACCR XML (entity "
                                       "declarations are refused)");
                }
                x->lexed = end;
            } else {
                bool boundary;
                size_t open_at;
                long k = crtk__xscan_run(&x->scan, x->buf + x->lexed, x->len - x->lexed, &boundary,
                                         &open_at);
                if (k < 0)
                    return crtk__rfail(rd, CRTK_ELIMIT, x->scan.err_line, 0, NULL, "%s",
                                       x->scan.err);
                if (open_at != SIZE_MAX)
                    x->hold = x->lexed + open_at;
                x->lexed += (size_t)k;
                end = x->lexed;
                if (!boundary && x->scan.open && !x->scan.lost)
                    end = x->hold; /* hand the construct over whole */
            }
            if (end > x->fed) {
                int rc = feed(rd, x, x->buf + x->fed, end - x->fed, false);
                x->fed = end;
                if (rc < 0)
                    return rc;
                return 1;
            }
            continue;
        }
        if (x->eof_fed)
            return 0;
        n = refill(rd, x);
        if (n < 0)
            return (int)n;
        if (n == 0) {
            int rc;
            x->eof_fed = true;
            rc = feed(rd, x, x->buf + x->fed, x->len - x->fed, true);
            x->fed = x->len;
            return rc < 0 ? rc : 0;
        }
    }
}

/* libxml2's reader parsed the input in 512-byte pieces until it had the document element:
 * a well-formedness or encoding error in those bytes was an error of opening the file,
 * reported before anything about the document element. Keep that: parse those bytes first
 * with a parser that builds nothing (a few KiB, once per file). */
static void dry_error(void *ctx, xmlErrorPtr e)
{
    xr *x = ctx;

    if (!e)
        return;
    if (e->level != XML_ERR_WARNING) {
        xml_error(x, e);
    } else if (x->ndw < (int)(sizeof x->dw / sizeof *x->dw)) {
        /* reported only if the look-ahead fails: the real parse reports them otherwise */
        x->dw[x->ndw] = *e;
        x->dw[x->ndw].message = NULL;
        crtk__copy(x->dwmsg[x->ndw], sizeof x->dwmsg[0], e->message ? e->message : "warning");
        x->ndw++;
    }
}

static int lookahead(crtk_reader *rd, xr *x)
{
    crtk__xscan sc;
    bool boundary;
    size_t open_at, end;
    long k;
    xmlSAXHandler sax;
    xmlParserCtxtPtr c;

    if (x->raw)
        return CRTK_OK;
    crtk__xscan_init(&sc);
    k = crtk__xscan_run(&sc, x->buf, x->len, &boundary, &open_at);
    if (k < 0 || sc.lost)
        return CRTK_OK; /* limits are the pump's; a DOCTYPE is refused when it ends */
    if (!boundary && !sc.broken)
        return CRTK_OK; /* a very long prolog */
    end = boundary ? ((size_t)k + 511) / 512 * 512 : 4096;
    if (end > x->len)
        end = x->len;
    memset(&sax, 0, sizeof sax);
    sax.initialized = XML_SAX2_MAGIC;
    sax.serror = dry_error;
    c = xmlCreatePushParserCtxt(&sax, NULL, NULL, 0, rd->in.name);
    if (!c)
        return CRTK_OK;
    c->_private = x;
    xmlCtxtUseOptions(c, XML_PARSE_NONET | XML_PARSE_BIG_LINES);
    c->userData = x;
    xmlParseChunk(c, x->buf, (int)end, 0);
    if (c->myDoc)
        xmlFreeDoc(c->myDoc);
    xmlFreeParserCtxt(c);
    if (!x->xml_failed)
        return CRTK_OK;
    for (k = 0; k < x->ndw; k++) {
        x->dw[k].message = x->dwmsg[k];
        xml_error(x, &x->dw[k]);
    }
    x->hfail = fail_xml(rd, x);
    return x->hfail;
}

/* ---- the backend -------------------------------------------------------------------------- */

static void xml_free(crtk_reader *rd);

static int start(crtk_reader *rd)
{
    xr *x = calloc(1, sizeof *x);
    xmlSAXHandler sax;
    int rc;

    if (!x)
        return crtk__rfail(rd, CRTK_ENOMEM, 0, 0, NULL, "out of memory");
    rd->impl = x;
    x->rd = rd;
    xmlInitParser();
    memset(&sax, 0, sizeof sax);
    xmlSAXVersion(&sax, 2);
    sax.startElementNs = on_start;
    sax.endElementNs = on_end;
    sax.characters = on_text;
    sax.ignorableWhitespace = on_text;
    sax.cdataBlock = on_text;
    sax.comment = on_comment;
    sax.processingInstruction = on_pi;
    sax.internalSubset = on_internal_subset;
    sax.externalSubset = on_external_subset;
    sax.reference = on_reference;
    sax.serror = on_xml_error;
    sax.error = NULL;
    sax.warning = NULL;
    sax.fatalError = NULL;
    hook_errors(x);
    x->ctxt = xmlCreatePushParserCtxt(&sax, NULL, NULL, 0, rd->in.name);
    if (!x->ctxt) {
        unhook_errors(x);
        return crtk__rfail(rd, CRTK_ENOMEM, 0, 0, NULL, "cannot create the XML parser");
    }
    x->ctxt->_private = x;
    /* No NOENT, DTDLOAD, DTDATTR or HUGE: entities stay references, nothing is fetched,
     * libxml2's own size limits stay on. */
    xmlCtxtUseOptions(x->ctxt, XML_PARSE_NONET | XML_PARSE_BIG_LINES);
    x->ctxt->linenumbers = 1;
    x->s_item = xmlDictLookup(x->ctxt->dict, BAD_CAST "Item", -1);
    x->s_patient = xmlDictLookup(x->ctxt->dict, BAD_CAST "Patient", -1);
    x->s_tumor = xmlDictLookup(x->ctxt->dict, BAD_CAST "Tumor", -1);
    x->s_data = xmlDictLookup(x->ctxt->dict, BAD_CAST "NaaccrData", -1);
    x->s_id = xmlDictLookup(x->ctxt->dict, BAD_CAST "naaccrId", -1);
    x->s_num = xmlDictLookup(x->ctxt->dict, BAD_CAST "naaccrNum", -1);
    x->s_xml = xmlDictLookup(x->ctxt->dict, BAD_CAST "xml", -1);
    crtk__xscan_init(&x->scan);
    rc = (int)refill(rd, x);
    if (rc >= 0)
        rc = lookahead(rd, x);
    if (rc < 0)
        goto out;
    while (!x->root_seen) {
        rc = pump(rd, x);
        if (rc < 0)
            goto out;
        if (rc == 0 && !x->root_seen) {
            rc = dead(x) ? fail_xml(rd, x)
                         : crtk__rfail(rd, CRTK_EPARSE, 0, 0, NULL, "no document element");
            goto out;
        }
    }
    x->it_rt = crtk_layout_find(x->lay, "recordType");
    x->it_ver = crtk_layout_find(x->lay, "naaccrRecordVersion");
    rc = CRTK_OK;
out:
    unhook_errors(x);
    return rc;
}

static int next(crtk_reader *rd, crtk_record *rec)
{
    xr *x = rd->impl;
    int rc = 0;

    hook_errors(x);
    x->rec = rec;
    x->patient_ready = false;
    for (;;) {
        if (x->patient_ready) {
            rc = 1;
            break;
        }
        if (x->eof_fed) {
            rc = x->at_end ? 0
                           : crtk__rfail(rd, CRTK_EPARSE, cur_line(x), 0, NULL,
                                         "unexpected end of document");
            break;
        }
        rc = pump(rd, x);
        if (rc < 0)
            break;
    }
    x->rec = NULL;
    unhook_errors(x);
    return rc;
}

static void xml_free(crtk_reader *rd)
{
    xr *x = rd->impl;

    if (!x)
        return;
    if (x->ctxt) {
        if (x->ctxt->myDoc)
            xmlFreeDoc(x->ctxt->myDoc);
        x->ctxt->myDoc = NULL;
        xmlFreeParserCtxt(x->ctxt);
    }
    free(x->buf);
    free(x->memo);
    free(x->idlen);
    sb_free(&x->val);
    sb_free(&x->id);
    sb_free(&x->num);
    sb_free(&x->ext);
    sb_free(&x->ext_added);
    free(x->ens);
    free(x->added);
    sb_free(&x->rootbuf);
    free(x->roots);
    free(x->rexts);
    free(x);
    rd->impl = NULL;
}

const crtk__reader_ops crtk__xml_reader_ops = {start, next, xml_free};
