/* export.c - the export pipeline: read each input, select tumors (filter.c), run the
 * profile's edit set on the selected ones (check.h) and gate them, re-express them for the
 * receiver (transform.c), write output and rejects, then the reports and the history entry.
 * All or nothing: every file is written into a private staging folder inside the output
 * folder, and only when all of them are complete are they renamed into place and the
 * history transaction committed; on any error the staging folder is removed. */
#include "export_internal.h"
#include "io/readahead.h"
#include "crtk/check.h"
#include "crtk/editdb.h"
#include "crtk/writer.h"
#include "error_internal.h"
#include "io_internal.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#define MAX_CHECKERS   8
#define MAX_FAIL_LINES 1000
#define MAX_STAGED     5

typedef struct chk {
    const crtk_layout *layout;
    crtk_checker *c;
    crtk_check_state *st;
    long *fails; /* per edit */
} chk;

typedef struct xctx {
    const crtk_profile *p;
    crtk__xcfg cfg;
    const crtk_export_opts *o;
    crtk_layouts *ls;
    crtk_export_result *res;
    crtk__report rep;
    char today[9], time_gen[32];
    const crtk_layout *target, *base;
    strbuf user_uris;
    unsigned char key[64];
    size_t keylen;
    crtk_editdb *db;
    chk chk[MAX_CHECKERS];
    int nchk;
    crtk__filter *filter;
    crtk__xform *xform;
    crtk__history *hist;
    char hist_path[1024];
    bool hist_created;
    long batch;
    char stage[1024];
    char names[MAX_STAGED][256]; /* output, rejects, report.txt, report.html, changed */
    bool staged[MAX_STAGED];
    crtk_writer *w_out, *w_rej, *w_chg;
    crtk_writer_opts wopts;
    crtk_record *sub, *outrec;
    strbuf keybuf, path;
    /* per patient */
    unsigned char *fail; /* per selected tumor: an edit failed */
    unsigned char *chg;  /* per selected tumor: sent before with other values (M) */
    int *idx;            /* selected, passing, rejected and changed tumors (4 x capfail) */
    int capfail;
    const char *cur_input;
    const crtk_record *cur_rec;
} xctx;

enum { F_OUT = 0, F_REJ, F_TXT, F_HTML, F_CHG };

/* ---- helpers ----------------------------------------------------------------------- */

static int xfail(crtk_error *err, int code, const char *source, const char *fmt, const char *a)
{
    crtk__error_source(err, source);
    return crtk__fail(err, code, fmt, a);
}

static void resolve_path(strbuf *b, const char *dir, const char *path)
{
    sb_clear(b);
    if (path[0] != '/' && dir && *dir)
        (void)sb_printf(b, "%s/%s", dir, path);
    else
        (void)sb_adds(b, path);
}

static int clock_dates(xctx *x, crtk_error *err)
{
    const char *t = x->o->today;
    if (t) {
        if (strlen(t) != 8 || strspn(t, "0123456789") != 8)
            return xfail(err, CRTK_EARG, "--today", "expected YYYYMMDD, found \"%s\"", t);
        crtk__copy(x->today, sizeof x->today, t);
        snprintf(x->time_gen, sizeof x->time_gen, "%.4s-%.2s-%.2sT00:00:00Z", t, t + 4, t + 6);
    } else {
        time_t now = time(NULL);
        struct tm tm;
        gmtime_r(&now, &tm);
        strftime(x->today, sizeof x->today, "%Y%m%d", &tm);
        strftime(x->time_gen, sizeof x->time_gen, "%Y-%m-%dT%H:%M:%SZ", &tm);
    }
    return CRTK_OK;
}

/* A user dictionary of the profile; the caller's registry may hold it already (it read
 * files declaring it), and then that one is used. */
static int user_dictionary(xctx *x, const char *path, const crtk_layout **out, crtk_error *err)
{
    crtk_layouts *tmp = NULL;
    const crtk_layout *probe = NULL;
    int rc;

    if ((rc = crtk_layouts_new(&tmp, err)) < 0)
        return rc;
    rc = crtk_layouts_add_dictionary(tmp, path, &probe, err);
    if (rc == CRTK_OK && (*out = crtk_layouts_by_uri(x->ls, crtk_layout_uri(probe))) != NULL) {
        crtk_layouts_free(tmp);
        return CRTK_OK;
    }
    crtk_layouts_free(tmp);
    if (rc < 0)
        return rc;
    return crtk_layouts_add_dictionary(x->ls, path, out, err);
}

static int target_layout(xctx *x, crtk_error *err)
{
    const crtk__xcfg *c = &x->cfg;
    const crtk_layout *user[8];
    const char *dir = crtk__profile_dir(x->p);
    int i, rc;

    if (c->layout) {
        resolve_path(&x->path, dir, c->layout);
        if ((rc = crtk_layouts_add_file(x->ls, x->path.s, &x->target, err)) < 0)
            return rc;
        x->base = x->target;
        return CRTK_OK;
    }
    if (c->format == CRTK_FORMAT_FLAT) {
        x->target = x->base = crtk_layouts_flat(x->ls, c->version);
        if (!x->target)
            return crtk__fail(err, CRTK_EUNSUPPORTED, "no fixed-width layout for NAACCR %d",
                              c->version);
        return CRTK_OK;
    }
    x->base = crtk_layouts_dictionary(x->ls, c->version);
    if (!x->base)
        return crtk__fail(err, CRTK_EUNSUPPORTED, "no NAACCR %d base dictionary", c->version);
    for (i = 0; i < c->nuser; i++) {
        resolve_path(&x->path, dir, c->user_dicts[i]);
        if ((rc = user_dictionary(x, x->path.s, &user[i], err)) < 0)
            return rc;
        if ((i && sb_addc(&x->user_uris, ' ') < 0) ||
            sb_adds(&x->user_uris, crtk_layout_uri(user[i])) < 0)
            return crtk__fail(err, CRTK_ENOMEM, "out of memory");
    }
    if (!c->nuser) {
        x->target = x->base;
        return CRTK_OK;
    }
    return crtk_layouts_combine(x->ls, x->base, user, c->nuser, &x->target, err);
}

static int random_bytes(unsigned char *buf, size_t n, crtk_error *err)
{
    int fd = open("/dev/urandom", O_RDONLY | O_CLOEXEC);
    size_t got = 0;

    if (fd < 0)
        return xfail(err, CRTK_EIO, "/dev/urandom", "cannot open: %s", strerror(errno));
    while (got < n) {
        ssize_t r = read(fd, buf + got, n - got);
        if (r <= 0) {
            close(fd);
            return xfail(err, CRTK_EIO, "/dev/urandom", "cannot read: %s",
                         strerror(r ? errno : EIO));
        }
        got += (size_t)r;
    }
    close(fd);
    return CRTK_OK;
}

/* The pseudonym key: given, or read from a key file (created 0600 with 32 random bytes,
 * as hex, when it does not exist). */
static int load_key(xctx *x, crtk_error *err)
{
    const crtk_export_opts *o = x->o;
    char hex[65];
    unsigned char raw[32];
    ssize_t n;
    int fd;

    if (o->key) {
        x->keylen = strlen(o->key) < sizeof x->key ? strlen(o->key) : sizeof x->key;
        memcpy(x->key, o->key, x->keylen);
        if (!x->keylen)
            return xfail(err, CRTK_EARG, "--key", "%s", "the pseudonym key is empty");
        return CRTK_OK;
    }
    if (!o->key_file)
        return xfail(err, CRTK_EARG, crtk_profile_name(x->p), "%s",
                     "the de-identified tier needs a pseudonym key (--key or --key-file)");
    fd = open(o->key_file, O_RDONLY | O_CLOEXEC);
    if (fd < 0 && errno == ENOENT) {
        int rc = random_bytes(raw, sizeof raw, err);
        if (rc < 0)
            return rc;
        crtk__hex(hex, raw, sizeof raw);
        fd = open(o->key_file, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0600);
        if (fd < 0 || write(fd, hex, 64) != 64 || write(fd, "\n", 1) != 1 || fsync(fd) < 0) {
            int e = errno;
            if (fd >= 0) {
                close(fd);
                unlink(o->key_file);
            }
            return xfail(err, CRTK_EIO, o->key_file, "cannot create key file: %s", strerror(e));
        }
        close(fd);
        fd = open(o->key_file, O_RDONLY | O_CLOEXEC);
    }
    if (fd < 0)
        return xfail(err, CRTK_EIO, o->key_file, "cannot read key file: %s", strerror(errno));
    /* Like ssh with private keys: a key others can read is no secret. */
    {
        struct stat st;
        if (fstat(fd, &st) != 0 || !S_ISREG(st.st_mode) || (st.st_mode & 077)) {
            close(fd);
            return xfail(err, CRTK_EARG, o->key_file, "%s",
                         "key file must be a regular file only its owner can read (chmod 600)");
        }
    }
    n = read(fd, x->key, sizeof x->key);
    close(fd);
    while (n > 0 && (x->key[n - 1] == '\n' || x->key[n - 1] == '\r'))
        n--;
    if (n <= 0)
        return xfail(err, CRTK_EINVALID, o->key_file, "%s", "key file is empty");
    x->keylen = (size_t)n;
    return CRTK_OK;
}

static int load_edits(xctx *x, crtk_error *err)
{
    const char *e = x->cfg.edits;
    size_t n;
    int rc;

    if (!e)
        return CRTK_OK;
    if (!strcmp(e, "shipped")) {
        if (!x->o->edits_dir)
            return xfail(err, CRTK_EARG, crtk_profile_name(x->p), "%s",
                         "edits = shipped, but no shipped edits folder was given");
        sb_clear(&x->path);
        (void)sb_adds(&x->path, x->o->edits_dir);
    } else {
        resolve_path(&x->path, crtk__profile_dir(x->p), e);
    }
    if (!x->path.s)
        return crtk__fail(err, CRTK_ENOMEM, "out of memory");
    n = x->path.len;
    if (n > 4 && !strcmp(x->path.s + n - 4, ".smf"))
        rc = crtk_editdb_load_smf(&x->db, x->path.s, err);
    else
        rc = crtk_editdb_load_dir(&x->db, x->path.s, err);
    if (rc < 0)
        return rc;
    if (x->cfg.edit_set && !crtk_editdb_find_set(x->db, x->cfg.edit_set))
        return xfail(err, CRTK_EINVALID, x->path.s, "no edit set \"%s\" (crtk edits list)",
                     x->cfg.edit_set);
    return CRTK_OK;
}

static int checker_for(xctx *x, const crtk_layout *l, chk **out, crtk_error *err)
{
    crtk_check_opts co = CRTK_CHECK_OPTS_INIT;
    chk *k;
    int i, rc;

    for (i = 0; i < x->nchk; i++)
        if (x->chk[i].layout == l) {
            *out = &x->chk[i];
            return CRTK_OK;
        }
    if (x->nchk == MAX_CHECKERS)
        return crtk__fail(err, CRTK_ELIMIT, "inputs of more than %d layouts", MAX_CHECKERS);
    k = &x->chk[x->nchk];
    co.set = x->cfg.edit_set;
    co.today = x->today;
    if ((rc = crtk_checker_new(&k->c, x->db, l, &co, err)) < 0)
        return rc;
    x->nchk++;
    k->layout = l;
    if ((rc = crtk_check_state_new(&k->st, k->c)) < 0)
        return crtk__fail(err, rc, "out of memory");
    k->fails = calloc((size_t)crtk_checker_edit_count(k->c) + 1, sizeof *k->fails);
    if (!k->fails)
        return crtk__fail(err, CRTK_ENOMEM, "out of memory");
    if (!x->rep.edits_compiled) {
        x->rep.edits_compiled = crtk_checker_edit_count(k->c);
        x->rep.edits_skipped = crtk_checker_skipped_count(k->c);
    }
    *out = k;
    return CRTK_OK;
}

/* File name from the profile's template: {registryId} {facilityId} {naaccrVersion}
 * {recordType} {fromDate} {toDate} {exportDate:FORMAT} (yyyy, MM, dd) {seq} {profile}. */
static int expand_name(xctx *x, char rt, char *dst, size_t cap, crtk_error *err)
{
    const char *s = x->cfg.file_name;
    strbuf b = STRBUF_INIT;
    int rc = 0, y = atoi(x->today) / 10000;

    while (*s && rc == 0) {
        const char *close;
        char tok[64];
        if (*s != '{') {
            rc = sb_addc(&b, *s++);
            continue;
        }
        close = strchr(s, '}');
        if (!close || (size_t)(close - s - 1) >= sizeof tok) {
            sb_free(&b);
            return xfail(err, CRTK_EINVALID, crtk_profile_name(x->p),
                         "file_name: unclosed or long {token} in \"%s\"", x->cfg.file_name);
        }
        memcpy(tok, s + 1, (size_t)(close - s - 1));
        tok[close - s - 1] = '\0';
        s = close + 1;
        if (!strcmp(tok, "registryId"))
            rc = sb_adds(&b, x->cfg.registry_id && *x->cfg.registry_id ? x->cfg.registry_id
                                                                       : "0000000000");
        else if (!strcmp(tok, "facilityId"))
            rc = sb_adds(&b, x->cfg.facility_id                          ? x->cfg.facility_id
                             : x->cfg.registry_id && *x->cfg.registry_id ? x->cfg.registry_id
                                                                         : "0000000000");
        else if (!strcmp(tok, "naaccrVersion"))
            rc = sb_printf(&b, "%d", crtk_layout_version(x->target));
        else if (!strcmp(tok, "recordType"))
            rc = sb_addc(&b, rt);
        else if (!strcmp(tok, "fromDate"))
            rc = x->cfg.year_from.set
                     ? sb_printf(&b, "%d", crtk__year_resolve(&x->cfg.year_from, y))
                     : sb_adds(&b, "all");
        else if (!strcmp(tok, "toDate"))
            rc = x->cfg.year_to.set ? sb_printf(&b, "%d", crtk__year_resolve(&x->cfg.year_to, y))
                                    : sb_adds(&b, "all");
        else if (!strcmp(tok, "seq"))
            rc = sb_printf(&b, "%ld", x->batch ? x->batch : 1);
        else if (!strcmp(tok, "profile"))
            rc = sb_adds(&b, crtk_profile_name(x->p));
        else if (!strncmp(tok, "exportDate", 10)) {
            const char *f = tok[10] == ':' ? tok + 11 : "yyyyMMdd";
            while (*f && rc == 0) {
                if (!strncmp(f, "yyyy", 4))
                    rc = sb_add(&b, x->today, 4), f += 4;
                else if (!strncmp(f, "MM", 2))
                    rc = sb_add(&b, x->today + 4, 2), f += 2;
                else if (!strncmp(f, "dd", 2))
                    rc = sb_add(&b, x->today + 6, 2), f += 2;
                else
                    rc = sb_addc(&b, *f++);
            }
        } else {
            sb_free(&b);
            return xfail(err, CRTK_EINVALID, crtk_profile_name(x->p),
                         "file_name: unknown token {%s}", tok);
        }
    }
    if (rc < 0 || !b.s || b.len >= cap || strchr(b.s, '/') || b.s[0] == '.') {
        sb_free(&b);
        return xfail(err, CRTK_EINVALID, crtk_profile_name(x->p),
                     "file_name gives an unusable name from \"%s\"", x->cfg.file_name);
    }
    crtk__copy(dst, cap, b.s);
    sb_free(&b);
    return CRTK_OK;
}

/* name.xml -> name.rejects.xml / name.report.txt */
static void derive(char *dst, size_t cap, const char *name, const char *insert, bool keep_ext)
{
    const char *dot = strchr(name, '.');
    size_t stem = dot ? (size_t)(dot - name) : strlen(name);
    snprintf(dst, cap, "%.*s%s%s", (int)stem, name, insert, keep_ext && dot ? dot : "");
}

static void stage_path(xctx *x, int f, char *dst, size_t cap)
{
    snprintf(dst, cap, "%s/%s", x->stage, x->names[f]);
}

static void final_path(xctx *x, int f, char *dst, size_t cap)
{
    snprintf(dst, cap, "%s/%s", x->o->out_dir ? x->o->out_dir : ".", x->names[f]);
}

static int open_writer(xctx *x, int f, crtk_writer **w, crtk_error *err)
{
    crtk_writer_opts wo = x->wopts;
    char path[1400];

    stage_path(x, f, path, sizeof path);
    x->staged[f] = true;
    if (f == F_CHG)
        wo.record_type = x->cfg.changed_rt;
    return crtk_writer_open(w, path, &wo, err);
}

static int writer_err(crtk_writer *w, crtk_error *err)
{
    const crtk_error *e = crtk_writer_error(w);
    if (err)
        *err = *e;
    return e->code ? e->code : CRTK_EIO;
}

/* ---- the per-patient step ---------------------------------------------------------- */

typedef struct failctx {
    xctx *x;
    chk *k;
    const int *sel;
} failctx;

static void on_failure(void *ctx, const crtk_record *rec, const crtk_check_failure *f)
{
    failctx *fc = ctx;
    xctx *x = fc->x;
    int t = f->tumor;

    if (f->type != 'E' && f->type != 'X')
        return;
    if (t >= 0 && t < x->capfail)
        x->fail[t] = 1;
    if (f->other_tumor >= 0 && f->other_tumor < x->capfail)
        x->fail[f->other_tumor] = 1;
    x->res->edit_failures++;
    fc->k->fails[f->edit]++;
    x->rep.failures_total++;
    if (x->rep.failures_listed < MAX_FAIL_LINES) {
        int src_t = fc->sel[t];
        x->rep.failures_listed++;
        (void)sb_printf(&x->rep.failures, "  %s: patient %ld (line %ld) tumor %d: %s %s%s%s\n",
                        x->cur_input, crtk_record_ordinal(x->cur_rec),
                        crtk_record_line(x->cur_rec, src_t), src_t + 1, f->tag, f->name,
                        x->cfg.tier == TIER_FULL && f->message && *f->message ? ": " : "",
                        x->cfg.tier == TIER_FULL && f->message ? f->message : "");
    }
}

static int count_written(xctx *x, const crtk_record *out)
{
    const crtk_layout *l = crtk_record_layout(out);
    const crtk_item *dx = crtk_layout_find(l, "dateOfDiagnosis");
    const crtk_item *site = crtk_layout_find(l, "primarySite");
    const crtk_item *cls = crtk_layout_find(l, "classOfCase");
    int t, n = crtk_record_tumor_count(out), rc = 0;

    for (t = 0; t < n && rc == 0; t++) {
        size_t len;
        char b[8];
        const char *v = dx ? crtk_record_get(out, dx, t, &len) : NULL;
        snprintf(b, sizeof b, "%.4s", v && len >= 4 ? v : "");
        rc = crtk__counts_add(&x->rep.by_year, b, 1);
        v = site ? crtk_record_get(out, site, t, &len) : NULL;
        snprintf(b, sizeof b, "%.3s", v ? v : "");
        rc = rc ? rc : crtk__counts_add(&x->rep.by_site, b, 1);
        v = cls ? crtk_record_get(out, cls, t, &len) : NULL;
        snprintf(b, sizeof b, "%.2s", v ? v : "");
        rc = rc ? rc : crtk__counts_add(&x->rep.by_class, b, 1);
    }
    return rc;
}

/* The selected tumors as they will be sent, into x->outrec; a value the target cannot hold
 * stops the export unless the user allowed dropping it. */
static int transform(xctx *x, const crtk_record *rec, const int *tumors, int n, crtk_error *err)
{
    int rc;

    if ((rc = crtk__xform_apply(x->xform, rec, tumors, n, x->outrec, err)) < 0)
        return rc;
    if (crtk__xform_unmappable(x->xform) && !x->cfg.drop_unmappable && !x->o->drop_unmappable) {
        int i, ni = crtk__xform_item_count(x->xform);
        const char *id = "?";
        for (i = 0; i < ni; i++)
            if (crtk__xform_item_at(x->xform, i)->unmappable) {
                id = crtk__xform_item_at(x->xform, i)->id;
                break;
            }
        crtk__error_source(err, x->cur_input);
        if (err) {
            err->record = crtk_record_ordinal(rec);
            crtk__copy(err->item, sizeof err->item, id);
        }
        return crtk__fail(err, CRTK_EINVALID,
                          "patient %ld: item %s has no place in %s; nothing was written "
                          "(--drop-unmappable leaves such values out, counted in the report)",
                          crtk_record_ordinal(rec), id, crtk_layout_name(x->target));
    }
    return CRTK_OK;
}

/* Write a transformed patient to file f: the output or the changed-cases file (stamped),
 * or the rejects file (as it is: rejected tumors are not sent). */
static int write_out(xctx *x, crtk_record *out, int f, crtk_error *err)
{
    crtk_writer **w = f == F_REJ ? &x->w_rej : f == F_CHG ? &x->w_chg : &x->w_out;
    int rc;

    if (f != F_REJ && (rc = crtk__xform_stamp(x->xform, out, err)) < 0)
        return rc;
    if (!*w && (rc = open_writer(x, f, w, err)) < 0)
        return rc;
    if (crtk_writer_write(*w, out) < 0)
        return writer_err(*w, err);
    if (f == F_REJ)
        return CRTK_OK;
    if (f == F_CHG)
        x->rep.changed_written += crtk_record_tumor_count(out);
    x->res->written += crtk_record_tumor_count(out);
    x->res->patients_written++;
    if (count_written(x, out) < 0)
        return crtk__fail(err, CRTK_ENOMEM, "out of memory");
    return CRTK_OK;
}

static int do_patient(xctx *x, const crtk_record *rec, const crtk_file_info *info, crtk_error *err)
{
    int nt = crtk_record_tumor_count(rec), t, k = 0, rc, np = 0, nr = 0;
    int *sel, *pass, *rej, *chg, nc = 0;
    bool changed = false;
    char rt[2] = {info->record_type ? info->record_type : '?', 0};
    char hash[65];

    x->res->patients_read++;
    if (nt > x->capfail) {
        int cap = nt < 16 ? 16 : nt;
        unsigned char *nf = realloc(x->fail, (size_t)cap);
        unsigned char *nc = realloc(x->chg, (size_t)cap);
        int *ni = realloc(x->idx, 4 * (size_t)cap * sizeof *ni);
        if (nf)
            x->fail = nf;
        if (nc)
            x->chg = nc;
        if (ni)
            x->idx = ni;
        if (!nf || !nc || !ni)
            return crtk__fail(err, CRTK_ENOMEM, "out of memory");
        x->capfail = cap;
    }
    sel = x->idx;
    pass = sel + x->capfail;
    rej = pass + x->capfail;
    chg = rej + x->capfail;
    x->cur_rec = rec;
    for (t = 0; t < nt; t++) {
        int which;
        const char *rule;
        x->res->tumors_read++;
        if (crtk__counts_add(&x->rep.by_rt, rt, 1) < 0)
            return crtk__fail(err, CRTK_ENOMEM, "out of memory");
        if ((rc = crtk__filter_tumor(x->filter, rec, t, &which, &rule, err)) < 0) {
            crtk__error_source(err, x->cur_input);
            return rc;
        }
        if (which < 0 && x->o->since_last) {
            if ((rc = crtk__tumor_key(rec, t, &x->cfg, &x->keybuf)) < 0)
                return crtk__fail(err, rc, "out of memory");
            if (crtk__xform_hash(x->xform, rec, t, hash) < 0)
                return crtk__fail(err, CRTK_ENOMEM, "out of memory");
            rc = crtk__history_unchanged(x->hist, crtk_profile_name(x->p), x->keybuf.s, hash, err);
            if (rc < 0)
                return rc;
            if (rc == 1)
                which = FILT_SINCE_LAST;
            changed = rc == 2;
        }
        if (which >= 0) {
            x->rep.excluded[which]++;
            x->res->excluded++;
            if (rule && crtk__counts_add(&x->rep.not_rep, rule, 1) < 0)
                return crtk__fail(err, CRTK_ENOMEM, "out of memory");
            continue;
        }
        x->chg[k] = changed && x->cfg.changed_rt;
        sel[k++] = t;
    }
    if (!k)
        return CRTK_OK;
    x->res->selected += k;
    memset(x->fail, 0, (size_t)k);
    /* The edits check the tumors as the receiver gets them: target version, record type,
     * tier and root items (inter-record edits pair the selected tumors among themselves). */
    if ((rc = transform(x, rec, sel, k, err)) < 0)
        return rc;
    if (x->db) {
        chk *c = NULL;
        failctx fc;
        if ((rc = checker_for(x, crtk_record_layout(x->outrec), &c, err)) < 0)
            return rc;
        fc.x = x;
        fc.k = c;
        fc.sel = sel;
        if ((rc = crtk_check_record(c->st, x->outrec, on_failure, &fc, NULL)) < 0)
            return crtk__fail(err, rc, "edit check failed");
    }
    /* pass/rej: indices into x->outrec; the source tumor of outrec tumor t is sel[t]. */
    for (t = 0; t < k; t++) {
        if (x->fail[t] && x->cfg.gate != GATE_WARN)
            rej[nr++] = t;
        else
            pass[np++] = t;
    }
    x->res->rejected += nr;
    if (x->cfg.gate == GATE_BLOCK) {
        if (nr)
            x->res->blocked = true;
        if (x->res->blocked)
            return CRTK_OK; /* keep checking, to report every failure; write nothing */
    }
    /* Changed tumors go to the file of record type M (profile changed_record_type). */
    for (t = 0, k = 0; t < np; t++) {
        if (x->chg[pass[t]])
            chg[nc++] = pass[t];
        else
            pass[k++] = pass[t];
    }
    if (!nr && !nc) {
        rc = write_out(x, x->outrec, F_OUT, err);
    } else {
        rc = 0;
        if (k && (rc = crtk__record_subset(x->outrec, pass, k, x->sub)) == 0)
            rc = write_out(x, x->sub, F_OUT, err);
        if (rc == 0 && nc && (rc = crtk__record_subset(x->outrec, chg, nc, x->sub)) == 0)
            rc = write_out(x, x->sub, F_CHG, err);
        if (rc == 0 && nr && (rc = crtk__record_subset(x->outrec, rej, nr, x->sub)) == 0)
            rc = write_out(x, x->sub, F_REJ, err);
        if (rc > 0 || rc == CRTK_ENOMEM)
            rc = crtk__fail(err, CRTK_ENOMEM, "out of memory");
    }
    for (t = 0; t < nc; t++)
        pass[k++] = chg[t]; /* every tumor sent goes to the history */
    np = k;
    if (rc < 0)
        return rc;
    if (x->hist)
        for (t = 0; t < np; t++) {
            if ((rc = crtk__tumor_key(rec, sel[pass[t]], &x->cfg, &x->keybuf)) < 0)
                return crtk__fail(err, rc, "out of memory");
            if (crtk__xform_hash(x->xform, rec, sel[pass[t]], hash) < 0)
                return crtk__fail(err, CRTK_ENOMEM, "out of memory");
            if ((rc = crtk__history_add_tumor(x->hist, x->batch, x->keybuf.s, hash, err)) < 0)
                return rc;
        }
    return CRTK_OK;
}

static int read_input(xctx *x, const char *path, crtk_error *err)
{
    crtk_reader_opts ro = CRTK_READER_OPTS_INIT;
    crtk_reader *rd = NULL;
    crtk_record *rec = NULL;
    crtk__readahead *ra = NULL;
    long npat = 0;
    int rc;

    ro.validate_values = false;
    x->cur_input = path;
    if ((rc = crtk_reader_open(&rd, path, x->ls, &ro, err)) < 0)
        return rc;
    /* With jobs, parsing the input (most of a read) runs ahead on a second thread. */
    rc = x->o->jobs > 1 ? crtk__readahead_start(&ra, rd, 64) : crtk_record_new(&rec);
    if (rc < 0) {
        crtk_reader_free(rd);
        return crtk__fail(err, rc, "out of memory");
    }
    if (!x->rep.src_layout) {
        x->rep.src_layout = crtk_reader_info(rd)->layout;
        x->rep.source_layout = crtk_layout_name(x->rep.src_layout);
    }
    for (;;) {
        const crtk_record *cur = rec;
        rc = ra ? crtk__readahead_next(ra, &cur) : crtk_reader_next(rd, rec);
        if (rc < 0 && err)
            *err = *crtk_reader_error(rd);
        if (rc <= 0)
            break;
        if (x->o->stop && x->o->stop(x->o->stop_ctx)) {
            rc = xfail(err, CRTK_EIO, path, "%s", "export interrupted; nothing was written");
            break;
        }
        if ((rc = do_patient(x, cur, crtk_reader_info(rd), err)) < 0)
            break;
        if (x->o->progress && (++npat & 63) == 0)
            x->o->progress(x->o->progress_ctx, path,
                           ra ? crtk__readahead_offset(ra) : crtk_reader_offset(rd), npat);
    }
    crtk__readahead_free(ra);
    crtk_record_free(rec);
    crtk_reader_free(rd);
    return rc < 0 ? rc : CRTK_OK;
}

static int write_text_file(xctx *x, int f, const strbuf *b, crtk_error *err)
{
    char path[1400];
    crtk__out o;
    int rc;

    memset(&o, 0, sizeof o);
    stage_path(x, f, path, sizeof path);
    x->staged[f] = true;
    rc = crtk__out_open(&o, path, false, x->o->mode, err);
    if (rc == CRTK_OK)
        rc = crtk__out_write(&o, b->s ? b->s : "", b->len, err);
    if (rc == CRTK_OK)
        rc = crtk__out_close(&o, err);
    crtk__out_discard(&o);
    return rc;
}

static int file_sha(const char *path, char hex[65], crtk_error *err)
{
    crtk_error e = CRTK_ERROR_INIT;
    int rc = crtk__sha256_file(path, hex, &e);
    return rc < 0 ? xfail(err, rc, path, "cannot read back: %s",
                          strerror(e.sys_errno ? e.sys_errno : EIO))
                  : rc;
}

/* Rename every staged file into place, then commit the history; undo on failure. */
static int commit(xctx *x, crtk_error *err)
{
    char from[1400], to[1400];
    int f, done = 0, rc = CRTK_OK;

    for (f = 0; f < MAX_STAGED; f++) {
        if (!x->staged[f])
            continue;
        stage_path(x, f, from, sizeof from);
        final_path(x, f, to, sizeof to);
        if (rename(from, to) < 0) {
            rc = xfail(err, CRTK_EIO, to, "cannot move into place: %s", strerror(errno));
            break;
        }
        done |= 1 << f;
    }
    if (rc == CRTK_OK && x->hist && !x->res->blocked)
        rc = crtk__history_commit(x->hist, err);
    if (rc < 0) {
        for (f = 0; f < MAX_STAGED; f++)
            if (done & (1 << f)) {
                final_path(x, f, to, sizeof to);
                unlink(to);
            }
        return rc;
    }
    for (f = 0; f < MAX_STAGED; f++)
        x->staged[f] = false;
    return CRTK_OK;
}

static void cleanup_stage(xctx *x)
{
    char path[1400];
    int f;

    if (!x->stage[0])
        return;
    for (f = 0; f < MAX_STAGED; f++)
        if (x->staged[f]) {
            stage_path(x, f, path, sizeof path);
            unlink(path);
        }
    rmdir(x->stage);
}

static int finish(xctx *x, crtk_error *err)
{
    crtk_export_result *res = x->res;
    strbuf b = STRBUF_INIT;
    char path[1400];
    int rc = CRTK_OK, i, f;
    bool keep;

    if (x->w_out && !res->blocked && crtk_writer_close(x->w_out) < 0)
        return writer_err(x->w_out, err);
    if (x->w_rej && !res->blocked && crtk_writer_close(x->w_rej) < 0)
        return writer_err(x->w_rej, err);
    if (x->w_chg && !res->blocked && crtk_writer_close(x->w_chg) < 0)
        return writer_err(x->w_chg, err);
    if (res->blocked) {
        /* Nothing is written but the reports. */
        res->written = res->patients_written = 0;
        crtk__counts_free(&x->rep.by_year);
        crtk__counts_free(&x->rep.by_site);
        crtk__counts_free(&x->rep.by_class);
        crtk_writer_free(x->w_out);
        crtk_writer_free(x->w_rej);
        crtk_writer_free(x->w_chg);
        x->w_out = x->w_rej = x->w_chg = NULL;
        x->staged[F_OUT] = x->staged[F_REJ] = x->staged[F_CHG] = false;
        x->names[F_OUT][0] = x->names[F_REJ][0] = x->names[F_CHG][0] = '\0';
    } else if (!x->w_out) {
        /* An export that selects nothing still sends a valid, empty file. */
        if ((rc = open_writer(x, F_OUT, &x->w_out, err)) < 0)
            return rc;
        if (crtk_writer_close(x->w_out) < 0)
            return writer_err(x->w_out, err);
    }
    /* The output's SHA-256: while it is stored in the history (one pass), or on its own. */
    keep = x->hist && !res->blocked && x->cfg.history_files;
    for (f = 0; keep && f < MAX_STAGED; f++) {
        if (!x->staged[f] || f == F_TXT || f == F_HTML)
            continue;
        stage_path(x, f, path, sizeof path);
        if ((rc = crtk__history_add_file(x->hist, x->batch, x->names[f], path,
                                         f == F_OUT ? res->sha256 : NULL, err)) < 0)
            return rc;
    }
    if (!res->blocked && !keep) {
        stage_path(x, F_OUT, path, sizeof path);
        if ((rc = file_sha(path, res->sha256, err)) < 0)
            return rc;
    }
    for (i = 0; i < x->nchk; i++) {
        int e, ne = crtk_checker_edit_count(x->chk[i].c);
        for (e = 0; e < ne; e++) {
            char k[64 + 8];
            if (!x->chk[i].fails[e])
                continue;
            snprintf(k, sizeof k, "%.30s %.33s", crtk_checker_edit_tag(x->chk[i].c, e),
                     crtk_checker_edit_name(x->chk[i].c, e));
            if (crtk__counts_add(&x->rep.edit_fail, k, x->chk[i].fails[e]) < 0)
                return crtk__fail(err, CRTK_ENOMEM, "out of memory");
        }
    }
    res->values_unmappable = crtk__xform_unmappable(x->xform);
    {
        int n = crtk__xform_item_count(x->xform);
        for (i = 0; i < n; i++) {
            const crtk__xform_item *it = crtk__xform_item_at(x->xform, i);
            res->values_removed += it->removed_rt + it->removed_tier;
        }
    }
    x->rep.res = *res;
    x->rep.blocked = res->blocked;
    x->rep.output = x->names[F_OUT];
    x->rep.rejects = x->staged[F_REJ] ? x->names[F_REJ] : "";
    x->rep.changed = x->staged[F_CHG] ? x->names[F_CHG] : "";
    x->rep.sha256 = res->sha256;
    x->rep.batch = res->blocked ? 0 : x->batch;
    if (crtk__report_text(&x->rep, &b) < 0)
        rc = crtk__fail(err, CRTK_ENOMEM, "out of memory");
    if (rc == CRTK_OK)
        rc = write_text_file(x, F_TXT, &b, err);
    sb_clear(&b);
    if (rc == CRTK_OK && crtk__report_html(&x->rep, &b) < 0)
        rc = crtk__fail(err, CRTK_ENOMEM, "out of memory");
    if (rc == CRTK_OK)
        rc = write_text_file(x, F_HTML, &b, err);
    sb_free(&b);
    if (rc < 0)
        return rc;
    if (x->hist && !res->blocked) {
        rc = crtk__history_add_batch(x->hist, x->batch, x->time_gen, crtk_profile_name(x->p),
                                     x->names[F_OUT], res->sha256, res->written, err);
        for (f = F_TXT; rc == CRTK_OK && keep && f <= F_HTML; f++) {
            stage_path(x, f, path, sizeof path);
            rc = crtk__history_add_file(x->hist, x->batch, x->names[f], path, NULL, err);
        }
        if (rc < 0)
            return rc;
        res->batch = x->batch;
    }
    if ((rc = commit(x, err)) < 0)
        return rc;
    for (f = 0; f < MAX_STAGED; f++) {
        char *dst = f == F_OUT    ? res->output
                    : f == F_REJ  ? res->rejects
                    : f == F_TXT  ? res->report_text
                    : f == F_HTML ? res->report_html
                                  : res->changed;
        if (x->names[f][0] && (f != F_REJ || x->w_rej) && (f != F_CHG || x->w_chg))
            final_path(x, f, dst, sizeof res->output);
    }
    return CRTK_OK;
}

static int setup(xctx *x, const char *const *inputs, int ninputs, crtk_error *err)
{
    const crtk_export_opts *o = x->o;
    const char *out_dir = o->out_dir ? o->out_dir : ".";
    struct stat st;
    int rc, i;

    if ((rc = crtk__profile_config(x->p, &x->cfg, err)) < 0)
        return rc;
    if ((rc = clock_dates(x, err)) < 0)
        return rc;
    if (stat(out_dir, &st) != 0 || !S_ISDIR(st.st_mode))
        return xfail(err, CRTK_EIO, out_dir, "%s", "output folder does not exist");
    if ((rc = target_layout(x, err)) < 0)
        return rc;
    if (x->cfg.tier == TIER_DEIDENTIFIED && (rc = load_key(x, err)) < 0)
        return rc;
    if ((rc = load_edits(x, err)) < 0)
        return rc;
    if ((rc = crtk__filter_new(&x->filter, &x->cfg, o->where, atoi(x->today) / 10000, x->target,
                               err)) < 0)
        return rc;
    if ((rc = crtk__xform_new(&x->xform, &x->cfg, x->target, x->key, x->keylen, x->today, err)) < 0)
        return rc;
    /* History: --history, else the profile's (relative to the output folder). */
    if (o->history)
        crtk__copy(x->hist_path, sizeof x->hist_path, o->history);
    else if (x->cfg.history)
        snprintf(x->hist_path, sizeof x->hist_path, "%s%s%s",
                 x->cfg.history[0] == '/' ? "" : out_dir, x->cfg.history[0] == '/' ? "" : "/",
                 x->cfg.history);
    if (x->cfg.changed_rt && !o->since_last)
        return xfail(err, CRTK_EARG, crtk_profile_name(x->p), "%s",
                     "changed_record_type needs --since-last (changed is relative to the history)");
    if (o->since_last && !x->hist_path[0])
        return xfail(err, CRTK_EARG, crtk_profile_name(x->p), "%s",
                     "--since-last needs a history (--history FILE or the profile's history)");
    if (x->hist_path[0]) {
        x->hist_created = access(x->hist_path, F_OK) != 0;
        if ((rc = crtk__history_open(&x->hist, x->hist_path, true, err)) < 0)
            return rc;
        x->batch = crtk__history_next_batch(x->hist);
        if ((rc = crtk__history_begin(x->hist, err)) < 0)
            return rc;
    }
    if ((rc = expand_name(x, x->cfg.record_type, x->names[F_OUT], sizeof x->names[0], err)) < 0)
        return rc;
    derive(x->names[F_REJ], sizeof x->names[0], x->names[F_OUT], ".rejects", true);
    derive(x->names[F_TXT], sizeof x->names[0], x->names[F_OUT], ".report.txt", false);
    derive(x->names[F_HTML], sizeof x->names[0], x->names[F_OUT], ".report.html", false);
    if (x->cfg.changed_rt) {
        if ((rc = expand_name(x, x->cfg.changed_rt, x->names[F_CHG], sizeof x->names[0], err)) < 0)
            return rc;
        if (!strcmp(x->names[F_CHG], x->names[F_OUT]))
            derive(x->names[F_CHG], sizeof x->names[0], x->names[F_OUT], ".changed", true);
    }
    /* Never replace an earlier submission (same template, same day). */
    for (i = 0; i < MAX_STAGED; i++) {
        char path[1400];
        if (!x->names[i][0])
            continue;
        final_path(x, i, path, sizeof path);
        if (access(path, F_OK) == 0)
            return xfail(err, CRTK_EARG, path, "%s",
                         "already exists (an earlier export?): move it away, or put {seq} in "
                         "the profile's file_name");
    }
    snprintf(x->stage, sizeof x->stage, "%s/.crtk-export-XXXXXX", out_dir);
    if (!mkdtemp(x->stage)) {
        int e = errno;
        x->stage[0] = '\0';
        return xfail(err, CRTK_EIO, out_dir, "cannot write in the output folder: %s", strerror(e));
    }
    x->wopts.format = x->cfg.format;
    x->wopts.layout = x->target;
    x->wopts.record_type = x->cfg.record_type;
    x->wopts.filter_record_type = true;
    x->wopts.mode = o->mode;
    /* A file name ending in .gz is gzipped (NAACCR XML readers take gzip transparently). */
    x->wopts.gzip = strlen(x->names[F_OUT]) > 3 &&
                    !strcmp(x->names[F_OUT] + strlen(x->names[F_OUT]) - 3, ".gz");
    x->wopts.time_generated = x->cfg.format == CRTK_FORMAT_XML ? x->time_gen : NULL;
    x->wopts.user_uris = x->user_uris.len ? x->user_uris.s : NULL;
    x->wopts.spec_version = *crtk_layout_spec(x->base) ? crtk_layout_spec(x->base) : NULL;
    if (crtk_record_new(&x->sub) < 0 || crtk_record_new(&x->outrec) < 0)
        return crtk__fail(err, CRTK_ENOMEM, "out of memory");
    x->rep.profile = crtk_profile_name(x->p);
    x->rep.cfg = &x->cfg;
    x->rep.today = x->today;
    x->rep.time_generated = x->time_gen;
    x->rep.inputs = inputs;
    x->rep.ninputs = ninputs;
    x->rep.edit_set = x->cfg.edit_set;
    x->rep.xform = x->xform;
    x->rep.dst_layout = x->target;
    x->rep.target_layout = crtk_layout_name(x->target);
    return CRTK_OK;
}

int crtk_export_run(const crtk_profile *p,
                    crtk_layouts *ls,
                    const char *const *inputs,
                    int ninputs,
                    const crtk_export_opts *opts,
                    crtk_export_result *res,
                    crtk_error *err)
{
    crtk_writer_opts wi = CRTK_WRITER_OPTS_INIT;
    xctx *x;
    int rc, i;

    memset(res, 0, sizeof *res);
    if (!p || !ls || !opts || opts->version != CRTK_EXPORT_OPTS_VERSION || ninputs < 1)
        return crtk__fail(err, CRTK_EARG, "export needs a profile, options and inputs");
    x = calloc(1, sizeof *x);
    if (!x)
        return crtk__fail(err, CRTK_ENOMEM, "out of memory");
    x->p = p;
    x->o = opts;
    x->ls = ls;
    x->res = res;
    x->wopts = wi;
    rc = setup(x, inputs, ninputs, err);
    /* What setup refuses is the caller's choice (profile, options, edits), not input. */
    if (rc == CRTK_EPARSE || rc == CRTK_EINVALID || rc == CRTK_EUNSUPPORTED) {
        rc = CRTK_EARG;
        if (err)
            err->code = CRTK_EARG;
    }
    for (i = 0; rc == CRTK_OK && i < ninputs; i++)
        rc = read_input(x, inputs[i], err);
    if (rc == CRTK_OK)
        rc = finish(x, err);
    crtk_writer_free(x->w_out);
    crtk_writer_free(x->w_rej);
    crtk_writer_free(x->w_chg);
    cleanup_stage(x);
    if (x->hist) {
        crtk__history_rollback(x->hist);
        crtk__history_free(x->hist);
    }
    if ((rc < 0 || res->blocked) && x->hist_created && x->hist_path[0])
        unlink(x->hist_path);
    for (i = 0; i < x->nchk; i++) {
        crtk_check_state_free(x->chk[i].st);
        crtk_checker_free(x->chk[i].c);
        free(x->chk[i].fails);
    }
    crtk_editdb_free(x->db);
    crtk__filter_free(x->filter);
    crtk__xform_free(x->xform);
    crtk_record_free(x->sub);
    crtk_record_free(x->outrec);
    sb_free(&x->user_uris);
    sb_free(&x->keybuf);
    sb_free(&x->path);
    sb_free(&x->rep.failures);
    crtk__counts_free(&x->rep.not_rep);
    crtk__counts_free(&x->rep.by_year);
    crtk__counts_free(&x->rep.by_site);
    crtk__counts_free(&x->rep.by_class);
    crtk__counts_free(&x->rep.by_rt);
    crtk__counts_free(&x->rep.edit_fail);
    free(x->fail);
    free(x->chg);
    free(x->idx);
    memset(x->key, 0, sizeof x->key);
    free(x);
    if (rc < 0)
        memset(res, 0, sizeof *res);
    return rc;
}
