/* transform.c - one patient of the source re-expressed for the receiver: items mapped onto
 * the target dictionary by naaccrId (then by item number, for ids renamed between
 * versions); an item outside the target record type is removed, as is one the privacy tier
 * removes; the de-identified tier coarsens dates and postal codes and replaces the patient
 * id by a keyed pseudonym (HMAC-SHA256). The decision is made once per item of each source
 * layout, from the dictionaries' record types and the profile, and every removed value is
 * counted by item. */
#include "export_internal.h"
#include "error_internal.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

enum act {
    ACT_COPY = 0,
    ACT_UNMAPPABLE,
    ACT_DROP_RT,
    ACT_DROP_TIER,
    ACT_DATE,
    ACT_ZIP,
    ACT_PSEUDO
};

typedef struct xmap {
    const crtk_layout *src;
    const crtk_item **target; /* per source item */
    unsigned char *act;
    unsigned char *nohash;    /* per source item: root or stamped, not part of the hash */
    crtk__xform_item *counts; /* per source item */
    int n;
} xmap;

struct crtk__xform {
    const crtk__xcfg *cfg;
    const crtk_layout *target;
    unsigned char key[64];
    size_t keylen;
    char today[9];
    xmap *maps;
    int nmaps;
    const crtk_item *stamps[XMAX_ITEMS];
    int nstamps;
    const crtk_item *root_rt, *root_ver, *root_regtype, *root_regid, *root_npi;
    long unmappable;
    strbuf tmp;
};

int crtk__xform_new(crtk__xform **out,
                    const crtk__xcfg *cfg,
                    const crtk_layout *target,
                    const unsigned char *key,
                    size_t keylen,
                    const char *today,
                    crtk_error *err)
{
    crtk__xform *x = calloc(1, sizeof *x);
    int i;

    *out = NULL;
    if (!x)
        return crtk__fail(err, CRTK_ENOMEM, "out of memory");
    x->cfg = cfg;
    x->target = target;
    if (keylen > sizeof x->key)
        keylen = sizeof x->key;
    memcpy(x->key, key, keylen);
    x->keylen = keylen;
    crtk__copy(x->today, sizeof x->today, today);
    for (i = 0; i < cfg->stamp.n; i++) {
        const crtk_item *it = crtk_layout_find(target, cfg->stamp.v[i]);
        if (!it || !(it->rectypes & crtk_rectype_bit(cfg->record_type))) {
            free(x);
            return crtk__fail(err, CRTK_EINVALID, "stamp: %s is not an item of %s record type %c",
                              cfg->stamp.v[i], crtk_layout_name(target), cfg->record_type);
        }
        x->stamps[x->nstamps++] = it;
    }
    x->root_rt = crtk_layout_find(target, "recordType");
    x->root_ver = crtk_layout_find(target, "naaccrRecordVersion");
    x->root_regtype = crtk_layout_find(target, "registryType");
    x->root_regid = crtk_layout_find(target, "registryId");
    x->root_npi = crtk_layout_find(target, "npiRegistryId");
    *out = x;
    return CRTK_OK;
}

void crtk__xform_free(crtk__xform *x)
{
    int i;

    if (!x)
        return;
    for (i = 0; i < x->nmaps; i++) {
        free(x->maps[i].target);
        free(x->maps[i].act);
        free(x->maps[i].nohash);
        free(x->maps[i].counts);
    }
    free(x->maps);
    sb_free(&x->tmp);
    memset(x->key, 0, sizeof x->key);
    free(x);
}

static enum act decide(const crtk__xform *x, const crtk_item *t)
{
    const crtk__xcfg *c = x->cfg;

    if (!t)
        return ACT_UNMAPPABLE;
    if (!(t->rectypes & crtk_rectype_bit(c->record_type)))
        return ACT_DROP_RT;
    if (c->tier != TIER_DEIDENTIFIED || t->level == CRTK_LEVEL_ROOT)
        return ACT_COPY;
    if (crtk__items_match(&c->pseudonym, t->id))
        return ACT_PSEUDO;
    if (crtk__items_match(&c->deid_remove, t->id))
        return ACT_DROP_TIER;
    if (crtk__items_match(&c->zip_items, t->id))
        return c->deid_zip < 0 ? ACT_DROP_TIER : c->deid_zip > 0 ? ACT_ZIP : ACT_COPY;
    if ((t->type == CRTK_TYPE_DATE || t->type == CRTK_TYPE_DATETIME) && c->deid_dates != DATES_KEEP)
        return ACT_DATE;
    return ACT_COPY;
}

static int map_for(crtk__xform *x, const crtk_layout *src, xmap **out)
{
    xmap *m, *nm;
    int i, n = crtk_layout_count(src);

    for (i = 0; i < x->nmaps; i++)
        if (x->maps[i].src == src) {
            *out = &x->maps[i];
            return CRTK_OK;
        }
    nm = realloc(x->maps, (size_t)(x->nmaps + 1) * sizeof *nm);
    if (!nm)
        return CRTK_ENOMEM;
    x->maps = nm;
    m = &x->maps[x->nmaps];
    memset(m, 0, sizeof *m);
    m->src = src;
    m->n = n;
    m->target = calloc((size_t)(n ? n : 1), sizeof *m->target);
    m->act = calloc((size_t)(n ? n : 1), 1);
    m->nohash = calloc((size_t)(n ? n : 1), 1);
    m->counts = calloc((size_t)(n ? n : 1), sizeof *m->counts);
    if (!m->target || !m->act || !m->nohash || !m->counts) {
        free(m->target);
        free(m->act);
        free(m->nohash);
        free(m->counts);
        return CRTK_ENOMEM;
    }
    x->nmaps++;
    for (i = 0; i < n; i++) {
        const crtk_item *s = crtk_layout_item(src, i);
        const crtk_item *t = crtk_layout_find(x->target, s->id);
        if (!t)
            t = crtk_layout_find_num(x->target, s->num); /* renamed between versions */
        if (t && t->level != s->level)
            t = NULL;
        m->target[i] = t;
        m->act[i] = (unsigned char)decide(x, t);
        m->nohash[i] = s->level == CRTK_LEVEL_ROOT || crtk__items_match(&x->cfg->stamp, s->id);
        m->counts[i].id = s->id;
        m->counts[i].num = s->num;
    }
    *out = m;
    return CRTK_OK;
}

/* Keyed pseudonym of a value, as wide as the item: decimal digits for a digits item (the
 * HMAC read as a number, modulo 10^width), else upper-case hex. */
static void
pseudonym(const crtk__xform *x, const crtk_item *t, const char *v, size_t len, char *dst)
{
    unsigned char mac[32];
    crtk__hmac h;
    int w = t->length < 32 ? t->length : 32, i;

    crtk__hmac_init(&h, x->key, x->keylen);
    crtk__hmac_update(&h, v, len);
    crtk__hmac_final(&h, mac);
    if (t->type == CRTK_TYPE_DIGITS || t->type == CRTK_TYPE_NUMERIC) {
        unsigned long long acc = 0;
        for (i = 0; i < 8; i++)
            acc = acc << 8 | mac[i];
        for (i = w - 1; i >= 0; i--) {
            dst[i] = (char)('0' + acc % 10);
            acc /= 10;
        }
    } else {
        static const char hex[] = "0123456789ABCDEF";
        for (i = 0; i < w; i++)
            dst[i] = hex[(mac[i / 2] >> (i % 2 ? 0 : 4)) & 15];
    }
    dst[w] = '\0';
}

static int
put(crtk__xform *x, xmap *m, int i, const crtk_record *rec, int st, crtk_record *out, int dt)
{
    const crtk_item *s = crtk_layout_item(m->src, i), *t = m->target[i];
    size_t len;
    const char *v = crtk_record_get(rec, s, st, &len);
    char buf[64];

    if (!v || !len)
        return CRTK_OK;
    switch ((enum act)m->act[i]) {
    case ACT_UNMAPPABLE:
        m->counts[i].unmappable++;
        x->unmappable++;
        return CRTK_OK;
    case ACT_DROP_RT:
        m->counts[i].removed_rt++;
        return CRTK_OK;
    case ACT_DROP_TIER:
        m->counts[i].removed_tier++;
        return CRTK_OK;
    case ACT_DATE: {
        /* date: YYYYMMDD; dateTime: YYYY-MM-DDThh:mm:ss (ISO 8601) */
        size_t keep = x->cfg->deid_dates == DATES_YEAR ? 4 : t->type == CRTK_TYPE_DATETIME ? 7 : 6;
        if (len > keep) {
            len = keep;
            m->counts[i].removed_tier++;
        }
        break;
    }
    case ACT_ZIP:
        if (len > (size_t)x->cfg->deid_zip) {
            len = (size_t)x->cfg->deid_zip;
            m->counts[i].removed_tier++;
        }
        break;
    case ACT_PSEUDO:
        pseudonym(x, t, v, len, buf);
        v = buf;
        len = strlen(buf);
        m->counts[i].removed_tier++;
        break;
    case ACT_COPY:
        break;
    }
    return crtk_record_set(out, t, dt, v, len);
}

static int set_str(crtk_record *out, const crtk_item *it, int t, const char *v)
{
    if (!it || !v || !*v)
        return CRTK_OK;
    return crtk_record_set(out, it, t, v, strlen(v));
}

int crtk__xform_apply(crtk__xform *x,
                      const crtk_record *rec,
                      const int *tumors,
                      int n,
                      crtk_record *out,
                      crtk_error *err)
{
    const crtk_layout *src = crtk_record_layout(rec);
    xmap *m;
    int i, k, rc;
    char buf[16];

    if ((rc = map_for(x, src, &m)) < 0 || (rc = crtk_record_reset(out, x->target)) < 0)
        return crtk__fail(err, CRTK_ENOMEM, "out of memory");
    crtk_record_set_ordinal(out, crtk_record_ordinal(rec));
    crtk_record_set_line(out, -1, crtk_record_line(rec, -1));
    for (k = 0; k < n; k++) {
        if (crtk_record_add_tumor(out) < 0)
            return crtk__fail(err, CRTK_ENOMEM, "out of memory");
        crtk_record_set_line(out, k, crtk_record_line(rec, tumors[k]));
    }
    for (i = 0; i < m->n; i++) {
        const crtk_item *s = crtk_layout_item(src, i);
        if (s->level != CRTK_LEVEL_TUMOR) {
            rc = put(x, m, i, rec, 0, out, 0);
        } else {
            for (k = 0, rc = 0; k < n && rc == 0; k++)
                rc = put(x, m, i, rec, tumors[k], out, k);
        }
        if (rc < 0)
            return crtk__fail(err, CRTK_ENOMEM, "out of memory");
    }
    /* Extensions are foreign content crtk cannot classify: only the full tier carries them. */
    if (x->cfg->tier == TIER_FULL) {
        int lv;
        for (lv = 0; lv < CRTK_LEVELS; lv++) {
            int tt, tmax = lv == CRTK_LEVEL_TUMOR ? n : 1;
            for (tt = 0; tt < tmax; tt++) {
                int st = lv == CRTK_LEVEL_TUMOR ? tumors[tt] : 0;
                int e, ne = crtk_record_extension_count(rec, (crtk_level)lv, st);
                for (e = 0; e < ne; e++) {
                    size_t len;
                    const char *xml = crtk_record_extension(rec, (crtk_level)lv, st, e, &len);
                    if (crtk_record_add_extension(out, (crtk_level)lv, tt, xml, len) < 0)
                        return crtk__fail(err, CRTK_ENOMEM, "out of memory");
                }
            }
        }
    }
    /* Root items once per file (NAACCR XML 0.2: the same in every record). */
    buf[0] = x->cfg->record_type;
    buf[1] = '\0';
    rc = set_str(out, x->root_rt, 0, buf);
    snprintf(buf, sizeof buf, "%d", crtk_layout_version(x->target));
    rc = rc ? rc : set_str(out, x->root_ver, 0, buf);
    rc = rc ? rc : set_str(out, x->root_regtype, 0, x->cfg->registry_type);
    rc = rc ? rc : set_str(out, x->root_regid, 0, x->cfg->registry_id);
    rc = rc ? rc : set_str(out, x->root_npi, 0, x->cfg->npi_registry_id);
    if (rc < 0)
        return crtk__fail(err, CRTK_ENOMEM, "out of memory");
    return CRTK_OK;
}

int crtk__xform_stamp(crtk__xform *x, crtk_record *out, crtk_error *err)
{
    int i, k, rc = 0, n = crtk_record_tumor_count(out);

    for (i = 0; !rc && i < x->nstamps; i++) {
        const crtk_item *it = x->stamps[i];
        if (it->level == CRTK_LEVEL_TUMOR)
            for (k = 0; !rc && k < n; k++)
                rc = set_str(out, it, k, x->today);
        else
            rc = set_str(out, it, 0, x->today);
    }
    return rc < 0 ? crtk__fail(err, CRTK_ENOMEM, "out of memory") : CRTK_OK;
}

int crtk__xform_item_count(const crtk__xform *x)
{
    int i, n = 0;
    for (i = 0; i < x->nmaps; i++)
        n += x->maps[i].n;
    return n;
}

const crtk__xform_item *crtk__xform_item_at(const crtk__xform *x, int idx)
{
    int i;
    for (i = 0; i < x->nmaps; i++) {
        if (idx < x->maps[i].n)
            return &x->maps[i].counts[idx];
        idx -= x->maps[i].n;
    }
    return NULL;
}

long crtk__xform_unmappable(const crtk__xform *x)
{
    return x->unmappable;
}

int crtk__record_subset(const crtk_record *rec, const int *tumors, int n, crtk_record *out)
{
    const crtk_layout *l = crtk_record_layout(rec);
    int i, k, rc, nitems = crtk_layout_count(l);

    if ((rc = crtk_record_reset(out, l)) < 0)
        return rc;
    crtk_record_set_ordinal(out, crtk_record_ordinal(rec));
    crtk_record_set_line(out, -1, crtk_record_line(rec, -1));
    for (k = 0; k < n; k++) {
        if ((rc = crtk_record_add_tumor(out)) < 0)
            return rc;
        crtk_record_set_line(out, k, crtk_record_line(rec, tumors[k]));
    }
    for (i = 0; i < nitems; i++) {
        const crtk_item *it = crtk_layout_item(l, i);
        int kmax = it->level == CRTK_LEVEL_TUMOR ? n : 1;
        for (k = 0; k < kmax; k++) {
            size_t len;
            const char *v =
                crtk_record_get(rec, it, it->level == CRTK_LEVEL_TUMOR ? tumors[k] : 0, &len);
            if (v && len && (rc = crtk_record_set(out, it, k, v, len)) < 0)
                return rc;
        }
    }
    return CRTK_OK;
}

int crtk__xform_hash(crtk__xform *x, const crtk_record *rec, int tumor, char hex[65])
{
    const crtk_layout *l = crtk_record_layout(rec);
    unsigned char d[32], head[6];
    crtk__sha256 c;
    xmap *m;
    int i;

    if (map_for(x, l, &m) < 0)
        return CRTK_ENOMEM;
    crtk__sha256_init(&c);
    /* Item number and length before each value: unambiguous, and cheaper than ids. */
    for (i = 0; i < m->n; i++) {
        const crtk_item *it = crtk_layout_item(l, i);
        size_t len;
        const char *v;
        if (m->nohash[i])
            continue;
        v = crtk_record_get(rec, it, it->level == CRTK_LEVEL_TUMOR ? tumor : 0, &len);
        if (!v || !len)
            continue;
        head[0] = (unsigned char)(it->num >> 8);
        head[1] = (unsigned char)it->num;
        head[2] = (unsigned char)(len >> 24);
        head[3] = (unsigned char)(len >> 16);
        head[4] = (unsigned char)(len >> 8);
        head[5] = (unsigned char)len;
        crtk__sha256_update(&c, head, sizeof head);
        crtk__sha256_update(&c, v, len);
    }
    crtk__sha256_final(&c, d);
    crtk__hex(hex, d, 32);
    return CRTK_OK;
}

int crtk__tumor_key(const crtk_record *rec, int tumor, const crtk__xcfg *cfg, strbuf *out)
{
    const crtk_layout *l = crtk_record_layout(rec);
    int i;

    sb_clear(out);
    for (i = 0; i < cfg->tumor_key.n; i++) {
        const crtk_item *it = crtk_layout_find(l, cfg->tumor_key.v[i]);
        size_t len = 0;
        const char *v =
            it ? crtk_record_get(rec, it, it->level == CRTK_LEVEL_TUMOR ? tumor : 0, &len) : NULL;
        if ((i && sb_addc(out, '|') < 0) || sb_add(out, v ? v : "", v ? len : 0) < 0)
            return CRTK_ENOMEM;
    }
    if (!out->s && sb_adds(out, "") < 0)
        return CRTK_ENOMEM;
    return CRTK_OK;
}
