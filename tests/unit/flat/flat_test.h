/* flat_test.h - helpers shared by the flat/CSV/charset unit tests: a layouts fixture,
 * fixed-width line builders (NAACCR formats section 6.3 says to generate lines rather than
 * commit 4 KB fixtures), a finding collector, and small file helpers. */
#ifndef CRTK_FLAT_TEST_H
#define CRTK_FLAT_TEST_H

#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "crtk/crtk.h"

static crtk_layouts *LS;

static inline void layouts_setup(void)
{
    crtk_error err = CRTK_ERROR_INIT;
    ck_assert_msg(crtk_layouts_new(&LS, &err) == CRTK_OK, "layouts: %s", err.message);
}

static inline void layouts_teardown(void)
{
    crtk_layouts_free(LS);
    LS = NULL;
}

/* ---- findings ---- */

typedef struct tfinding {
    crtk_severity sev;
    char code[48];
    long line, column, patient;
    int tumor;
    char item[64];
    char msg[512];
} tfinding;

typedef struct tfindings {
    int n;
    tfinding f[256];
} tfindings;

static inline void collect(void *ctx, const crtk_finding *f)
{
    tfindings *fs = ctx;
    tfinding *t;

    if (fs->n >= (int)(sizeof fs->f / sizeof fs->f[0]))
        return;
    t = &fs->f[fs->n++];
    t->sev = f->severity;
    snprintf(t->code, sizeof t->code, "%s", f->code);
    t->line = f->line;
    t->column = f->column;
    t->patient = f->patient;
    t->tumor = f->tumor;
    snprintf(t->item, sizeof t->item, "%s", f->item);
    snprintf(t->msg, sizeof t->msg, "%s", f->message);
}

static inline int count_code(const tfindings *fs, const char *code, crtk_severity sev)
{
    int i, n = 0;

    for (i = 0; i < fs->n; i++)
        n += !strcmp(fs->f[i].code, code) && fs->f[i].sev == sev;
    return n;
}

static inline const tfinding *find_code(const tfindings *fs, const char *code)
{
    int i;

    for (i = 0; i < fs->n; i++)
        if (!strcmp(fs->f[i].code, code))
            return &fs->f[i];
    return NULL;
}

static inline int count_sev(const tfindings *fs, crtk_severity sev)
{
    int i, n = 0;

    for (i = 0; i < fs->n; i++)
        n += fs->f[i].sev == sev;
    return n;
}

static inline void dump_findings(const tfindings *fs)
{
    int i;

    for (i = 0; i < fs->n; i++)
        fprintf(stderr, "  %s %s line %ld col %ld p%ld t%d %s: %s\n",
                fs->f[i].sev == CRTK_SEV_ERROR ? "error" : "warning", fs->f[i].code, fs->f[i].line,
                fs->f[i].column, fs->f[i].patient, fs->f[i].tumor, fs->f[i].item, fs->f[i].msg);
}

/* ---- growable byte buffer ---- */

typedef struct tbuf {
    char *s;
    size_t len, cap;
} tbuf;

static inline void tb_add(tbuf *b, const void *p, size_t n)
{
    if (b->len + n + 1 > b->cap) {
        size_t nc = b->cap ? b->cap : 1024;
        while (nc < b->len + n + 1)
            nc *= 2;
        b->s = realloc(b->s, nc);
        ck_assert_ptr_nonnull(b->s);
        b->cap = nc;
    }
    memcpy(b->s + b->len, p, n);
    b->len += n;
    b->s[b->len] = '\0';
}

static inline void tb_adds(tbuf *b, const char *s)
{
    tb_add(b, s, strlen(s));
}

/* ---- fixed-width lines ---- */

/* A blank line of len characters with record type and version at columns 1 and 17-19. */
static inline char *blank_line(size_t len, char rt, const char *version)
{
    char *l = malloc(len + 1);

    ck_assert_ptr_nonnull(l);
    memset(l, ' ', len);
    l[len] = '\0';
    l[0] = rt;
    if (version && len >= 19)
        memcpy(l + 16, version, strlen(version) > 3 ? 3 : strlen(version));
    return l;
}

/* Write s at 1-based column col (ASCII only; the line must be long enough). */
static inline void put(char *line, int col, const char *s)
{
    memcpy(line + col - 1, s, strlen(s));
}

/* Write v left-justified into item id's field. */
static inline void put_item(const crtk_layout *l, char *line, const char *id, const char *v)
{
    const crtk_item *it = crtk_layout_find(l, id);

    ck_assert_msg(it != NULL, "no item %s", id);
    ck_assert_int_le((int)strlen(v), it->length);
    put(line, it->start, v);
}

/* The two v18 incidence lines of NAACCR formats section 6.3. */
static inline char *worked_line(int which)
{
    char *l = blank_line(4048, 'I', "180");

    put(l, 42, "00000123");
    put(l, 222, "2");
    put(l, 226, "19500315");
    if (which == 1) {
        put(l, 542, "01");
        put(l, 544, "20180412");
        put(l, 554, "C509");
        put(l, 564, "8500");
    } else {
        put(l, 542, "02");
        put(l, 544, "20200105");
        put(l, 554, "C189");
        put(l, 564, "8140");
    }
    put(l, 568, "3");
    return l;
}

/* ---- files ---- */

static char tmpdir_path[256];

static inline const char *tmp_path(const char *name)
{
    static char path[512];

    if (!tmpdir_path[0]) {
        snprintf(tmpdir_path, sizeof tmpdir_path, "/tmp/crtk-flat-test-XXXXXX");
        ck_assert_ptr_nonnull(mkdtemp(tmpdir_path));
    }
    snprintf(path, sizeof path, "%s/%s", tmpdir_path, name);
    return path;
}

static inline char *slurp(const char *path, size_t *len)
{
    FILE *fp = fopen(path, "rb");
    tbuf b = {NULL, 0, 0};
    char chunk[65536];
    size_t n;

    if (!fp)
        return NULL;
    while ((n = fread(chunk, 1, sizeof chunk, fp)) > 0)
        tb_add(&b, chunk, n);
    fclose(fp);
    if (!b.s)
        tb_add(&b, "", 0);
    *len = b.len;
    return b.s;
}

/* Value of item id in tumor t of rec ("" when absent). */
static inline const char *val(const crtk_record *rec, const char *id, int t)
{
    const crtk_item *it = crtk_layout_find(crtk_record_layout(rec), id);
    const char *v;

    ck_assert_msg(it != NULL, "no item %s", id);
    v = crtk_record_get(rec, it, t, NULL);
    return v ? v : "";
}

static inline crtk_reader_opts ropts(tfindings *fs, crtk_format fmt)
{
    crtk_reader_opts o = CRTK_READER_OPTS_INIT;

    o.format = fmt;
    o.on_finding = collect;
    o.finding_ctx = fs;
    return o;
}

#endif
