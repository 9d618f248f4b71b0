/* xml_reader.c - streaming NAACCR XML reader on libxml2's xmlTextReader: one Patient per
 * call, nodes freed as the cursor passes them, so memory is bounded by the patient. Any
 * DOCTYPE is refused (no entity can be declared, so none can expand or load), names are
 * compared as interned pointers and values are gathered in one reused buffer. Per-item
 * problems are findings and reading goes on; malformed XML is a fatal error.
 * Line numbers are the elements' own (libxml2 keeps no columns for nodes: column 0). */
#include "reader_internal.h"
#include "error_internal.h"
#include "xml_scan_internal.h"

#include <libxml/parser.h>
#include <libxml/tree.h>
#include <libxml/xmlerror.h>
#include <libxml/xmlreader.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define NAACCR_NS   "http://naaccr.org/naaccrxml"
#define MAX_VALUE   (1u << 20) /* longest Item value: 1 MiB */
#define MAX_DEPTH   64         /* deepest element nesting accepted */
#define MAX_EXT     (1u << 20) /* longest extension kept verbatim */
#define BASE_PREFIX "http://naaccr.org/naaccrxml/naaccr-dictionary-"
#define ID_CACHE    1024 /* item ids remembered by position in their container */
/* Markup limits, checked on the bytes before libxml2 parses them: libxml2 2.9 compares each
 * attribute of a tag with all before it, so 200,000 attributes would take minutes. */
#define MAX_ATTRS         256        /* attributes (and namespace declarations) per tag */
#define MAX_NAME          1024       /* bytes in an element or attribute name */
#define MAX_ATTR_VALUE    (1u << 20) /* bytes in an attribute value */
#define MAX_PATIENT_ITEMS (1L << 20) /* Items in one Patient, its Tumors included */

typedef struct rootval {
    const crtk_item *it;
    size_t off, len;
} rootval;

typedef struct span {
    size_t off, len;
} span;

typedef struct xr {
    xmlTextReaderPtr r;
    crtk__xml_scanner sc; /* bounds each tag before libxml2 parses it */
    long patient_items;
    const xmlChar *s_item, *s_patient, *s_tumor, *s_data, *s_id, *s_num;
    const crtk_layout *lay;
    unsigned rtbit;
    strbuf val; /* value of the Item being read */
    /* Files repeat the same item sequence in every patient and tumor: the item seen at the
     * same position last time is checked before the hash lookup. */
    struct {
        const crtk_item *it;
        size_t len;
    } idcache[CRTK_LEVELS][ID_CACHE];
    const xmlNs *root_ns; /* the NAACCR namespace as declared on NaaccrData: lives as long */
    /* Root Items and extensions, read once before the first Patient, copied to each record. */
    strbuf rootbuf;
    rootval *roots;
    int nroots, caproots;
    span *rexts;
    int nrexts, caprexts;
    int root_phase; /* 0 items, 1 extensions, 2 patients */
    bool at_end;    /* NaaccrData closed */
    /* First I/O or libxml2 error, reported when the current call returns. */
    bool io_failed, xml_failed;
    crtk_error io_err;
    int xml_code, xml_domain;
    long xml_line, xml_col;
    char xml_msg[200];
    xmlStructuredErrorFunc saved_serror;
    void *saved_sctx;
} xr;

/* ---- libxml2 plumbing -------------------------------------------------------------------- */

static int io_read(void *ctx, char *buf, int len)
{
    crtk_reader *rd = ctx;
    xr *x = rd->impl;
    long n;

    if (x->io_failed)
        return -1;
    n = crtk__in_read(&rd->in, buf, (size_t)len, &x->io_err);
    if (n < 0) {
        x->io_failed = true;
        return -1;
    }
    if (crtk__xml_scan(&x->sc, buf, (size_t)n, &x->io_err) < 0) {
        x->io_failed = true;
        return -1;
    }
    return (int)n;
}

static void on_xml_error(void *ctx, xmlErrorPtr e)
{
    crtk_reader *rd = ctx;
    xr *x = rd->impl;
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

/* Errors raised without a parser context (character conversion) go to the thread's global
 * handler: route them to us while we parse, so the library never prints. */
static void hook_errors(crtk_reader *rd, xr *x)
{
    x->saved_serror = xmlStructuredError;
    x->saved_sctx = xmlStructuredErrorContext;
    xmlSetStructuredErrorFunc(rd, on_xml_error);
}

static void unhook_errors(xr *x)
{
    xmlSetStructuredErrorFunc(x->saved_sctx, x->saved_serror);
}

static int fail_xml(crtk_reader *rd, xr *x)
{
    int code = CRTK_EPARSE;

    if (x->io_failed)
        return crtk__rfail(rd, x->io_err.code ? x->io_err.code : CRTK_EIO, x->io_err.line, 0, NULL,
                           "%s", x->io_err.message[0] ? x->io_err.message : "read failed");
    if (!x->xml_failed)
        return crtk__rfail(rd, CRTK_EPARSE, xmlTextReaderGetParserLineNumber(x->r),
                           xmlTextReaderGetParserColumnNumber(x->r), NULL, "malformed XML");
    if (x->xml_domain == XML_FROM_I18N || x->xml_code == XML_ERR_INVALID_ENCODING ||
        x->xml_code == XML_ERR_UNSUPPORTED_ENCODING || x->xml_code == XML_ERR_UNKNOWN_ENCODING ||
        (x->xml_code == XML_ERR_INVALID_CHAR && strstr(x->xml_msg, "not proper UTF-8")))
        code = CRTK_EENCODING; /* libxml2 uses INVALID_CHAR for both: tell them apart */
    return crtk__rfail(rd, code, x->xml_line, x->xml_col, NULL, "%s", x->xml_msg);
}

/* xmlTextReaderRead with error capture: 1 node, 0 end of document, <0 fatal. */
static int step(crtk_reader *rd, xr *x)
{
    int rc = xmlTextReaderRead(x->r);

    if (x->io_failed || x->xml_failed || rc < 0)
        return fail_xml(rd, x);
    return rc;
}

/* xmlTextReaderNodeType, without its blank-text scan: text is text to us. */
static int node_type(xr *x)
{
    xmlNodePtr n = xmlTextReaderCurrentNode(x->r);

    if (n && (n->type == XML_TEXT_NODE || n->type == XML_CDATA_SECTION_NODE))
        return XML_READER_TYPE_TEXT;
    return xmlTextReaderNodeType(x->r);
}

static long node_line(xmlNodePtr n)
{
    if (!n)
        return 0;
    if (n->line < 65535)
        return n->line;
    return xmlGetLineNo(n); /* XML_PARSE_BIG_LINES: found through the text children */
}

static long cur_line(xr *x)
{
    return node_line(xmlTextReaderCurrentNode(x->r));
}

static bool is_naaccr_ns(const xmlNs *ns)
{
    return ns && ns->href && !strcmp((const char *)ns->href, NAACCR_NS);
}

static bool naaccr_element(const xr *x, const xmlNs *ns)
{
    return ns && (ns == x->root_ns || is_naaccr_ns(ns));
}

static bool blank(const char *s)
{
    for (; *s; s++)
        if (*s != ' ' && *s != '\t' && *s != '\n' && *s != '\r')
            return false;
    return true;
}

/* Skip the subtree of the element under the cursor (which stays on its end), node by node
 * so that nodes are freed and nesting stays bounded. */
static int skip_subtree(crtk_reader *rd, xr *x)
{
    int depth = xmlTextReaderDepth(x->r);
    int rc;

    if (xmlTextReaderIsEmptyElement(x->r))
        return CRTK_OK;
    for (;;) {
        int type;
        rc = step(rd, x);
        if (rc < 0)
            return rc;
        if (rc == 0)
            return crtk__rfail(rd, CRTK_EPARSE, xmlTextReaderGetParserLineNumber(x->r), 0, NULL,
                               "unexpected end of document");
        type = node_type(x);
        if (type == XML_READER_TYPE_END_ELEMENT && xmlTextReaderDepth(x->r) == depth)
            return CRTK_OK;
        if (type == XML_READER_TYPE_ELEMENT && xmlTextReaderDepth(x->r) > MAX_DEPTH)
            return crtk__rfail(rd, CRTK_ELIMIT, cur_line(x), 0, NULL,
                               "elements nested deeper than %d levels", MAX_DEPTH);
    }
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

static const char *attr_value(xmlAttrPtr a)
{
    if (a->children && a->children->type == XML_TEXT_NODE && !a->children->next)
        return (const char *)a->children->content;
    return NULL; /* not reached: without a DTD an attribute value is one text node */
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

static int root_attributes(crtk_reader *rd, xr *x, xmlNodePtr node, long line)
{
    const char *base = NULL, *rtype = NULL, *spec = NULL, *users = NULL, *tg = NULL;
    const crtk_layout *bl;
    xmlAttrPtr a;
    xmlNsPtr ns;
    char ver[16];
    size_t blen, plen = strlen(BASE_PREFIX);
    int i, nusers = 0, rc = 0;

    for (ns = node->nsDef; ns; ns = ns->next) {
        if (!ns->prefix) {
            if (!ns->href || strcmp((const char *)ns->href, NAACCR_NS))
                return crtk__rfail(rd, CRTK_EINVALID, line, 0, NULL,
                                   "default namespace is \"%s\"; it must be " NAACCR_NS,
                                   ns->href ? (const char *)ns->href : "");
            continue;
        }
        if (is_naaccr_ns(ns))
            continue; /* a prefix for the standard elements: writers use the default */
        rc = add_attr(&rd->extra_root, "xmlns", (const char *)ns->prefix, (const char *)ns->href);
        if (rc < 0)
            return crtk__rfail(rd, CRTK_ENOMEM, line, 0, NULL, "out of memory");
    }
    for (a = node->properties; a; a = a->next) {
        const char *name = (const char *)a->name, *v = attr_value(a);
        if (!v)
            v = "";
        if (a->ns && !is_naaccr_ns(a->ns)) {
            if (add_attr(&rd->extra_root, (const char *)a->ns->prefix, name, v) < 0)
                return crtk__rfail(rd, CRTK_ENOMEM, line, 0, NULL, "out of memory");
            continue;
        }
        if (!strcmp(name, "baseDictionaryUri"))
            base = v;
        else if (!strcmp(name, "recordType"))
            rtype = v;
        else if (!strcmp(name, "specificationVersion"))
            spec = v;
        else if (!strcmp(name, "userDictionaryUri"))
            users = v;
        else if (!strcmp(name, "timeGenerated"))
            tg = v;
        else
            return crtk__rfail(rd, CRTK_EINVALID, line, 0, NULL,
                               "NaaccrData has the unknown attribute \"%s\" (other attributes "
                               "need a namespace prefix)",
                               name);
    }

    /* NAACCR XML 1.2: baseDictionaryUri is required; its tail names the version. */
    if (!base)
        return crtk__rfail(rd, CRTK_EINVALID, line, 0, NULL,
                           "NaaccrData has no baseDictionaryUri attribute");
    blen = strlen(base);
    if (blen <= plen + 4 || strncmp(base, BASE_PREFIX, plen) || strcmp(base + blen - 4, ".xml") ||
        blen - plen - 4 >= sizeof ver)
        return crtk__rfail(rd, CRTK_EINVALID, line, 0, NULL,
                           "baseDictionaryUri \"%s\" is not " BASE_PREFIX "NNN.xml", base);
    memcpy(ver, base + plen, blen - plen - 4);
    ver[blen - plen - 4] = '\0';
    for (i = 0; i < (int)(sizeof versions / sizeof *versions) && strcmp(ver, versions[i]); i++)
        ;
    if (i == (int)(sizeof versions / sizeof *versions))
        return crtk__rfail(rd, CRTK_EUNSUPPORTED, line, 0, NULL,
                           "baseDictionaryUri names NAACCR version \"%s\"; supported are 140, "
                           "150, 160, 180 and 210 to 260",
                           ver);
    bl = crtk_layouts_dictionary(rd->ls, (int)strtol(ver, NULL, 10));
    if (!bl)
        return crtk__rfail(rd, CRTK_EUNSUPPORTED, line, 0, NULL,
                           "no base dictionary for NAACCR version %s is loaded", ver);

    if (!rtype)
        return crtk__rfail(rd, CRTK_EINVALID, line, 0, NULL,
                           "NaaccrData has no recordType attribute");
    if (strlen(rtype) != 1 || !crtk_rectype_bit(rtype[0]))
        return crtk__rfail(rd, CRTK_EINVALID, line, 0, NULL,
                           "recordType \"%s\" is not A, M, C or I", rtype);

    /* Absent specificationVersion means 1.0 (it appeared in 1.1); 1.0 to 1.8 exist. */
    if (spec && !(strlen(spec) == 3 && spec[0] == '1' && spec[1] == '.' && spec[2] >= '0' &&
                  spec[2] <= '8'))
        return crtk__rfail(rd, CRTK_EUNSUPPORTED, line, 0, NULL,
                           "specificationVersion \"%s\" is not one of 1.0 to 1.8", spec);

    if (users) {
        const char *p = users;
        while (*p) {
            while (*p == ' ' || *p == '\t' || *p == '\n' || *p == '\r')
                p++;
            if (!*p)
                break;
            if (nusers && sb_addc(&rd->user_uris, ' ') < 0)
                return crtk__rfail(rd, CRTK_ENOMEM, line, 0, NULL, "out of memory");
            while (*p && *p != ' ' && *p != '\t' && *p != '\n' && *p != '\r')
                if (sb_addc(&rd->user_uris, *p++) < 0)
                    return crtk__rfail(rd, CRTK_ENOMEM, line, 0, NULL, "out of memory");
            nusers++;
        }
        /* Several user dictionaries came with specification 1.2. */
        if (nusers > 1 && (!spec || spec[2] < '2'))
            return crtk__rfail(rd, CRTK_EINVALID, line, 0, NULL,
                               "userDictionaryUri lists %d dictionaries; specification %s allows "
                               "one (several need 1.2 or later)",
                               nusers, spec ? spec : "1.0");
    }
    if (tg && !valid_time(tg))
        crtk__finding(rd, CRTK_SEV_ERROR, "invalid-time-generated", line, 0, 0, NULL,
                      "timeGenerated \"%s\" is not an ISO-8601 date-time", tg);

    if (sb_adds(&rd->base_uri, base) < 0 || sb_adds(&rd->spec, spec ? spec : "") < 0 ||
        sb_adds(&rd->time_generated, tg ? tg : "") < 0 || sb_add(&rd->user_uris, "", 0) < 0 ||
        sb_add(&rd->extra_root, "", 0) < 0)
        return crtk__rfail(rd, CRTK_ENOMEM, line, 0, NULL, "out of memory");
    rd->info.naaccr_version = crtk_layout_version(bl);
    rd->info.record_type = rtype[0];
    x->rtbit = crtk_rectype_bit(rtype[0]);
    return runtime_dictionary(rd, x, bl, line);
}

static int start(crtk_reader *rd)
{
    xr *x = calloc(1, sizeof *x);
    xmlNodePtr node;
    long line;
    int rc, type;

    if (!x)
        return crtk__rfail(rd, CRTK_ENOMEM, 0, 0, NULL, "out of memory");
    crtk__xml_scan_init(&x->sc);
    rd->impl = x;
    xmlInitParser();
    hook_errors(rd, x);
    /* No NOENT, DTDLOAD, DTDATTR or HUGE: entities stay references, nothing is fetched,
     * libxml2's own size limits stay on. BIG_LINES keeps line numbers past 65535. */
    x->r = xmlReaderForIO(io_read, NULL, rd, rd->in.name, NULL,
                          XML_PARSE_NONET | XML_PARSE_NOCDATA | XML_PARSE_COMPACT |
                              XML_PARSE_BIG_LINES);
    if (!x->r) {
        unhook_errors(x);
        if (x->io_failed)
            return fail_xml(rd, x);
        return crtk__rfail(rd, CRTK_ENOMEM, 0, 0, NULL, "cannot create the XML parser");
    }
    xmlTextReaderSetStructuredErrorHandler(x->r, on_xml_error, rd);
    x->s_item = xmlTextReaderConstString(x->r, BAD_CAST "Item");
    x->s_patient = xmlTextReaderConstString(x->r, BAD_CAST "Patient");
    x->s_tumor = xmlTextReaderConstString(x->r, BAD_CAST "Tumor");
    x->s_data = xmlTextReaderConstString(x->r, BAD_CAST "NaaccrData");
    x->s_id = xmlTextReaderConstString(x->r, BAD_CAST "naaccrId");
    x->s_num = xmlTextReaderConstString(x->r, BAD_CAST "naaccrNum");
    for (;;) {
        rc = step(rd, x);
        if (rc < 0)
            goto out;
        if (rc == 0) {
            rc = crtk__rfail(rd, CRTK_EPARSE, 0, 0, NULL, "no document element");
            goto out;
        }
        type = node_type(x);
        if (type == XML_READER_TYPE_DOCUMENT_TYPE) {
            /* The node is an xmlDtd, which has no line: the scanner saw where it began. */
            rc = crtk__rfail(
                rd, CRTK_EINVALID,
                x->sc.decl_line ? x->sc.decl_line : xmlTextReaderGetParserLineNumber(x->r), 0, NULL,
                "a DOCTYPE is not allowed in NAACCR XML (entity declarations "
                "are refused)");
            goto out;
        }
        if (type == XML_READER_TYPE_ELEMENT)
            break;
    }
    node = xmlTextReaderCurrentNode(x->r);
    line = node_line(node);
    if (node->name != x->s_data || !node->ns || !is_naaccr_ns(node->ns)) {
        if (node->name == x->s_data)
            rc = crtk__rfail(rd, CRTK_EINVALID, line, 0, NULL,
                             "NaaccrData is in namespace \"%s\"; it must be " NAACCR_NS,
                             node->ns && node->ns->href ? (const char *)node->ns->href : "");
        else
            rc = crtk__rfail(rd, CRTK_EINVALID, line, 0, NULL,
                             "document element is <%s>, not <NaaccrData>", node->name);
        goto out;
    }
    x->root_ns = node->ns;
    rc = root_attributes(rd, x, node, line);
    if (rc < 0)
        goto out;
    x->at_end = xmlTextReaderIsEmptyElement(x->r);
    {
        const xmlChar *enc = xmlTextReaderConstEncoding(x->r);
        if (sb_adds(&rd->encoding, enc ? (const char *)enc : "UTF-8") < 0) {
            rc = crtk__rfail(rd, CRTK_ENOMEM, 0, 0, NULL, "out of memory");
            goto out;
        }
    }
    rd->info.format = CRTK_FORMAT_XML;
    rd->info.layout = x->lay;
    rd->info.base_uri = rd->base_uri.s;
    rd->info.user_uris = rd->user_uris.s;
    rd->info.spec_version = rd->spec.s;
    rd->info.time_generated = rd->time_generated.s;
    rd->info.extra_root = rd->extra_root.s;
    rd->info.encoding = rd->encoding.s;
    rc = CRTK_OK;
out:
    unhook_errors(x);
    return rc;
}

/* ---- items -------------------------------------------------------------------------------- */

static const char *const level_names[] = {"NaaccrData", "Patient", "Tumor"};

/* Read the Item under the cursor. On success *it_out is the item to store (NULL: nothing to
 * store - empty, unknown or wrong level, already reported) and x->val holds its value. */
static int read_item(crtk_reader *rd,
                     xr *x,
                     crtk_level lv,
                     int tumor,
                     int pos,
                     const crtk_item **it_out,
                     long *line_out)
{
    xmlNodePtr node = xmlTextReaderCurrentNode(x->r);
    long line = node_line(node);
    const char *id = NULL, *num = NULL;
    size_t idlen = 0;
    xmlAttrPtr a;
    const crtk_item *it;
    int depth, rc;

    *it_out = NULL;
    *line_out = line;
    for (a = node->properties; a; a = a->next) {
        if (a->ns)
            continue; /* namespaced attributes belong to extensions */
        if (a->name == x->s_id)
            id = attr_value(a);
        else if (a->name == x->s_num)
            num = attr_value(a);
        else
            crtk__finding(rd, CRTK_SEV_ERROR, "unknown-attribute", line, 0, tumor + 1, NULL,
                          "Item has the unknown attribute \"%s\"", (const char *)a->name);
    }
    sb_clear(&x->val);
    if (!xmlTextReaderIsEmptyElement(x->r)) {
        depth = xmlTextReaderDepth(x->r);
        for (;;) {
            int type;
            rc = step(rd, x);
            if (rc < 0)
                return rc;
            if (rc == 0)
                return crtk__rfail(rd, CRTK_EPARSE, line, 0, NULL, "unexpected end of document");
            type = node_type(x);
            if (type == XML_READER_TYPE_TEXT || type == XML_READER_TYPE_CDATA ||
                type == XML_READER_TYPE_SIGNIFICANT_WHITESPACE ||
                type == XML_READER_TYPE_WHITESPACE) {
                const char *t = (const char *)xmlTextReaderConstValue(x->r);
                size_t tl = t ? strlen(t) : 0;
                if (x->val.len + tl > MAX_VALUE)
                    return crtk__rfail(rd, CRTK_ELIMIT, line, 0, id,
                                       "value of Item \"%s\" is longer than %u bytes", id ? id : "",
                                       MAX_VALUE);
                if (sb_add(&x->val, t, tl) < 0)
                    return crtk__rfail(rd, CRTK_ENOMEM, line, 0, NULL, "out of memory");
            } else if (type == XML_READER_TYPE_END_ELEMENT && xmlTextReaderDepth(x->r) == depth) {
                break;
            } else if (type == XML_READER_TYPE_ELEMENT) {
                crtk__finding(rd, CRTK_SEV_ERROR, "unexpected-element", cur_line(x), 0, tumor + 1,
                              id, "element <%s> inside an Item is not allowed",
                              (const char *)xmlTextReaderConstName(x->r));
                if (xmlTextReaderDepth(x->r) > MAX_DEPTH)
                    return crtk__rfail(rd, CRTK_ELIMIT, cur_line(x), 0, NULL,
                                       "elements nested deeper than %d levels", MAX_DEPTH);
                if ((rc = skip_subtree(rd, x)) < 0)
                    return rc;
            }
        }
    }
    /* NAACCR XML (RI): an Item without text is ignored completely, not even validated. */
    if (x->val.len == 0)
        return CRTK_OK;
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
        return CRTK_OK;
    }
    it = NULL;
    if (pos < ID_CACHE && x->idcache[lv][pos].len == idlen &&
        !memcmp(x->idcache[lv][pos].it->id, id, idlen))
        it = x->idcache[lv][pos].it;
    if (!it) {
        it = crtk_layout_find_n(x->lay, id, idlen);
        if (it && pos < ID_CACHE) {
            x->idcache[lv][pos].it = it;
            x->idcache[lv][pos].len = idlen;
        }
    }
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
        return CRTK_OK;
    }
    /* NAACCR XML 1.5: the runtime dictionary holds only the file's record type. */
    if (!(it->rectypes & x->rtbit)) {
        crtk__finding(rd, CRTK_SEV_ERROR, "unknown-item", line, 0, tumor + 1, it->id,
                      "%s (#%d) is not part of record type %c; its value is dropped", it->id,
                      it->num, rd->info.record_type);
        return CRTK_OK;
    }
    if (num) {
        const char *p = num;
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
            return CRTK_OK;
    }
    *it_out = it;
    return CRTK_OK;
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

/* ---- containers --------------------------------------------------------------------------- */

/* Extension element (foreign namespace) under the cursor: keep its XML or skip it. The
 * cursor ends on the element's end. out: the XML to keep (xmlFree), NULL when skipped. */
static int extension(crtk_reader *rd, xr *x, xmlChar **out)
{
    *out = NULL;
    if (rd->opts.keep_extensions) {
        *out = xmlTextReaderReadOuterXml(x->r);
        if (x->io_failed || x->xml_failed)
            return fail_xml(rd, x);
        if (*out && strlen((const char *)*out) > MAX_EXT) {
            xmlFree(*out);
            *out = NULL;
            return crtk__rfail(rd, CRTK_ELIMIT, cur_line(x), 0, NULL,
                               "extension element is longer than %u bytes", MAX_EXT);
        }
    }
    return skip_subtree(rd, x);
}

static void container_attributes(crtk_reader *rd, xr *x, const char *what, int tumor)
{
    xmlNodePtr node = xmlTextReaderCurrentNode(x->r);
    xmlAttrPtr a;

    /* NAACCR XML 1.1: Patient and Tumor carry no attributes. */
    for (a = node->properties; a; a = a->next)
        crtk__finding(rd, CRTK_SEV_ERROR, "unexpected-attribute", node_line(node), 0, tumor + 1,
                      NULL, "%s has the attribute \"%s\"; it allows none", what,
                      (const char *)a->name);
}

/* Classify the element under the cursor. */
enum kind { K_ITEM, K_PATIENT, K_TUMOR, K_OTHER_NAACCR, K_NO_NS, K_FOREIGN };

static enum kind classify(xr *x, xmlNodePtr node)
{
    if (!node->ns)
        return K_NO_NS;
    if (!naaccr_element(x, node->ns))
        return K_FOREIGN;
    if (node->name == x->s_item)
        return K_ITEM;
    if (node->name == x->s_patient)
        return K_PATIENT;
    if (node->name == x->s_tumor)
        return K_TUMOR;
    return K_OTHER_NAACCR;
}

static int unexpected_element(
    crtk_reader *rd, xr *x, xmlNodePtr node, enum kind k, int tumor, const char *where)
{
    if (k == K_NO_NS)
        crtk__finding(rd, CRTK_SEV_ERROR, "unknown-element", node_line(node), 0, tumor + 1, NULL,
                      "element <%s> in no namespace inside %s; skipped", node->name, where);
    else if (k == K_OTHER_NAACCR)
        crtk__finding(rd, CRTK_SEV_ERROR, "unknown-element", node_line(node), 0, tumor + 1, NULL,
                      "unknown NAACCR element <%s> inside %s; skipped", node->name, where);
    else
        crtk__finding(rd, CRTK_SEV_ERROR, "unexpected-element", node_line(node), 0, tumor + 1, NULL,
                      "<%s> is not allowed inside %s; skipped", node->name, where);
    return skip_subtree(rd, x);
}

/* Read a Patient (tumor < 0) or one of its Tumors; the cursor is on its start tag. */
static int read_container(crtk_reader *rd, xr *x, crtk_record *rec, int tumor)
{
    crtk_level lv = tumor < 0 ? CRTK_LEVEL_PATIENT : CRTK_LEVEL_TUMOR;
    const char *what = level_names[lv];
    int depth = xmlTextReaderDepth(x->r);
    int phase = 0; /* 0 items, 1 extensions, 2 tumors */
    int rc, pos = 0;

    container_attributes(rd, x, what, tumor);
    if (xmlTextReaderIsEmptyElement(x->r))
        return CRTK_OK;
    for (;;) {
        xmlNodePtr node;
        int type;
        enum kind k;

        rc = step(rd, x);
        if (rc < 0)
            return rc;
        if (rc == 0)
            return crtk__rfail(rd, CRTK_EPARSE, 0, 0, NULL, "unexpected end of document");
        type = node_type(x);
        if (type == XML_READER_TYPE_END_ELEMENT && xmlTextReaderDepth(x->r) == depth)
            return CRTK_OK;
        if (type == XML_READER_TYPE_TEXT || type == XML_READER_TYPE_CDATA) {
            const char *t = (const char *)xmlTextReaderConstValue(x->r);
            if (t && !blank(t))
                crtk__finding(rd, CRTK_SEV_ERROR, "unexpected-text", cur_line(x), 0, tumor + 1,
                              NULL, "text outside an Item in %s is ignored", what);
            continue;
        }
        if (type != XML_READER_TYPE_ELEMENT)
            continue;
        if (depth + 1 > MAX_DEPTH)
            return crtk__rfail(rd, CRTK_ELIMIT, cur_line(x), 0, NULL,
                               "elements nested deeper than %d levels", MAX_DEPTH);
        node = xmlTextReaderCurrentNode(x->r);
        k = classify(x, node);
        if (k == K_ITEM) {
            const crtk_item *it;
            long line;
            /* NAACCR XML 1.1: Items come first. The RI stops; we report and keep the item. */
            if (phase > 0)
                crtk__finding(rd, CRTK_SEV_ERROR, "item-out-of-order", node_line(node), 0,
                              tumor + 1, NULL, "Item after %s in %s",
                              phase == 1 ? "an extension" : "a Tumor", what);
            if (++x->patient_items > MAX_PATIENT_ITEMS)
                return crtk__rfail(rd, CRTK_ELIMIT, node_line(node), 0, NULL,
                                   "patient has more than %ld Items", MAX_PATIENT_ITEMS);
            rc = read_item(rd, x, lv, tumor, pos++, &it, &line);
            if (rc < 0)
                return rc;
            if (!it)
                continue;
            if (it->level == CRTK_LEVEL_ROOT && crtk_record_get(rec, it, 0, NULL)) {
                crtk__finding(rd, CRTK_SEV_ERROR, "duplicate-item", line, 0, tumor + 1, it->id,
                              "%s is already given in NaaccrData; the value is dropped", it->id);
                continue;
            }
            rc = store_item(rd, x, rec, it, tumor, line);
            if (rc < 0)
                return rc;
        } else if (k == K_TUMOR && lv == CRTK_LEVEL_PATIENT) {
            int t;
            phase = 2;
            if (crtk_record_tumor_count(rec) >= rd->opts.max_tumors)
                return crtk__rfail(rd, CRTK_ELIMIT, node_line(node), 0, NULL,
                                   "patient has more than %ld tumors", rd->opts.max_tumors);
            t = crtk_record_add_tumor(rec);
            if (t < 0)
                return crtk__rfail(rd, CRTK_ENOMEM, node_line(node), 0, NULL, "out of memory");
            crtk_record_set_line(rec, t, node_line(node));
            rc = read_container(rd, x, rec, t);
            if (rc < 0)
                return rc;
        } else if (k == K_FOREIGN) {
            xmlChar *xml;
            if (phase == 2)
                crtk__finding(rd, CRTK_SEV_ERROR, "extension-out-of-order", node_line(node), 0,
                              tumor + 1, NULL, "extension <%s> after a Tumor in %s", node->name,
                              what);
            else
                phase = 1;
            rc = extension(rd, x, &xml);
            if (rc < 0) {
                xmlFree(xml);
                return rc;
            }
            if (xml) {
                rc = crtk_record_add_extension(rec, lv, tumor < 0 ? 0 : tumor, (const char *)xml,
                                               strlen((const char *)xml));
                xmlFree(xml);
                if (rc < 0)
                    return crtk__rfail(rd, rc, cur_line(x), 0, NULL, "cannot keep extension: %s",
                                       crtk_status_str(rc));
            }
        } else {
            rc = unexpected_element(rd, x, node, k, tumor, what);
            if (rc < 0)
                return rc;
        }
    }
}

static int begin_patient(crtk_reader *rd, xr *x, crtk_record *rec)
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
        const crtk_item *rt = crtk_layout_find(x->lay, "recordType");
        const crtk_item *ver = crtk_layout_find(x->lay, "naaccrRecordVersion");
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
    crtk_record_set_line(rec, -1, cur_line(x));
    return CRTK_OK;
}

static int keep_root_extension(crtk_reader *rd, xr *x, const xmlChar *xml)
{
    size_t len = strlen((const char *)xml);

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
    if (sb_add(&x->rootbuf, (const char *)xml, len) < 0)
        return crtk__rfail(rd, CRTK_ENOMEM, 0, 0, NULL, "out of memory");
    x->nrexts++;
    return CRTK_OK;
}

/* After </NaaccrData>: only comments, PIs and blanks may follow (libxml2 checks). */
static int drain(crtk_reader *rd, xr *x)
{
    int rc;

    while ((rc = step(rd, x)) > 0)
        ;
    return rc;
}

static int next_patient(crtk_reader *rd, xr *x, crtk_record *rec)
{
    int rc;

    if (x->at_end)
        return drain(rd, x);
    for (;;) {
        xmlNodePtr node;
        enum kind k;
        int type;

        rc = step(rd, x);
        if (rc < 0)
            return rc;
        if (rc == 0)
            return crtk__rfail(rd, CRTK_EPARSE, 0, 0, NULL, "unexpected end of document");
        type = node_type(x);
        if (type == XML_READER_TYPE_END_ELEMENT && xmlTextReaderDepth(x->r) == 0) {
            x->at_end = true;
            return drain(rd, x);
        }
        if (type == XML_READER_TYPE_TEXT || type == XML_READER_TYPE_CDATA) {
            const char *t = (const char *)xmlTextReaderConstValue(x->r);
            if (t && !blank(t))
                crtk__finding(rd, CRTK_SEV_ERROR, "unexpected-text", cur_line(x), 0, 0, NULL,
                              "text outside an Item in NaaccrData is ignored");
            continue;
        }
        if (type != XML_READER_TYPE_ELEMENT)
            continue;
        node = xmlTextReaderCurrentNode(x->r);
        k = classify(x, node);
        if (k == K_PATIENT) {
            x->root_phase = 2;
            rc = begin_patient(rd, x, rec);
            if (rc == 0)
                x->patient_items = 0;
            rc = read_container(rd, x, rec, -1);
            return rc < 0 ? rc : 1;
        }
        if (k == K_ITEM) {
            const crtk_item *it;
            long line;
            if (x->root_phase > 0)
                crtk__finding(rd, CRTK_SEV_ERROR, "item-out-of-order", node_line(node), 0, 0, NULL,
                              "Item after %s in NaaccrData%s",
                              x->root_phase == 1 ? "an extension" : "a Patient",
                              x->root_phase == 1 ? "" : "; its value is dropped");
            rc = read_item(rd, x, CRTK_LEVEL_ROOT, -1, x->nroots, &it, &line);
            if (rc < 0)
                return rc;
            if (it && x->root_phase < 2 && (rc = store_root(rd, x, it, line)) < 0)
                return rc;
        } else if (k == K_FOREIGN) {
            xmlChar *xml;
            if (x->root_phase == 2)
                crtk__finding(rd, CRTK_SEV_ERROR, "extension-out-of-order", node_line(node), 0, 0,
                              NULL, "extension <%s> after a Patient in NaaccrData%s", node->name,
                              rd->opts.keep_extensions ? "; dropped" : "");
            else
                x->root_phase = 1;
            rc = extension(rd, x, &xml);
            if (rc == 0 && xml && x->root_phase < 2)
                rc = keep_root_extension(rd, x, xml);
            xmlFree(xml);
            if (rc < 0)
                return rc;
        } else {
            rc = unexpected_element(rd, x, node, k, -1, "NaaccrData");
            if (rc < 0)
                return rc;
        }
    }
}

static int next(crtk_reader *rd, crtk_record *rec)
{
    xr *x = rd->impl;
    int rc;

    hook_errors(rd, x);
    rc = next_patient(rd, x, rec);
    unhook_errors(x);
    return rc;
}

static void xml_free(crtk_reader *rd)
{
    xr *x = rd->impl;

    if (!x)
        return;
    if (x->r)
        xmlFreeTextReader(x->r);
    sb_free(&x->val);
    sb_free(&x->rootbuf);
    free(x->roots);
    free(x->rexts);
    free(x);
    rd->impl = NULL;
}

const crtk__reader_ops crtk__xml_reader_ops = {start, next, xml_free};
