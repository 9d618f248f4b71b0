/* dictionary.c - NAACCR user-defined dictionaries (NaaccrDictionary XML) and their
 * combination with a base dictionary. The rules are those of the NAACCR XML standard
 * (dictionary specification 1.0-1.8) as the reference implementation applies them; see
 * docs/formats.md. Dictionaries are small, so they are parsed as a tree, with network
 * access, DTDs and entity expansion off. */
#include "layouts_internal.h"
#include "error_internal.h"
#include "xml_scan.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <libxml/parser.h>
#include <libxml/tree.h>

#define NAACCR_NS "http://naaccr.org/naaccrxml"

static int spec_minor(const char *s)
{
    /* "1.0".."1.8" -> 0..8, -1 otherwise */
    if (s && s[0] == '1' && s[1] == '.' && s[2] >= '0' && s[2] <= '8' && !s[3])
        return s[2] - '0';
    return -1;
}

static int dfail(crtk_error *err,
                 const char *name,
                 long line,
                 const char *item,
                 const char *fmt,
                 const char *a,
                 const char *b)
{
    crtk__error_source(err, name);
    return crtk__fail_at(err, CRTK_EINVALID, line, 0, item, fmt, a ? a : "", b ? b : "");
}

static bool parse_uint(const char *s, int lo, int hi, int *out)
{
    long v = 0;
    int n = 0;

    if (!s)
        return false;
    for (; *s; s++, n++) {
        if (*s < '0' || *s > '9' || n > 8)
            return false;
        v = v * 10 + (*s - '0');
    }
    if (!n || v < lo || v > hi)
        return false;
    *out = (int)v;
    return true;
}

static int item_from_xml(
    crtk_layout *l, xmlNodePtr n, int minor, int version, const char *name, crtk_error *err)
{
    static const char *const allowed[] = {
        "naaccrId",           "naaccrNum",        "naaccrName",      "length",  "startColumn",
        "recordTypes",        "parentXmlElement", "dataType",        "padding", "trim",
        "allowUnlimitedText", "sourceOfStandard", "regexValidation", NULL};
    xmlAttrPtr a;
    crtk_item *it = crtk__layout_add_item(l);
    char *v;
    long line = xmlGetLineNo(n);
    char id[64] = "";
    int rc = CRTK_OK;

    if (!it)
        return crtk__fail(err, CRTK_ENOMEM, "out of memory");
    it->trim = true;
    it->rectypes = CRTK_RT_ALL;
    for (a = n->properties; a; a = a->next) {
        int k;
        for (k = 0; allowed[k]; k++)
            if (!strcmp((const char *)a->name, allowed[k]))
                break;
        if (!allowed[k] || (a->ns && a->ns->href))
            return dfail(err, name, line, NULL, "ItemDef has an unknown attribute %s%s",
                         (const char *)a->name, "");
    }
#define GET(attr) ((char *)xmlGetProp(n, (const xmlChar *)(attr)))
    v = GET("naaccrId");
    if (!v || !crtk__valid_naaccr_id(v, strlen(v))) {
        rc = dfail(err, name, line, NULL,
                   "ItemDef naaccrId \"%s\" is missing or not valid (a lower-case letter, then "
                   "letters and digits, at most 32)%s",
                   v, "");
        xmlFree(v);
        return rc;
    }
    crtk__copy(id, sizeof id, v);
    it->id = crtk__layout_strdup(l, v, strlen(v));
    xmlFree(v);
    v = GET("naaccrNum");
    if (!parse_uint(v, 1, 99999, &it->num))
        rc = dfail(err, name, line, id, "%s: naaccrNum \"%s\" is missing or not a number", id, v);
    xmlFree(v);
    if (rc)
        return rc;
    v = GET("naaccrName");
    it->name = crtk__layout_strdup(l, v ? v : id, strlen(v ? v : id));
    if (v && strlen(v) > 50)
        rc = dfail(err, name, line, id, "%s: naaccrName is longer than 50 characters%s", id, "");
    xmlFree(v);
    if (rc)
        return rc;
    v = GET("length");
    if (!parse_uint(v, 1, 1000000, &it->length))
        rc = dfail(err, name, line, id, "%s: length \"%s\" is missing or not a positive number", id,
                   v);
    xmlFree(v);
    if (rc)
        return rc;
    v = GET("startColumn");
    if (v) {
        if (version >= 210)
            rc = dfail(err, name, line, id,
                       "%s: startColumn is not allowed in a dictionary of version 210 or "
                       "later%s",
                       id, "");
        else if (!parse_uint(v, 1, 1000000, &it->start))
            rc = dfail(err, name, line, id, "%s: startColumn \"%s\" is not a number", id, v);
    } else if (minor == 0 && version <= 180) {
        rc = dfail(err, name, line, id,
                   "%s: startColumn is required by dictionary specification 1.0%s", id, "");
    }
    xmlFree(v);
    if (rc)
        return rc;
    v = GET("recordTypes");
    if (v) {
        size_t i, k = strlen(v);
        unsigned rt = 0;
        bool ok = k % 2 == 1;
        for (i = 0; ok && i < k; i++)
            ok = i % 2 ? v[i] == ',' : crtk_rectype_bit(v[i]) != 0;
        for (i = 0; ok && i < k; i += 2)
            rt |= crtk_rectype_bit(v[i]);
        if (!ok)
            rc = dfail(err, name, line, id, "%s: recordTypes \"%s\" must look like A,M,C,I", id, v);
        it->rectypes = rt;
    }
    xmlFree(v);
    if (rc)
        return rc;
    v = GET("parentXmlElement");
    if (v && !strcmp(v, "NaaccrData"))
        it->level = CRTK_LEVEL_ROOT;
    else if (v && !strcmp(v, "Patient"))
        it->level = CRTK_LEVEL_PATIENT;
    else if (v && !strcmp(v, "Tumor"))
        it->level = CRTK_LEVEL_TUMOR;
    else
        rc = dfail(err, name, line, id,
                   "%s: parentXmlElement \"%s\" must be NaaccrData, Patient or Tumor", id, v);
    xmlFree(v);
    if (rc)
        return rc;
    v = GET("dataType");
    if (v) {
        int t;
        for (t = 0; t < 7; t++)
            if (!strcmp(v, crtk_dtype_name((crtk_dtype)t)))
                break;
        if (t == 7 || (t == CRTK_TYPE_DATETIME && minor < 8))
            rc = dfail(err, name, line, id, "%s: dataType \"%s\" is not allowed here", id, v);
        it->type = (crtk_dtype)(t == 7 ? 0 : t);
    }
    xmlFree(v);
    if (rc)
        return rc;
    v = GET("padding");
    it->padding = minor >= 7 ? CRTK_PAD_NONE : CRTK_PAD_RIGHT_BLANK;
    if (v) {
        int p;
        for (p = 0; p < 5; p++)
            if (!strcmp(v, crtk_padding_name((crtk_padding)p)))
                break;
        if (p == 5 || (p == CRTK_PAD_NONE && minor < 6) ||
            (minor >= 7 && p != CRTK_PAD_NONE && p != CRTK_PAD_LEFT_ZERO))
            rc = dfail(err, name, line, id,
                       "%s: padding \"%s\" is not allowed by this "
                       "specification version",
                       id, v);
        it->padding = (crtk_padding)(p == 5 ? 0 : p);
    }
    xmlFree(v);
    if (rc)
        return rc;
    v = GET("trim");
    if (v) {
        if (minor >= 7)
            rc = dfail(err, name, line, id,
                       "%s: trim was removed in dictionary specification 1.7%s", id, "");
        else if (!strcmp(v, "none"))
            it->trim = false;
        else if (strcmp(v, "all"))
            rc = dfail(err, name, line, id, "%s: trim \"%s\" must be all or none", id, v);
    }
    xmlFree(v);
    if (rc)
        return rc;
    v = GET("allowUnlimitedText");
    if (v) {
        if (minor < 1 || minor > 5)
            rc = dfail(err, name, line, id,
                       "%s: allowUnlimitedText is allowed only by specifications 1.1 to 1.5%s", id,
                       "");
        else if (!strcmp(v, "true"))
            it->unlimited = true;
        else if (strcmp(v, "false"))
            rc = dfail(err, name, line, id, "%s: allowUnlimitedText \"%s\" must be true or false",
                       id, v);
        if (!rc && it->unlimited && it->type != CRTK_TYPE_TEXT)
            rc = dfail(err, name, line, id,
                       "%s: allowUnlimitedText is allowed on text items only%s", id, "");
    }
    xmlFree(v);
    if (rc)
        return rc;
    v = GET("regexValidation");
    if (v && minor > 1)
        rc = dfail(err, name, line, id,
                   "%s: regexValidation is allowed only by specifications 1.0 and 1.1%s", id, "");
    xmlFree(v);
#undef GET
    if (!it->id || !it->name)
        return crtk__fail(err, CRTK_ENOMEM, "out of memory");
    return rc;
}

static void quiet_xml_error(void *ctx, xmlErrorPtr e)
{
    (void)ctx;
    (void)e;
}

static int
load_dictionary(crtk_layout *l, const char *name, const char *xml, size_t len, crtk_error *err)
{
    xmlDocPtr doc;
    xmlNodePtr root, c, d;
    xmlAttrPtr a;
    char *v;
    int minor, rc = CRTK_OK;

    if (len > (16u << 20))
        return dfail(err, name, 0, NULL, "dictionary is larger than 16 MiB%s%s", "", "");
    {
        /* Bounded tags first: libxml2 would spend minutes on a tag of 100,000 attributes. */
        crtk__xscan sc;
        size_t at = 0;
        crtk__xscan_init(&sc);
        while (at < len) {
            bool boundary;
            size_t open_at;
            long k = crtk__xscan_run(&sc, xml + at, len - at, &boundary, &open_at);
            if (k < 0) {
                rc = crtk__fail_at(err, CRTK_ELIMIT, sc.err_line, 0, NULL, "%s", sc.err);
                crtk__error_source(err, name);
                return rc;
            }
            if (k == 0)
                break;
            at += (size_t)k;
        }
    }
    {
        /* Encoding errors go to libxml2's global handler, not the parser's: the library
         * never prints, so they are silenced here (the parse still fails and says so). */
        xmlStructuredErrorFunc saved = xmlStructuredError;
        void *saved_ctx = xmlStructuredErrorContext;
        xmlSetStructuredErrorFunc(NULL, quiet_xml_error);
        doc = xmlReadMemory(xml, (int)len, name, NULL,
                            XML_PARSE_NONET | XML_PARSE_NOERROR | XML_PARSE_NOWARNING);
        xmlSetStructuredErrorFunc(saved_ctx, saved);
    }
    if (!doc) {
        const xmlError *e = xmlGetLastError();
        crtk__error_source(err, name);
        return crtk__fail_at(err, CRTK_EPARSE, e ? e->line : 0, e ? e->int2 : 0, NULL,
                             "not well-formed XML: %s",
                             e && e->message ? e->message : "parse error");
    }
    if (doc->intSubset) {
        xmlFreeDoc(doc);
        return dfail(err, name, 0, NULL, "a dictionary must not have a DOCTYPE%s%s", "", "");
    }
    root = xmlDocGetRootElement(doc);
    if (!root || strcmp((const char *)root->name, "NaaccrDictionary") || !root->ns ||
        strcmp((const char *)root->ns->href, NAACCR_NS)) {
        xmlFreeDoc(doc);
        return dfail(err, name, 0, NULL, "root element must be NaaccrDictionary in namespace %s%s",
                     NAACCR_NS, "");
    }
    for (a = root->properties; a; a = a->next) {
        const char *an = (const char *)a->name;
        if (strcmp(an, "dictionaryUri") && strcmp(an, "naaccrVersion") &&
            strcmp(an, "specificationVersion") && strcmp(an, "dateLastModified") &&
            strcmp(an, "description")) {
            xmlFreeDoc(doc);
            return dfail(err, name, xmlGetLineNo(root), NULL,
                         "invalid root attribute %s on NaaccrDictionary%s", an, "");
        }
    }
    v = (char *)xmlGetProp(root, (const xmlChar *)"specificationVersion");
    minor = v ? spec_minor(v) : 0;
    if (minor < 0)
        rc = dfail(err, name, xmlGetLineNo(root), NULL,
                   "specificationVersion \"%s\" is not 1.0 to 1.8%s", v, "");
    l->spec = strdup(v ? v : "1.0");
    xmlFree(v);
    v = (char *)xmlGetProp(root, (const xmlChar *)"dictionaryUri");
    if (!rc && (!v || !*v))
        rc = dfail(err, name, xmlGetLineNo(root), NULL,
                   "NaaccrDictionary needs a dictionaryUri attribute%s%s", "", "");
    l->uri = strdup(v ? v : "");
    l->name = strdup(v ? v : name);
    xmlFree(v);
    v = (char *)xmlGetProp(root, (const xmlChar *)"naaccrVersion");
    if (!rc && v) {
        if (!parse_uint(v, 100, 999, &l->version))
            rc = dfail(err, name, xmlGetLineNo(root), NULL,
                       "naaccrVersion \"%s\" is not a NAACCR version%s", v, "");
    } else if (!rc && minor == 0) {
        rc = dfail(err, name, xmlGetLineNo(root), NULL,
                   "naaccrVersion is required by dictionary specification 1.0%s%s", "", "");
    }
    xmlFree(v);
    v = (char *)xmlGetProp(root, (const xmlChar *)"description");
    l->description = strdup(v ? v : "user-defined dictionary");
    xmlFree(v);
    if (!l->spec || !l->uri || !l->name || !l->description)
        rc = crtk__fail(err, CRTK_ENOMEM, "out of memory");
    for (c = root->children; !rc && c; c = c->next) {
        if (c->type != XML_ELEMENT_NODE)
            continue;
        if (!strcmp((const char *)c->name, "GroupedItemDefs")) {
            rc = dfail(err, name, xmlGetLineNo(c), NULL,
                       "a user-defined dictionary must not have GroupedItemDefs%s%s", "", "");
            break;
        }
        if (strcmp((const char *)c->name, "ItemDefs")) {
            rc = dfail(err, name, xmlGetLineNo(c), NULL,
                       "unexpected element %s in NaaccrDictionary%s", (const char *)c->name, "");
            break;
        }
        for (d = c->children; !rc && d; d = d->next) {
            if (d->type != XML_ELEMENT_NODE)
                continue;
            if (strcmp((const char *)d->name, "ItemDef"))
                rc = dfail(err, name, xmlGetLineNo(d), NULL, "unexpected element %s in ItemDefs%s",
                           (const char *)d->name, "");
            else
                rc = item_from_xml(l, d, minor, l->version ? l->version : 250, name, err);
        }
    }
    if (!rc && l->n == 0)
        rc = dfail(err, name, 0, NULL, "a user-defined dictionary needs at least one ItemDef%s%s",
                   "", "");
    xmlFreeDoc(doc);
    return rc;
}

int crtk_layouts_add_dictionary_mem(crtk_layouts *ls,
                                    const char *name,
                                    const char *xml,
                                    size_t len,
                                    const crtk_layout **out,
                                    crtk_error *err)
{
    crtk_layout *l = calloc(1, sizeof *l);
    int rc, i;

    if (out)
        *out = NULL;
    if (!l)
        return crtk__fail(err, CRTK_ENOMEM, "out of memory");
    l->kind = CRTK_LAYOUT_USER_DICTIONARY;
    l->file = strdup(name);
    if (!l->file) {
        free(l);
        return crtk__fail(err, CRTK_ENOMEM, "out of memory");
    }
    rc = load_dictionary(l, name, xml, len, err);
    if (!rc && crtk__layout_index(l) < 0)
        rc = crtk__fail(err, CRTK_ENOMEM, "out of memory");
    if (!rc)
        rc = crtk__layout_check(l, name, err);
    if (!rc && l->version) {
        const crtk_layout *base = crtk_layouts_dictionary(ls, l->version);
        const crtk_layout *tmp;
        if (!base)
            rc = dfail(err, name, 0, NULL, "naaccrVersion %s is not a supported NAACCR version%s",
                       "", "");
        else
            rc = crtk_layouts_combine(ls, base, (const crtk_layout *const *)&l, 1, &tmp, err);
    }
    if (!rc && crtk_layouts_by_uri(ls, l->uri))
        rc = dfail(err, name, 0, NULL, "a dictionary with URI %s is already loaded%s", l->uri, "");
    if (!rc && crtk__layouts_register(ls, l) < 0)
        rc = crtk__fail(err, CRTK_ENOMEM, "out of memory");
    if (rc) {
        crtk__layout_free(l);
        return rc;
    }
    for (i = 0; i < l->n; i++)
        l->items[i].origin = l->name;
    if (out)
        *out = l;
    return CRTK_OK;
}

int crtk_layouts_add_dictionary(crtk_layouts *ls,
                                const char *path,
                                const crtk_layout **out,
                                crtk_error *err)
{
    char *buf;
    size_t len;
    int rc = crtk__read_file(path, &buf, &len, err);

    if (rc < 0)
        return rc;
    rc = crtk_layouts_add_dictionary_mem(ls, path, buf, len, out, err);
    free(buf);
    return rc;
}

static bool same_def(const crtk_item *a, const crtk_item *b)
{
    return a->num == b->num && !strcmp(a->name, b->name) && a->length == b->length &&
           a->rectypes == b->rectypes && a->level == b->level && a->type == b->type &&
           (!a->start || !b->start || a->start == b->start);
}

/* Is [start, start+len) inside one field of the default user dictionary (reserved gaps,
 * State/Requestor Items, NPCR Specific Field)? Only those may hold user items (<= 180). */
static bool inside_default_field(const crtk_layout *def, int start, int len)
{
    int i;

    for (i = 0; def && i < def->n; i++) {
        const crtk_item *d = &def->items[i];
        if (d->start && start >= d->start && start + len <= d->start + d->length)
            return true;
    }
    return false;
}

#define UNAME(u) ((u)->file ? (u)->file : (u)->name)

static int combine_check(crtk_layouts *ls,
                         const crtk_layout *base,
                         const crtk_layout *const *user,
                         int n_user,
                         crtk_error *err)
{
    const crtk_layout *def = crtk_layouts_default_user(ls, base->version);
    int u, i, v, k;

    for (u = 0; u < n_user; u++) {
        const crtk_layout *ul = user[u];
        int minor = spec_minor(ul->spec);
        if (ul->version && ul->version != base->version)
            return dfail(err, UNAME(ul), 0, NULL,
                         "dictionary is for NAACCR version %s, the base dictionary is %s",
                         "another", crtk_layout_name(base));
        for (v = 0; v < u; v++)
            if (!strcmp(user[v]->uri, ul->uri))
                return dfail(err, UNAME(ul), 0, NULL, "dictionary URI %s is listed twice%s",
                             ul->uri, "");
        for (i = 0; i < ul->n; i++) {
            const crtk_item *it = &ul->items[i];
            const crtk_item *b = crtk_layout_find(base, it->id);
            const crtk_item *d = def && def != ul ? crtk_layout_find(def, it->id) : NULL;
            if (def == ul)
                break;
            if (b)
                return dfail(err, UNAME(ul), 0, it->id,
                             "%s is a base dictionary item and cannot be redefined%s", it->id, "");
            if (d) {
                if (!same_def(it, d))
                    return dfail(err, UNAME(ul), 0, it->id,
                                 "%s redefines a default user item with different attributes%s",
                                 it->id, "");
                continue;
            }
            b = crtk_layout_find_num(base, it->num);
            if (b)
                return dfail(err, UNAME(ul), 0, it->id, "%s uses item number of the base item %s",
                             it->id, b->id);
            if (minor >= 0 && minor < 3 && (it->num < 9500 || it->num > 99999))
                return dfail(err, UNAME(ul), 0, it->id,
                             "%s: before specification 1.3 user item numbers must be "
                             "9500-99999%s",
                             it->id, "");
            if (it->start) {
                if (base->version >= 210)
                    return dfail(err, UNAME(ul), 0, it->id,
                                 "%s: startColumn is not allowed for version 210 or later%s",
                                 it->id, "");
                if (!inside_default_field(def, it->start, it->length))
                    return dfail(err, UNAME(ul), 0, it->id,
                                 "%s: user-defined items can only take the place of State/"
                                 "Requestor Items, the NPCR Specific Field or reserved gaps%s",
                                 it->id, "");
            }
            for (v = 0; v < u; v++) {
                const crtk_item *o = crtk_layout_find(user[v], it->id);
                if (o && !same_def(o, it))
                    return dfail(err, UNAME(ul), 0, it->id, "%s is defined differently in %s",
                                 it->id, user[v]->name);
                o = crtk_layout_find_num(user[v], it->num);
                if (o && strcmp(o->id, it->id))
                    return dfail(err, UNAME(ul), 0, it->id, "%s uses the item number of %s", it->id,
                                 o->id);
                for (k = 0; !o && k < user[v]->n; k++) {
                    const crtk_item *x = &user[v]->items[k];
                    if (it->start && x->start && strcmp(x->id, it->id) &&
                        it->start < x->start + x->length && x->start < it->start + it->length)
                        return dfail(err, UNAME(ul), 0, it->id, "%s overlaps the columns of %s",
                                     it->id, x->id);
                }
            }
        }
    }
    return CRTK_OK;
}

int crtk_layouts_combine(crtk_layouts *ls,
                         const crtk_layout *base,
                         const crtk_layout *const *user,
                         int n_user,
                         const crtk_layout **out,
                         crtk_error *err)
{
    crtk_layout *l;
    int i, u, rc;
    struct combined *c;
    size_t namelen;

    *out = NULL;
    if (n_user == 0) {
        *out = base;
        return CRTK_OK;
    }
    for (i = 0; i < ls->ncomb; i++) {
        c = &ls->comb[i];
        if (c->base == base && c->n == n_user &&
            !memcmp(c->users, user, (size_t)n_user * sizeof *user)) {
            *out = c->result;
            return CRTK_OK;
        }
    }
    rc = combine_check(ls, base, user, n_user, err);
    if (rc < 0)
        return rc;
    l = calloc(1, sizeof *l);
    if (!l)
        return crtk__fail(err, CRTK_ENOMEM, "out of memory");
    l->kind = CRTK_LAYOUT_DICTIONARY;
    l->version = base->version;
    memcpy(l->reclen, base->reclen, sizeof l->reclen);
    namelen = strlen(base->name) + 1;
    for (u = 0; u < n_user; u++)
        namelen += strlen(user[u]->name) + 1;
    l->name = malloc(namelen);
    l->uri = strdup(crtk_layout_uri(base));
    l->spec = strdup(crtk_layout_spec(base));
    l->description = strdup(crtk_layout_description(base));
    l->parts = malloc((size_t)n_user * sizeof *l->parts);
    if (!l->name || !l->uri || !l->spec || !l->description || !l->parts) {
        crtk__layout_free(l);
        return crtk__fail(err, CRTK_ENOMEM, "out of memory");
    }
    {
        size_t pos = (size_t)snprintf(l->name, namelen, "%s", base->name);
        for (u = 0; u < n_user; u++) {
            pos += (size_t)snprintf(l->name + pos, namelen - pos, "+%s", user[u]->name);
            l->parts[u] = user[u];
        }
    }
    l->base = base;
    l->nparts = n_user;
    for (i = 0; i < base->n; i++) {
        crtk_item *it = crtk__layout_add_item(l);
        if (!it) {
            crtk__layout_free(l);
            return crtk__fail(err, CRTK_ENOMEM, "out of memory");
        }
        *it = base->items[i];
    }
    for (u = 0; u < n_user; u++) {
        for (i = 0; i < user[u]->n; i++) {
            const crtk_item *src = &user[u]->items[i];
            crtk_item *it;
            int k;
            bool dup = false;
            for (k = 0; k < l->n && !dup; k++)
                dup = !strcmp(l->items[k].id, src->id);
            if (dup)
                continue;
            it = crtk__layout_add_item(l);
            if (!it) {
                crtk__layout_free(l);
                return crtk__fail(err, CRTK_ENOMEM, "out of memory");
            }
            *it = *src;
        }
    }
    if (crtk__layout_index(l) < 0) {
        crtk__layout_free(l);
        return crtk__fail(err, CRTK_ENOMEM, "out of memory");
    }
    c = realloc(ls->comb, (size_t)(ls->ncomb + 1) * sizeof *c);
    if (!c) {
        crtk__layout_free(l);
        return crtk__fail(err, CRTK_ENOMEM, "out of memory");
    }
    ls->comb = c;
    c = &ls->comb[ls->ncomb];
    c->users = malloc((size_t)n_user * sizeof *c->users);
    if (!c->users) {
        crtk__layout_free(l);
        return crtk__fail(err, CRTK_ENOMEM, "out of memory");
    }
    memcpy(c->users, user, (size_t)n_user * sizeof *user);
    c->base = base;
    c->n = n_user;
    c->result = l;
    ls->ncomb++;
    *out = l;
    return CRTK_OK;
}
