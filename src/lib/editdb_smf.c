/* editdb_smf.c - EDITS50 metafiles (SQLite) to and from the crtk_editdb model.
 * Reading is tolerant: tables and columns are found case-insensitively, unknown columns are
 * ignored and only EE_Edits is required; but every reference (pivot rows, MessagePKey,
 * AgencyPKey) must resolve, or the load fails naming the table and row. The database is
 * opened read-only with trusted_schema off, so a hostile file cannot run schema code.
 * Saving builds the database in memory, serializes it and writes it atomically. */
#include "editdb_internal.h"
#include "error_internal.h"
#include "io_internal.h"
#include "strbuf.h"

#include <errno.h>
#include <fcntl.h>
#include <sqlite3.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>
#include <unistd.h>

#ifdef FUZZING_BUILD_MODE_UNSAFE_FOR_PRODUCTION
#define PROGRESS_LIMIT 20000L /* progress callbacks (x1000 VM steps) before giving up */
#else
#define PROGRESS_LIMIT 50000000L
#endif

typedef struct ld {
    sqlite3 *sq;
    crtk_editdb *db;
    crtk_error *err;
    long progress;
} ld;

/* PKey -> element index, sorted by key for bsearch. */
typedef struct pk {
    long long key;
    size_t idx;
} pk;

typedef struct pkmap {
    pk *v;
    size_t n, cap;
} pkmap;

static int cmp_pk(const void *a, const void *b)
{
    long long x = ((const pk *)a)->key, y = ((const pk *)b)->key;
    return x < y ? -1 : x > y;
}

static int pk_add(pkmap *m, long long key, size_t idx)
{
    if (crtk__editdb_grow((void **)&m->v, &m->cap, m->n, sizeof *m->v) < 0)
        return CRTK_ENOMEM;
    m->v[m->n].key = key;
    m->v[m->n].idx = idx;
    m->n++;
    return CRTK_OK;
}

static int pk_sort(ld *L, pkmap *m, const char *table)
{
    if (m->n > 1)
        qsort(m->v, m->n, sizeof *m->v, cmp_pk);
    for (size_t i = 1; i < m->n; i++)
        if (m->v[i].key == m->v[i - 1].key)
            return crtk__fail(L->err, CRTK_EINVALID, "%s: PKey %lld appears twice", table,
                              m->v[i].key);
    return CRTK_OK;
}

static const pk *pk_find(const pkmap *m, long long key)
{
    pk k = {key, 0};
    return m->n ? bsearch(&k, m->v, m->n, sizeof k, cmp_pk) : NULL;
}

static int sq_status(ld *L, int src, const char *what)
{
    int code;

    switch (src & 0xff) {
    case SQLITE_NOMEM:
        code = CRTK_ENOMEM;
        break;
    case SQLITE_IOERR:
    case SQLITE_CANTOPEN:
    case SQLITE_PERM:
    case SQLITE_BUSY:
    case SQLITE_LOCKED:
        code = CRTK_EIO;
        break;
    case SQLITE_TOOBIG:
        code = CRTK_ELIMIT;
        break;
    case SQLITE_INTERRUPT:
        code = CRTK_ELIMIT;
        return crtk__fail(L->err, code, "%s: too much work for a metafile, gave up", what);
    default:
        code = CRTK_EPARSE;
        break;
    }
    return crtk__fail(L->err, code, "%s: %s", what, L->sq ? sqlite3_errmsg(L->sq) : "error");
}

static int progress_cb(void *p)
{
    ld *L = p;
    return ++L->progress > PROGRESS_LIMIT;
}

/* ---- reading helpers --------------------------------------------------------------------- */

static bool table_exists(ld *L, const char *name)
{
    sqlite3_stmt *st = NULL;
    bool found = false;

    if (sqlite3_prepare_v2(L->sq,
                           "SELECT 1 FROM sqlite_master WHERE type='table' AND name=?1 "
                           "COLLATE NOCASE",
                           -1, &st, NULL) != SQLITE_OK)
        return false;
    sqlite3_bind_text(st, 1, name, -1, SQLITE_STATIC);
    found = sqlite3_step(st) == SQLITE_ROW;
    sqlite3_finalize(st);
    return found;
}

/* Quote an SQL identifier into b ("x""y"). */
static int sb_ident(strbuf *b, const char *s)
{
    if (sb_addc(b, '"') < 0)
        return CRTK_ENOMEM;
    for (; *s; s++)
        if ((*s == '"' && sb_addc(b, '"') < 0) || sb_addc(b, *s) < 0)
            return CRTK_ENOMEM;
    return sb_addc(b, '"');
}

typedef struct query {
    sqlite3_stmt *st;
    const char *table;
    int col[12]; /* index of each wanted column, -1 if absent */
    int pkey;
} query;

/* SELECT * FROM table [ORDER BY PKey] and find the wanted columns case-insensitively. */
static int q_open(ld *L, query *q, const char *table, const char *const *want, int nwant)
{
    strbuf sql = STRBUF_INIT;
    int rc, ncol;

    memset(q, 0, sizeof *q);
    q->table = table;
    if (sb_adds(&sql, "SELECT * FROM ") < 0 || sb_ident(&sql, table) < 0) {
        sb_free(&sql);
        return crtk__fail(L->err, CRTK_ENOMEM, "out of memory");
    }
    rc = sqlite3_prepare_v2(L->sq, sql.s, -1, &q->st, NULL);
    if (rc != SQLITE_OK) {
        sb_free(&sql);
        return sq_status(L, rc, table);
    }
    ncol = sqlite3_column_count(q->st);
    q->pkey = -1;
    for (int i = 0; i < ncol; i++)
        if (!strcasecmp(sqlite3_column_name(q->st, i), "PKey"))
            q->pkey = i;
    for (int w = 0; w < nwant; w++) {
        q->col[w] = -1;
        for (int i = 0; i < ncol; i++)
            if (!strcasecmp(sqlite3_column_name(q->st, i), want[w])) {
                q->col[w] = i;
                break;
            }
    }
    if (q->pkey >= 0) {
        /* Pivot order and control item order are PKey order. */
        sqlite3_finalize(q->st);
        q->st = NULL;
        if (sb_adds(&sql, " ORDER BY ") < 0 || sb_ident(&sql, "PKey") < 0) {
            sb_free(&sql);
            return crtk__fail(L->err, CRTK_ENOMEM, "out of memory");
        }
        rc = sqlite3_prepare_v2(L->sq, sql.s, -1, &q->st, NULL);
        if (rc != SQLITE_OK) {
            sb_free(&sql);
            return sq_status(L, rc, table);
        }
    }
    sb_free(&sql);
    return CRTK_OK;
}

static void q_close(query *q)
{
    sqlite3_finalize(q->st);
    q->st = NULL;
}

/* Next row: 1, 0 at end, or a negative status. */
static int q_step(ld *L, query *q)
{
    int rc = sqlite3_step(q->st);

    if (rc == SQLITE_ROW)
        return 1;
    if (rc == SQLITE_DONE)
        return 0;
    return sq_status(L, rc, q->table);
}

/* Describe the current row for messages: "EE_Edits row PKey 12" (or row number). */
static void row_name(query *q, long rowno, char *buf, size_t cap)
{
    if (q->pkey >= 0 && sqlite3_column_type(q->st, q->pkey) != SQLITE_NULL)
        snprintf(buf, cap, "%s row PKey %lld", q->table, sqlite3_column_int64(q->st, q->pkey));
    else
        snprintf(buf, cap, "%s row %ld", q->table, rowno);
}

/* Copy a text cell (NULL or absent column -> ""). required: NULL is an error. */
static int cell_text(ld *L,
                     sqlite3_stmt *st,
                     int col,
                     const char *where,
                     const char *colname,
                     bool required,
                     char **out)
{
    const unsigned char *p;
    int n;

    *out = NULL;
    if (col < 0 || sqlite3_column_type(st, col) == SQLITE_NULL) {
        if (required)
            return crtk__fail(L->err, CRTK_EINVALID, "%s: %s is %s", where, colname,
                              col < 0 ? "missing" : "NULL");
        *out = strdup("");
        return *out ? CRTK_OK : crtk__fail(L->err, CRTK_ENOMEM, "out of memory");
    }
    p = sqlite3_column_text(st, col);
    n = sqlite3_column_bytes(st, col);
    if (!p)
        return crtk__fail(L->err, CRTK_ENOMEM, "out of memory");
    if (n < 0 || n > CRTK_EDITDB_MAX_TEXT)
        return crtk__fail(L->err, CRTK_ELIMIT, "%s: %s is longer than %ld bytes", where, colname,
                          (long)CRTK_EDITDB_MAX_TEXT);
    if (memchr(p, '\0', (size_t)n))
        return crtk__fail(L->err, CRTK_EINVALID, "%s: %s contains a NUL byte", where, colname);
    *out = crtk__editdb_strndup((const char *)p, (size_t)n);
    return *out ? CRTK_OK : crtk__fail(L->err, CRTK_ENOMEM, "out of memory");
}

/* Read an integer cell. Returns 1 if present, 0 if NULL/absent (then *out = 0). */
static int
cell_long(ld *L, sqlite3_stmt *st, int col, const char *where, const char *colname, long long *out)
{
    *out = 0;
    if (col < 0)
        return 0;
    switch (sqlite3_column_type(st, col)) {
    case SQLITE_NULL:
        return 0;
    case SQLITE_INTEGER:
        *out = sqlite3_column_int64(st, col);
        break;
    default: {
        const char *s = (const char *)sqlite3_column_text(st, col);
        char *end;
        long long v;
        if (!s)
            return crtk__fail(L->err, CRTK_ENOMEM, "out of memory");
        while (*s == ' ')
            s++;
        errno = 0;
        v = strtoll(s, &end, 10);
        while (*end == ' ')
            end++;
        if (end == s || *end || errno)
            return crtk__fail(L->err, CRTK_EINVALID, "%s: %s \"%.40s\" is not an integer", where,
                              colname, s);
        *out = v;
        break;
    }
    }
    if (*out < -2147483647LL || *out > 2147483647LL)
        return crtk__fail(L->err, CRTK_EINVALID, "%s: %s %lld is out of range", where, colname,
                          *out);
    return 1;
}

/* Required PKey of a row that others refer to. */
static int row_pkey(ld *L, query *q, const char *where, long long *out)
{
    int rc;

    if (q->pkey < 0)
        return crtk__fail(L->err, CRTK_EINVALID, "%s: the table has no PKey column", q->table);
    rc = cell_long(L, q->st, q->pkey, where, "PKey", out);
    if (rc == 0)
        return crtk__fail(L->err, CRTK_EINVALID, "%s: PKey is NULL", where);
    return rc < 0 ? rc : CRTK_OK;
}

/* ---- the EE_ tables -------------------------------------------------------------------- */

typedef struct maps {
    pkmap agencies, fields, messages, tables, sets, edits;
} maps;

static int load_control(ld *L)
{
    static const char *const want[] = {"ItemName", "ItemValue"};
    crtk_editdb *db = L->db;
    size_t cap = 0, cap2 = 0;
    query q;
    long rowno = 0;
    int rc;
    char where[128];

    if (!table_exists(L, "EE_Control"))
        return CRTK_OK;
    rc = q_open(L, &q, "EE_Control", want, 2);
    while (rc >= 0 && (rc = q_step(L, &q)) > 0) {
        char *name = NULL, *value = NULL;
        row_name(&q, ++rowno, where, sizeof where);
        rc = cell_text(L, q.st, q.col[0], where, "ItemName", true, &name);
        if (rc >= 0)
            rc = cell_text(L, q.st, q.col[1], where, "ItemValue", false, &value);
        if (rc >= 0 && (crtk__editdb_grow((void **)&db->control_names, &cap, db->ncontrol,
                                          sizeof(char *)) < 0 ||
                        crtk__editdb_grow((void **)&db->control_values, &cap2, db->ncontrol,
                                          sizeof(char *)) < 0))
            rc = crtk__fail(L->err, CRTK_ENOMEM, "out of memory");
        if (rc < 0) {
            free(name);
            free(value);
            break;
        }
        db->control_names[db->ncontrol] = name;
        db->control_values[db->ncontrol++] = value;
    }
    q_close(&q);
    return rc;
}

static int load_agencies(ld *L, maps *M)
{
    static const char *const want[] = {"AdminCode", "OrgName"};
    crtk_editdb *db = L->db;
    size_t cap = 0;
    query q;
    long rowno = 0;
    long long key = 0;
    int rc;
    char where[128];

    if (!table_exists(L, "EE_Agencies"))
        return CRTK_OK;
    rc = q_open(L, &q, "EE_Agencies", want, 2);
    while (rc >= 0 && (rc = q_step(L, &q)) > 0) {
        crtk_editdb_agency a = {NULL, NULL};
        row_name(&q, ++rowno, where, sizeof where);
        rc = row_pkey(L, &q, where, &key);
        if (rc >= 0)
            rc = cell_text(L, q.st, q.col[0], where, "AdminCode", true, &a.code);
        if (rc >= 0)
            rc = cell_text(L, q.st, q.col[1], where, "OrgName", false, &a.name);
        if (rc >= 0 &&
            (crtk__editdb_grow((void **)&db->agencies, &cap, db->nagencies, sizeof a) < 0 ||
             pk_add(&M->agencies, key, db->nagencies) < 0))
            rc = crtk__fail(L->err, CRTK_ENOMEM, "out of memory");
        if (rc < 0) {
            free(a.code);
            free(a.name);
            break;
        }
        db->agencies[db->nagencies++] = a;
    }
    q_close(&q);
    return rc < 0 ? rc : pk_sort(L, &M->agencies, "EE_Agencies");
}

static int load_fields(ld *L, maps *M)
{
    static const char *const want[] = {"FieldNumber", "FieldName", "LocalName", "FieldLength",
                                       "DataType"};
    crtk_editdb *db = L->db;
    size_t cap = 0;
    query q;
    long rowno = 0;
    long long key = 0, v = 0;
    int rc;
    char where[128];

    if (!table_exists(L, "EE_Fields"))
        return CRTK_OK;
    rc = q_open(L, &q, "EE_Fields", want, 5);
    while (rc >= 0 && (rc = q_step(L, &q)) > 0) {
        crtk_editdb_field f;
        memset(&f, 0, sizeof f);
        row_name(&q, ++rowno, where, sizeof where);
        rc = row_pkey(L, &q, where, &key);
        if (rc >= 0) {
            rc = cell_long(L, q.st, q.col[0], where, "FieldNumber", &v);
            if (rc == 0)
                rc = crtk__fail(L->err, CRTK_EINVALID, "%s: FieldNumber is NULL", where);
            f.number = (long)v;
        }
        if (rc >= 0)
            rc = cell_text(L, q.st, q.col[1], where, "FieldName", false, &f.name);
        if (rc >= 0)
            rc = cell_text(L, q.st, q.col[2], where, "LocalName", false, &f.local_name);
        if (rc >= 0) {
            rc = cell_long(L, q.st, q.col[3], where, "FieldLength", &v);
            f.length = (long)v;
        }
        if (rc >= 0)
            rc = cell_text(L, q.st, q.col[4], where, "DataType", false, &f.type);
        if (rc >= 0 && (crtk__editdb_grow((void **)&db->fields, &cap, db->nfields, sizeof f) < 0 ||
                        pk_add(&M->fields, key, db->nfields) < 0))
            rc = crtk__fail(L->err, CRTK_ENOMEM, "out of memory");
        if (rc < 0) {
            free(f.name);
            free(f.local_name);
            free(f.type);
            break;
        }
        db->fields[db->nfields++] = f;
    }
    q_close(&q);
    return rc < 0 ? rc : pk_sort(L, &M->fields, "EE_Fields");
}

static int load_messages(ld *L, maps *M)
{
    static const char *const want[] = {"MessageNumber", "Message", "MessageType"};
    crtk_editdb *db = L->db;
    size_t cap = 0;
    query q;
    long rowno = 0;
    long long key = 0, v = 0;
    int rc;
    char where[128];

    if (!table_exists(L, "EE_Messages"))
        return CRTK_OK;
    rc = q_open(L, &q, "EE_Messages", want, 3);
    while (rc >= 0 && (rc = q_step(L, &q)) > 0) {
        crtk_editdb_message m = {0, NULL, NULL};
        row_name(&q, ++rowno, where, sizeof where);
        rc = row_pkey(L, &q, where, &key);
        if (rc >= 0) {
            rc = cell_long(L, q.st, q.col[0], where, "MessageNumber", &v);
            if (rc == 0)
                rc = crtk__fail(L->err, CRTK_EINVALID, "%s: MessageNumber is NULL", where);
            else if (rc > 0 && v < 0)
                rc = crtk__fail(L->err, CRTK_EINVALID, "%s: MessageNumber %lld is negative", where,
                                v);
            m.number = (long)v;
        }
        if (rc >= 0)
            rc = cell_text(L, q.st, q.col[1], where, "Message", false, &m.text);
        if (rc >= 0)
            rc = cell_text(L, q.st, q.col[2], where, "MessageType", false, &m.type);
        if (rc >= 0 &&
            (crtk__editdb_grow((void **)&db->messages, &cap, db->nmessages, sizeof m) < 0 ||
             pk_add(&M->messages, key, db->nmessages) < 0))
            rc = crtk__fail(L->err, CRTK_ENOMEM, "out of memory");
        if (rc < 0) {
            free(m.text);
            free(m.type);
            break;
        }
        db->messages[db->nmessages++] = m;
    }
    q_close(&q);
    return rc < 0 ? rc : pk_sort(L, &M->messages, "EE_Messages");
}

/* Rows and indexes of one lookup table. */
static int load_table_data(ld *L, crtk_editdb_table *t)
{
    strbuf sql = STRBUF_INIT;
    sqlite3_stmt *st = NULL, *ix = NULL, *ic = NULL;
    size_t cap = 0, icap = 0, cellcap = 0;
    int rc = CRTK_OK, src, ncol;
    char where[160];
    const char *pkname;

    if (!table_exists(L, t->name))
        return crtk__fail_at(L->err, CRTK_EINVALID, 0, 0, t->name,
                             "EE_LookupTables names table \"%s\", which does not exist", t->name);
    if (sb_adds(&sql, "SELECT * FROM ") < 0 || sb_ident(&sql, t->name) < 0 ||
        sb_adds(&sql, " ORDER BY 1") < 0) {
        sb_free(&sql);
        return crtk__fail(L->err, CRTK_ENOMEM, "out of memory");
    }
    src = sqlite3_prepare_v2(L->sq, sql.s, -1, &st, NULL);
    sb_free(&sql);
    if (src != SQLITE_OK)
        return sq_status(L, src, t->name);
    ncol = sqlite3_column_count(st);
    if (ncol < 2) {
        rc = crtk__fail_at(L->err, CRTK_EINVALID, 0, 0, t->name,
                           "lookup table \"%s\" has no data columns", t->name);
        goto out;
    }
    pkname = sqlite3_column_name(st, 0);
    for (int c = 1; c < ncol; c++)
        if (crtk__editdb_push_str(&t->cols, &t->ncols, &cap, sqlite3_column_name(st, c)) < 0) {
            rc = crtk__fail(L->err, CRTK_ENOMEM, "out of memory");
            goto out;
        }
    while ((src = sqlite3_step(st)) == SQLITE_ROW) {
        snprintf(where, sizeof where, "lookup table %s row %zu", t->name, t->nrows + 1);
        for (int c = 1; c < ncol; c++) {
            char *cell = NULL;
            rc = crtk__editdb_grow((void **)&t->cells, &cellcap, t->nrows * t->ncols + (c - 1),
                                   sizeof *t->cells);
            if (rc < 0) {
                rc = crtk__fail(L->err, CRTK_ENOMEM, "out of memory");
                goto out;
            }
            rc = cell_text(L, st, c, where, t->cols[c - 1], false, &cell);
            if (rc < 0) {
                /* Drop the partial row so the table stays rectangular for clear(). */
                for (int d = 1; d < c; d++)
                    free(t->cells[t->nrows * t->ncols + (d - 1)]);
                goto out;
            }
            t->cells[t->nrows * t->ncols + (c - 1)] = cell;
        }
        t->nrows++;
    }
    if (src != SQLITE_DONE) {
        rc = sq_status(L, src, t->name);
        goto out;
    }

    /* Indexes created with CREATE INDEX (origin 'c') are the lookup keys. */
    src = sqlite3_prepare_v2(L->sq,
                             "SELECT name, \"unique\" FROM pragma_index_list(?1) "
                             "WHERE origin = 'c' ORDER BY name",
                             -1, &ix, NULL);
    if (src == SQLITE_OK)
        src = sqlite3_prepare_v2(L->sq, "SELECT name FROM pragma_index_info(?1) ORDER BY seqno", -1,
                                 &ic, NULL);
    if (src != SQLITE_OK) {
        rc = sq_status(L, src, t->name);
        goto out;
    }
    sqlite3_bind_text(ix, 1, t->name, -1, SQLITE_STATIC);
    while ((src = sqlite3_step(ix)) == SQLITE_ROW) {
        const char *iname = (const char *)sqlite3_column_text(ix, 0);
        editdb_index x;
        size_t ccap = 0;
        bool expr = false;

        if (!iname)
            continue;
        memset(&x, 0, sizeof x);
        x.unique = sqlite3_column_int(ix, 1) != 0;
        x.name = strdup(iname);
        if (!x.name) {
            rc = crtk__fail(L->err, CRTK_ENOMEM, "out of memory");
            goto out;
        }
        sqlite3_reset(ic);
        sqlite3_bind_text(ic, 1, x.name, -1, SQLITE_STATIC);
        while ((src = sqlite3_step(ic)) == SQLITE_ROW) {
            const char *cname = (const char *)sqlite3_column_text(ic, 0);
            if (!cname) {
                expr = true; /* an expression index is not a lookup key: skip it */
                continue;
            }
            if (!strcasecmp(cname, pkname))
                cname = "PKey";
            if (crtk__editdb_push_str(&x.cols, &x.ncols, &ccap, cname) < 0) {
                src = SQLITE_NOMEM;
                break;
            }
        }
        if (src != SQLITE_DONE || expr || !x.ncols ||
            crtk__editdb_grow((void **)&t->indexes, &icap, t->nindexes, sizeof x) < 0) {
            free(x.name);
            for (size_t i = 0; i < x.ncols; i++)
                free(x.cols[i]);
            free(x.cols);
            if (src == SQLITE_DONE && (expr || !x.ncols))
                continue;
            rc = src == SQLITE_DONE ? crtk__fail(L->err, CRTK_ENOMEM, "out of memory")
                                    : sq_status(L, src, t->name);
            goto out;
        }
        t->indexes[t->nindexes++] = x;
    }
    if (src != SQLITE_DONE)
        rc = sq_status(L, src, t->name);
out:
    sqlite3_finalize(ic);
    sqlite3_finalize(ix);
    sqlite3_finalize(st);
    return rc;
}

static int load_tables(ld *L, maps *M)
{
    static const char *const want[] = {"TableName", "Description"};
    crtk_editdb *db = L->db;
    size_t cap = 0;
    query q;
    long rowno = 0;
    long long key = 0;
    int rc;
    char where[128];

    if (!table_exists(L, "EE_LookupTables"))
        return CRTK_OK;
    rc = q_open(L, &q, "EE_LookupTables", want, 2);
    while (rc >= 0 && (rc = q_step(L, &q)) > 0) {
        crtk_editdb_table t;
        memset(&t, 0, sizeof t);
        row_name(&q, ++rowno, where, sizeof where);
        rc = row_pkey(L, &q, where, &key);
        if (rc >= 0)
            rc = cell_text(L, q.st, q.col[0], where, "TableName", true, &t.name);
        if (rc >= 0 && crtk__editdb_reserved_table(t.name))
            rc = crtk__fail(L->err, CRTK_EINVALID, "%s: TableName \"%s\" is reserved", where,
                            t.name);
        if (rc >= 0)
            rc = cell_text(L, q.st, q.col[1], where, "Description", false, &t.description);
        if (rc >= 0 && (crtk__editdb_grow((void **)&db->tables, &cap, db->ntables, sizeof t) < 0 ||
                        pk_add(&M->tables, key, db->ntables) < 0))
            rc = crtk__fail(L->err, CRTK_ENOMEM, "out of memory");
        if (rc < 0) {
            crtk__editdb_table_clear(&t);
            break;
        }
        db->tables[db->ntables++] = t;
    }
    q_close(&q);
    if (rc < 0)
        return rc;
    for (size_t i = 0; i < db->ntables; i++) {
        rc = load_table_data(L, &db->tables[i]);
        if (rc < 0)
            return rc;
    }
    return pk_sort(L, &M->tables, "EE_LookupTables");
}

static int load_sets(ld *L, maps *M)
{
    static const char *const want[] = {"EditSetTag", "EditSetName", "Description"};
    crtk_editdb *db = L->db;
    size_t cap = 0;
    query q;
    long rowno = 0;
    long long key = 0;
    int rc;
    char where[128];

    if (!table_exists(L, "EE_EditSets"))
        return CRTK_OK;
    rc = q_open(L, &q, "EE_EditSets", want, 3);
    while (rc >= 0 && (rc = q_step(L, &q)) > 0) {
        crtk_editdb_set s;
        memset(&s, 0, sizeof s);
        row_name(&q, ++rowno, where, sizeof where);
        rc = row_pkey(L, &q, where, &key);
        if (rc >= 0)
            rc = cell_text(L, q.st, q.col[0], where, "EditSetTag", true, &s.tag);
        if (rc >= 0)
            rc = cell_text(L, q.st, q.col[1], where, "EditSetName", false, &s.name);
        if (rc >= 0)
            rc = cell_text(L, q.st, q.col[2], where, "Description", false, &s.description);
        if (rc >= 0 && (crtk__editdb_grow((void **)&db->sets, &cap, db->nsets, sizeof s) < 0 ||
                        pk_add(&M->sets, key, db->nsets) < 0))
            rc = crtk__fail(L->err, CRTK_ENOMEM, "out of memory");
        if (rc < 0) {
            crtk__editdb_set_clear(&s);
            break;
        }
        db->sets[db->nsets++] = s;
    }
    q_close(&q);
    return rc < 0 ? rc : pk_sort(L, &M->sets, "EE_EditSets");
}

/* Resolve a reference column. NULL (or 0 with nothing at PKey 0) means "none": returns 0.
 * Found: 1 and *idx. Dangling: error. */
static int ref(ld *L,
               query *q,
               int col,
               const char *where,
               const char *colname,
               const pkmap *m,
               const char *target,
               bool required,
               size_t *idx)
{
    long long v;
    const pk *p;
    int rc = cell_long(L, q->st, col, where, colname, &v);

    if (rc < 0)
        return rc;
    if (rc == 0 && !required)
        return 0;
    if (rc == 0)
        return crtk__fail(L->err, CRTK_EINVALID, "%s: %s is %s", where, colname,
                          col < 0 ? "missing" : "NULL");
    p = pk_find(m, v);
    if (p) {
        *idx = p->idx;
        return 1;
    }
    if (v == 0 && !required)
        return 0;
    return crtk__fail(L->err, CRTK_EINVALID, "%s: %s %lld is not in %s", where, colname, v, target);
}

static int load_edits(ld *L, maps *M)
{
    static const char *const want[] = {"EditTag",     "EditName",  "AgencyPKey", "MessagePKey",
                                       "Description", "EditLogic", "AdminNotes", "LastModDate"};
    crtk_editdb *db = L->db;
    size_t cap = 0, idx;
    query q;
    long rowno = 0;
    long long key = 0;
    int rc;
    char where[128];

    if (!table_exists(L, "EE_Edits"))
        return crtk__fail(L->err, CRTK_EINVALID,
                          "not an EDITS metafile: table EE_Edits is missing");
    rc = q_open(L, &q, "EE_Edits", want, 8);
    while (rc >= 0 && (rc = q_step(L, &q)) > 0) {
        crtk_editdb_edit e;
        memset(&e, 0, sizeof e);
        e.message = -1;
        row_name(&q, ++rowno, where, sizeof where);
        rc = row_pkey(L, &q, where, &key);
        if (rc >= 0)
            rc = cell_text(L, q.st, q.col[0], where, "EditTag", true, &e.tag);
        if (rc >= 0 && L->err)
            crtk__copy(L->err->item, sizeof L->err->item, e.tag);
        if (rc >= 0)
            rc = cell_text(L, q.st, q.col[1], where, "EditName", false, &e.name);
        if (rc >= 0) {
            rc =
                ref(L, &q, q.col[2], where, "AgencyPKey", &M->agencies, "EE_Agencies", false, &idx);
            if (rc >= 0)
                e.agency = strdup(rc > 0 ? db->agencies[idx].code : "");
            if (rc >= 0 && !e.agency)
                rc = crtk__fail(L->err, CRTK_ENOMEM, "out of memory");
        }
        if (rc >= 0) {
            rc = ref(L, &q, q.col[3], where, "MessagePKey", &M->messages, "EE_Messages", false,
                     &idx);
            if (rc > 0)
                e.message = db->messages[idx].number;
        }
        if (rc >= 0)
            rc = cell_text(L, q.st, q.col[4], where, "Description", false, &e.description);
        if (rc >= 0)
            rc = cell_text(L, q.st, q.col[5], where, "EditLogic", true, &e.logic);
        if (rc >= 0)
            rc = cell_text(L, q.st, q.col[6], where, "AdminNotes", false, &e.admin_notes);
        if (rc >= 0)
            rc = cell_text(L, q.st, q.col[7], where, "LastModDate", false, &e.modified);
        if (rc >= 0 && (crtk__editdb_grow((void **)&db->edits, &cap, db->nedits, sizeof e) < 0 ||
                        pk_add(&M->edits, key, db->nedits) < 0))
            rc = crtk__fail(L->err, CRTK_ENOMEM, "out of memory");
        if (rc < 0) {
            crtk__editdb_edit_clear(&e);
            break;
        }
        db->edits[db->nedits++] = e;
    }
    q_close(&q);
    if (rc >= 0 && L->err)
        L->err->item[0] = '\0';
    return rc < 0 ? rc : pk_sort(L, &M->edits, "EE_Edits");
}

/* ---- pivots ---------------------------------------------------------------------------- */

typedef struct fref {
    size_t edit;
    long long order;
    size_t seq;
    long number;
} fref;

static int cmp_fref(const void *a, const void *b)
{
    const fref *x = a, *y = b;

    if (x->edit != y->edit)
        return x->edit < y->edit ? -1 : 1;
    if (x->order != y->order)
        return x->order < y->order ? -1 : 1;
    return x->seq < y->seq ? -1 : x->seq > y->seq;
}

static int load_fields_pivot(ld *L, maps *M)
{
    static const char *const want[] = {"EditPKey", "FieldPKey", "FieldOrder"};
    crtk_editdb *db = L->db;
    fref *v = NULL;
    size_t n = 0, cap = 0, eidx, fidx;
    query q;
    long rowno = 0;
    long long order;
    int rc;
    char where[128];

    if (!table_exists(L, "EE_EditFieldsPivot"))
        return CRTK_OK;
    rc = q_open(L, &q, "EE_EditFieldsPivot", want, 3);
    while (rc >= 0 && (rc = q_step(L, &q)) > 0) {
        row_name(&q, ++rowno, where, sizeof where);
        rc = ref(L, &q, q.col[0], where, "EditPKey", &M->edits, "EE_Edits", true, &eidx);
        if (rc >= 0)
            rc = ref(L, &q, q.col[1], where, "FieldPKey", &M->fields, "EE_Fields", true, &fidx);
        if (rc >= 0)
            rc = cell_long(L, q.st, q.col[2], where, "FieldOrder", &order);
        if (rc >= 0 && crtk__editdb_grow((void **)&v, &cap, n, sizeof *v) < 0)
            rc = crtk__fail(L->err, CRTK_ENOMEM, "out of memory");
        if (rc < 0)
            break;
        v[n].edit = eidx;
        v[n].order = order;
        v[n].seq = n;
        v[n].number = db->fields[fidx].number;
        n++;
    }
    q_close(&q);
    if (rc < 0)
        goto out;
    if (n > 1)
        qsort(v, n, sizeof *v, cmp_fref);
    for (size_t i = 0; i < n;) {
        crtk_editdb_edit *e = &db->edits[v[i].edit];
        size_t j = i;
        while (j < n && v[j].edit == v[i].edit)
            j++;
        e->field_numbers = calloc(j - i, sizeof *e->field_numbers);
        e->field_names = calloc(j - i, sizeof *e->field_names);
        if (!e->field_numbers || !e->field_names) {
            rc = crtk__fail(L->err, CRTK_ENOMEM, "out of memory");
            goto out;
        }
        /* Names are filled in by crtk__editdb_finish from the sorted fields. */
        for (size_t k = i; k < j; k++)
            e->field_numbers[e->nfields++] = v[k].number;
        i = j;
    }
out:
    free(v);
    return rc < 0 ? rc : CRTK_OK;
}

enum pivot_kind { PV_MESSAGES, PV_TABLES, PV_SETS, PV_ERRORS };

static int load_pivot(ld *L, maps *M, enum pivot_kind kind)
{
    static const char *const tables[] = {"EE_EditMessagesPivot", "EE_EditTablesPivot",
                                         "EE_EditSetEditsPivot", "EE_EditErrorsPivot"};
    static const char *const seconds[] = {"MessagePKey", "LookupTablePKey", "EditSetPKey",
                                          "ErrorText"};
    const char *table = tables[kind];
    const char *want[2] = {"EditPKey", seconds[kind]};
    crtk_editdb *db = L->db;
    size_t eidx, oidx;
    query q;
    long rowno = 0;
    int rc;
    char where[128];

    if (!table_exists(L, table))
        return CRTK_OK;
    rc = q_open(L, &q, table, want, 2);
    while (rc >= 0 && (rc = q_step(L, &q)) > 0) {
        crtk_editdb_edit *e;
        row_name(&q, ++rowno, where, sizeof where);
        rc = ref(L, &q, q.col[0], where, "EditPKey", &M->edits, "EE_Edits", true, &eidx);
        if (rc < 0)
            break;
        e = &db->edits[eidx];
        switch (kind) {
        case PV_MESSAGES: {
            size_t cap = e->nmessages; /* exact-size growth is fine for a handful */
            rc = ref(L, &q, q.col[1], where, "MessagePKey", &M->messages, "EE_Messages", true,
                     &oidx);
            if (rc >= 0 && crtk__editdb_grow((void **)&e->messages, &cap, e->nmessages,
                                             sizeof *e->messages) < 0)
                rc = crtk__fail(L->err, CRTK_ENOMEM, "out of memory");
            if (rc >= 0)
                e->messages[e->nmessages++] = db->messages[oidx].number;
            break;
        }
        case PV_TABLES: {
            size_t cap = e->ntables;
            rc = ref(L, &q, q.col[1], where, "LookupTablePKey", &M->tables, "EE_LookupTables", true,
                     &oidx);
            if (rc >= 0 &&
                crtk__editdb_push_str(&e->tables, &e->ntables, &cap, db->tables[oidx].name) < 0)
                rc = crtk__fail(L->err, CRTK_ENOMEM, "out of memory");
            break;
        }
        case PV_SETS: {
            crtk_editdb_set *s;
            size_t cap;
            rc = ref(L, &q, q.col[1], where, "EditSetPKey", &M->sets, "EE_EditSets", true, &oidx);
            if (rc < 0)
                break;
            s = &db->sets[oidx];
            cap = s->nedits;
            if (crtk__editdb_push_str(&s->edits, &s->nedits, &cap, e->tag) < 0)
                rc = crtk__fail(L->err, CRTK_ENOMEM, "out of memory");
            break;
        }
        case PV_ERRORS: {
            size_t cap = e->nerrors;
            char *text = NULL;
            rc = cell_text(L, q.st, q.col[1], where, "ErrorText", false, &text);
            if (rc >= 0 &&
                crtk__editdb_grow((void **)&e->errors, &cap, e->nerrors, sizeof *e->errors) < 0)
                rc = crtk__fail(L->err, CRTK_ENOMEM, "out of memory");
            if (rc < 0) {
                free(text);
                break;
            }
            e->errors[e->nerrors++] = text;
            break;
        }
        }
    }
    q_close(&q);
    return rc < 0 ? rc : CRTK_OK;
}

static int load_all(ld *L)
{
    maps M;
    int rc;

    memset(&M, 0, sizeof M);
    rc = load_control(L);
    if (rc >= 0)
        rc = load_agencies(L, &M);
    if (rc >= 0)
        rc = load_fields(L, &M);
    if (rc >= 0)
        rc = load_messages(L, &M);
    if (rc >= 0)
        rc = load_tables(L, &M);
    if (rc >= 0)
        rc = load_sets(L, &M);
    if (rc >= 0)
        rc = load_edits(L, &M);
    if (rc >= 0)
        rc = load_fields_pivot(L, &M);
    for (int k = PV_MESSAGES; rc >= 0 && k <= PV_ERRORS; k++)
        rc = load_pivot(L, &M, (enum pivot_kind)k);
    if (rc >= 0)
        rc = crtk__editdb_finish(L->db, L->err);
    free(M.agencies.v);
    free(M.fields.v);
    free(M.messages.v);
    free(M.tables.v);
    free(M.sets.v);
    free(M.edits.v);
    return rc;
}

static const char sqlite_magic[16] = "SQLite format 3";

static int harden(ld *L)
{
    int rc;

    sqlite3_db_config(L->sq, SQLITE_DBCONFIG_DEFENSIVE, 1, NULL);
    sqlite3_db_config(L->sq, SQLITE_DBCONFIG_TRUSTED_SCHEMA, 0, NULL);
    sqlite3_db_config(L->sq, SQLITE_DBCONFIG_ENABLE_TRIGGER, 0, NULL);
    sqlite3_db_config(L->sq, SQLITE_DBCONFIG_ENABLE_VIEW, 0, NULL);
    sqlite3_limit(L->sq, SQLITE_LIMIT_LENGTH, (int)(4 * CRTK_EDITDB_MAX_TEXT));
    sqlite3_progress_handler(L->sq, 1000, progress_cb, L);
    rc = sqlite3_exec(L->sq, "PRAGMA trusted_schema=OFF", NULL, NULL, NULL);
    return rc == SQLITE_OK ? CRTK_OK : sq_status(L, rc, "cannot configure SQLite");
}

static int load_common(crtk_editdb **out, ld *L)
{
    int rc;

    L->db = calloc(1, sizeof *L->db);
    if (!L->db)
        return crtk__fail(L->err, CRTK_ENOMEM, "out of memory");
    rc = harden(L);
    /* A file with the magic but a broken schema fails here with a clear message. */
    if (rc >= 0) {
        int src = sqlite3_exec(L->sq, "SELECT count(*) FROM sqlite_master", NULL, NULL, NULL);
        if (src != SQLITE_OK)
            rc = (src & 0xff) == SQLITE_NOTADB || (src & 0xff) == SQLITE_CORRUPT
                     ? crtk__fail(L->err, CRTK_EPARSE, "not a valid SQLite database: %s",
                                  sqlite3_errmsg(L->sq))
                     : sq_status(L, src, "cannot read the database");
    }
    if (rc >= 0)
        rc = load_all(L);
    if (rc < 0) {
        crtk_editdb_free(L->db);
        return rc;
    }
    *out = L->db;
    return CRTK_OK;
}

int crtk_editdb_load_smf(crtk_editdb **out, const char *path, crtk_error *err)
{
    ld L;
    struct stat st;
    char head[16];
    int fd, rc;
    ssize_t got;

    *out = NULL;
    memset(&L, 0, sizeof L);
    L.err = err;
    crtk_error_clear(err);
    crtk__error_source(err, path);
    fd = open(path, O_RDONLY | O_CLOEXEC);
    if (fd < 0 || fstat(fd, &st) < 0) {
        int e = errno;
        if (fd >= 0)
            close(fd);
        if (err)
            err->sys_errno = e;
        return crtk__fail(err, CRTK_EIO, "cannot open: %s", strerror(e));
    }
    if (!S_ISREG(st.st_mode)) {
        close(fd);
        return crtk__fail(err, CRTK_EIO, "not a regular file");
    }
    if (st.st_size > EDITDB_MAX_FILE) {
        close(fd);
        return crtk__fail(err, CRTK_ELIMIT, "metafile is %lld bytes, more than the %ld allowed",
                          (long long)st.st_size, (long)EDITDB_MAX_FILE);
    }
    got = read(fd, head, sizeof head);
    close(fd);
    if (got != (ssize_t)sizeof head || memcmp(head, sqlite_magic, sizeof head))
        return crtk__fail(err, CRTK_EPARSE, "not an SQLite database (EDITS50 metafile expected)");
    rc = sqlite3_open_v2(path, &L.sq, SQLITE_OPEN_READONLY, NULL);
    if (rc != SQLITE_OK) {
        rc = sq_status(&L, rc, "cannot open the database");
        sqlite3_close(L.sq);
        return rc;
    }
    rc = load_common(out, &L);
    sqlite3_close(L.sq);
    return rc;
}

int crtk_editdb_load_smf_mem(crtk_editdb **out, const void *bytes, size_t len, crtk_error *err)
{
    ld L;
    unsigned char *copy;
    int rc;

    *out = NULL;
    memset(&L, 0, sizeof L);
    L.err = err;
    crtk_error_clear(err);
    crtk__error_source(err, "<memory>");
    if (len > (size_t)EDITDB_MAX_FILE)
        return crtk__fail(err, CRTK_ELIMIT, "metafile is %zu bytes, more than the %ld allowed", len,
                          (long)EDITDB_MAX_FILE);
    if (len < 100 || memcmp(bytes, sqlite_magic, sizeof sqlite_magic))
        return crtk__fail(err, CRTK_EPARSE, "not an SQLite database (EDITS50 metafile expected)");
    rc = sqlite3_open_v2(":memory:", &L.sq, SQLITE_OPEN_READWRITE, NULL);
    if (rc != SQLITE_OK) {
        rc = sq_status(&L, rc, "cannot open an in-memory database");
        sqlite3_close(L.sq);
        return rc;
    }
    copy = sqlite3_malloc64(len);
    if (!copy) {
        sqlite3_close(L.sq);
        return crtk__fail(err, CRTK_ENOMEM, "out of memory");
    }
    memcpy(copy, bytes, len);
    /* FREEONCLOSE: SQLite owns copy from here on, also when deserialize fails. */
    rc = sqlite3_deserialize(L.sq, "main", copy, (sqlite3_int64)len, (sqlite3_int64)len,
                             SQLITE_DESERIALIZE_FREEONCLOSE | SQLITE_DESERIALIZE_READONLY);
    if (rc != SQLITE_OK) {
        rc = sq_status(&L, rc, "cannot load the database");
        sqlite3_close(L.sq);
        return rc;
    }
    rc = load_common(out, &L);
    sqlite3_close(L.sq);
    return rc;
}

/* ---- saving ---------------------------------------------------------------------------- */

static const char schema_sql[] =
    "CREATE TABLE EE_Control (PKey INTEGER PRIMARY KEY, ItemName TEXT, ItemValue TEXT);"
    "CREATE TABLE EE_Agencies (PKey INTEGER PRIMARY KEY, AdminCode TEXT, OrgName TEXT,"
    " LastModDate TEXT, Comments TEXT);"
    "CREATE TABLE EE_Fields (PKey INTEGER PRIMARY KEY, AgencyPKey INTEGER,"
    " FieldNumber INTEGER, FieldName TEXT, LocalName TEXT, FieldLength INTEGER,"
    " DataType TEXT, LastModDate TEXT, Comments TEXT);"
    "CREATE TABLE EE_Messages (PKey INTEGER PRIMARY KEY, AgencyPKey INTEGER,"
    " MessageNumber INTEGER, Message TEXT, MessageType TEXT, LastModDate TEXT);"
    "CREATE TABLE EE_EditSets (PKey INTEGER PRIMARY KEY, AgencyPKey INTEGER,"
    " EditSetTag TEXT, EditSetName TEXT, Description TEXT, LastModDate TEXT);"
    "CREATE TABLE EE_Edits (PKey INTEGER PRIMARY KEY, EditTag TEXT, EditName TEXT,"
    " AgencyPKey INTEGER, MessagePKey INTEGER, Description TEXT, EditLogic TEXT,"
    " AdminNotes TEXT, LastModDate TEXT);"
    "CREATE TABLE EE_LookupTables (PKey INTEGER PRIMARY KEY, AgencyPKey INTEGER,"
    " TableName TEXT, Description TEXT, RecCount INTEGER, LastModDate TEXT, Comments TEXT);"
    "CREATE TABLE EE_EditFieldsPivot (PKey INTEGER PRIMARY KEY, EditPKey INTEGER,"
    " FieldPKey INTEGER, FieldOrder INTEGER);"
    "CREATE TABLE EE_EditMessagesPivot (PKey INTEGER PRIMARY KEY, EditPKey INTEGER,"
    " MessagePKey INTEGER);"
    "CREATE TABLE EE_EditTablesPivot (PKey INTEGER PRIMARY KEY, EditPKey INTEGER,"
    " LookupTablePKey INTEGER);"
    "CREATE TABLE EE_EditSetEditsPivot (PKey INTEGER PRIMARY KEY, EditSetPKey INTEGER,"
    " EditPKey INTEGER);"
    "CREATE TABLE EE_EditErrorsPivot (PKey INTEGER PRIMARY KEY, EditPKey INTEGER,"
    " ErrorText TEXT);";

typedef struct sv {
    sqlite3 *sq;
    crtk_error *err;
} sv;

static int sv_fail(sv *S, int src, const char *what)
{
    int code = (src & 0xff) == SQLITE_NOMEM        ? CRTK_ENOMEM
               : (src & 0xff) == SQLITE_CONSTRAINT ? CRTK_EINVALID
                                                   : CRTK_EIO;
    return crtk__fail(S->err, code, "%s: %s", what, sqlite3_errmsg(S->sq));
}

/* Bind "" as NULL for optional texts, which is how metafiles store absent values. */
static void bind_opt(sqlite3_stmt *st, int i, const char *s)
{
    if (s && *s)
        sqlite3_bind_text(st, i, s, -1, SQLITE_STATIC);
    else
        sqlite3_bind_null(st, i);
}

/* Run st (bound by the caller) once and reset it. */
static int run(sv *S, sqlite3_stmt *st, const char *what)
{
    int rc = sqlite3_step(st);

    sqlite3_reset(st);
    sqlite3_clear_bindings(st);
    return rc == SQLITE_DONE ? CRTK_OK : sv_fail(S, rc, what);
}

static int prep(sv *S, const char *sql, sqlite3_stmt **st)
{
    int rc = sqlite3_prepare_v2(S->sq, sql, -1, st, NULL);
    return rc == SQLITE_OK ? CRTK_OK : sv_fail(S, rc, "cannot prepare");
}

static long long index_of_field(const crtk_editdb *db, long number)
{
    const crtk_editdb_field *f = crtk_editdb_find_field(db, number);
    return f ? (long long)(f - db->fields) + 1 : 0;
}

static long long index_of_message(const crtk_editdb *db, long number)
{
    const crtk_editdb_message *m = crtk_editdb_find_message(db, number);
    return m ? (long long)(m - db->messages) + 1 : 0;
}

static int save_table(sv *S, const crtk_editdb_table *t)
{
    strbuf sql = STRBUF_INIT;
    sqlite3_stmt *st = NULL;
    int rc = CRTK_OK, src;

    if (sb_adds(&sql, "CREATE TABLE ") < 0 || sb_ident(&sql, t->name) < 0 ||
        sb_adds(&sql, " (\"PKey\" INTEGER PRIMARY KEY") < 0)
        goto nomem;
    /* VARCHAR: TEXT affinity, and a type other metafile readers accept. */
    for (size_t c = 0; c < t->ncols; c++)
        if (sb_adds(&sql, ", ") < 0 || sb_ident(&sql, t->cols[c]) < 0 ||
            sb_adds(&sql, " VARCHAR") < 0)
            goto nomem;
    if (sb_adds(&sql, ")") < 0)
        goto nomem;
    src = sqlite3_exec(S->sq, sql.s, NULL, NULL, NULL);
    if (src != SQLITE_OK) {
        rc = sv_fail(S, src, t->name);
        goto out;
    }
    sb_clear(&sql);
    if (sb_adds(&sql, "INSERT INTO ") < 0 || sb_ident(&sql, t->name) < 0 ||
        sb_adds(&sql, " VALUES (?") < 0)
        goto nomem;
    for (size_t c = 0; c < t->ncols; c++)
        if (sb_adds(&sql, ", ?") < 0)
            goto nomem;
    if (sb_adds(&sql, ")") < 0)
        goto nomem;
    rc = prep(S, sql.s, &st);
    for (size_t r = 0; rc >= 0 && r < t->nrows; r++) {
        sqlite3_bind_int64(st, 1, (sqlite3_int64)r + 1);
        for (size_t c = 0; c < t->ncols; c++)
            sqlite3_bind_text(st, (int)c + 2, t->cells[r * t->ncols + c], -1, SQLITE_STATIC);
        rc = run(S, st, t->name);
    }
    for (size_t x = 0; rc >= 0 && x < t->nindexes; x++) {
        const editdb_index *ix = &t->indexes[x];
        sb_clear(&sql);
        if (sb_adds(&sql, ix->unique ? "CREATE UNIQUE INDEX " : "CREATE INDEX ") < 0 ||
            sb_ident(&sql, ix->name) < 0 || sb_adds(&sql, " ON ") < 0 ||
            sb_ident(&sql, t->name) < 0 || sb_adds(&sql, " (") < 0)
            goto nomem;
        for (size_t c = 0; c < ix->ncols; c++)
            if ((c && sb_adds(&sql, ", ") < 0) || sb_ident(&sql, ix->cols[c]) < 0)
                goto nomem;
        if (sb_adds(&sql, ")") < 0)
            goto nomem;
        src = sqlite3_exec(S->sq, sql.s, NULL, NULL, NULL);
        if (src != SQLITE_OK) {
            rc = crtk__fail_at(S->err, (src & 0xff) == SQLITE_NOMEM ? CRTK_ENOMEM : CRTK_EINVALID,
                               0, 0, t->name, "lookup table %s: cannot create index %s: %s",
                               t->name, ix->name, sqlite3_errmsg(S->sq));
            goto out;
        }
    }
    goto out;
nomem:
    rc = crtk__fail(S->err, CRTK_ENOMEM, "out of memory");
out:
    sqlite3_finalize(st);
    sb_free(&sql);
    return rc;
}

static int save_all(sv *S, const crtk_editdb *db)
{
    enum { CTL, AGE, FLD, MSG, SET, EDT, LKT, PFD, PMS, PTB, PSE, PER, NST };
    static const char *const sql[NST] = {
        "INSERT INTO EE_Control VALUES (?1, ?2, ?3)",
        "INSERT INTO EE_Agencies (PKey, AdminCode, OrgName) VALUES (?1, ?2, ?3)",
        "INSERT INTO EE_Fields (PKey, FieldNumber, FieldName, LocalName, FieldLength, DataType)"
        " VALUES (?1, ?2, ?3, ?4, ?5, ?6)",
        "INSERT INTO EE_Messages (PKey, MessageNumber, Message, MessageType)"
        " VALUES (?1, ?2, ?3, ?4)",
        "INSERT INTO EE_EditSets (PKey, EditSetTag, EditSetName, Description)"
        " VALUES (?1, ?2, ?3, ?4)",
        "INSERT INTO EE_Edits VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9)",
        "INSERT INTO EE_LookupTables (PKey, TableName, Description, RecCount)"
        " VALUES (?1, ?2, ?3, ?4)",
        "INSERT INTO EE_EditFieldsPivot (EditPKey, FieldPKey, FieldOrder) VALUES (?1, ?2, ?3)",
        "INSERT INTO EE_EditMessagesPivot (EditPKey, MessagePKey) VALUES (?1, ?2)",
        "INSERT INTO EE_EditTablesPivot (EditPKey, LookupTablePKey) VALUES (?1, ?2)",
        "INSERT INTO EE_EditSetEditsPivot (EditSetPKey, EditPKey) VALUES (?1, ?2)",
        "INSERT INTO EE_EditErrorsPivot (EditPKey, ErrorText) VALUES (?1, ?2)",
    };
    sqlite3_stmt *st[NST] = {NULL};
    int rc, src;

    src = sqlite3_exec(S->sq, schema_sql, NULL, NULL, NULL);
    if (src != SQLITE_OK)
        return sv_fail(S, src, "cannot create the schema");
    src = sqlite3_exec(S->sq, "BEGIN", NULL, NULL, NULL);
    if (src != SQLITE_OK)
        return sv_fail(S, src, "cannot begin");
    rc = CRTK_OK;
    for (int i = 0; rc >= 0 && i < NST; i++)
        rc = prep(S, sql[i], &st[i]);
    for (size_t i = 0; rc >= 0 && i < db->ncontrol; i++) {
        sqlite3_bind_int64(st[CTL], 1, (sqlite3_int64)i + 1);
        sqlite3_bind_text(st[CTL], 2, db->control_names[i], -1, SQLITE_STATIC);
        bind_opt(st[CTL], 3, db->control_values[i]);
        rc = run(S, st[CTL], "EE_Control");
    }
    for (size_t i = 0; rc >= 0 && i < db->nagencies; i++) {
        sqlite3_bind_int64(st[AGE], 1, (sqlite3_int64)i + 1);
        sqlite3_bind_text(st[AGE], 2, db->agencies[i].code, -1, SQLITE_STATIC);
        bind_opt(st[AGE], 3, db->agencies[i].name);
        rc = run(S, st[AGE], "EE_Agencies");
    }
    for (size_t i = 0; rc >= 0 && i < db->nfields; i++) {
        const crtk_editdb_field *f = &db->fields[i];
        sqlite3_bind_int64(st[FLD], 1, (sqlite3_int64)i + 1);
        sqlite3_bind_int64(st[FLD], 2, f->number);
        bind_opt(st[FLD], 3, f->name);
        bind_opt(st[FLD], 4, f->local_name);
        sqlite3_bind_int64(st[FLD], 5, f->length);
        bind_opt(st[FLD], 6, f->type);
        rc = run(S, st[FLD], "EE_Fields");
    }
    for (size_t i = 0; rc >= 0 && i < db->nmessages; i++) {
        const crtk_editdb_message *m = &db->messages[i];
        sqlite3_bind_int64(st[MSG], 1, (sqlite3_int64)i + 1);
        sqlite3_bind_int64(st[MSG], 2, m->number);
        bind_opt(st[MSG], 3, m->text);
        bind_opt(st[MSG], 4, m->type);
        rc = run(S, st[MSG], "EE_Messages");
    }
    for (size_t i = 0; rc >= 0 && i < db->ntables; i++) {
        const crtk_editdb_table *t = &db->tables[i];
        sqlite3_bind_int64(st[LKT], 1, (sqlite3_int64)i + 1);
        sqlite3_bind_text(st[LKT], 2, t->name, -1, SQLITE_STATIC);
        bind_opt(st[LKT], 3, t->description);
        sqlite3_bind_int64(st[LKT], 4, (sqlite3_int64)t->nrows);
        rc = run(S, st[LKT], "EE_LookupTables");
        if (rc >= 0)
            rc = save_table(S, t);
    }
    for (size_t i = 0; rc >= 0 && i < db->nedits; i++) {
        const crtk_editdb_edit *e = &db->edits[i];
        const crtk_editdb_agency *a = *e->agency ? crtk_editdb_find_agency(db, e->agency) : NULL;
        sqlite3_int64 pk = (sqlite3_int64)i + 1;

        sqlite3_bind_int64(st[EDT], 1, pk);
        sqlite3_bind_text(st[EDT], 2, e->tag, -1, SQLITE_STATIC);
        bind_opt(st[EDT], 3, e->name);
        if (a)
            sqlite3_bind_int64(st[EDT], 4, (sqlite3_int64)(a - db->agencies) + 1);
        if (e->message >= 0)
            sqlite3_bind_int64(st[EDT], 5, index_of_message(db, e->message));
        bind_opt(st[EDT], 6, e->description);
        sqlite3_bind_text(st[EDT], 7, e->logic, -1, SQLITE_STATIC);
        bind_opt(st[EDT], 8, e->admin_notes);
        bind_opt(st[EDT], 9, e->modified);
        rc = run(S, st[EDT], "EE_Edits");
        for (size_t j = 0; rc >= 0 && j < e->nfields; j++) {
            sqlite3_bind_int64(st[PFD], 1, pk);
            sqlite3_bind_int64(st[PFD], 2, index_of_field(db, e->field_numbers[j]));
            sqlite3_bind_int64(st[PFD], 3, (sqlite3_int64)j + 1);
            rc = run(S, st[PFD], "EE_EditFieldsPivot");
        }
        for (size_t j = 0; rc >= 0 && j < e->nmessages; j++) {
            sqlite3_bind_int64(st[PMS], 1, pk);
            sqlite3_bind_int64(st[PMS], 2, index_of_message(db, e->messages[j]));
            rc = run(S, st[PMS], "EE_EditMessagesPivot");
        }
        for (size_t j = 0; rc >= 0 && j < e->ntables; j++) {
            const crtk_editdb_table *t = crtk_editdb_find_table(db, e->tables[j]);
            sqlite3_bind_int64(st[PTB], 1, pk);
            sqlite3_bind_int64(st[PTB], 2, t ? (sqlite3_int64)(t - db->tables) + 1 : 0);
            rc = run(S, st[PTB], "EE_EditTablesPivot");
        }
        for (size_t j = 0; rc >= 0 && j < e->nerrors; j++) {
            sqlite3_bind_int64(st[PER], 1, pk);
            bind_opt(st[PER], 2, e->errors[j]);
            rc = run(S, st[PER], "EE_EditErrorsPivot");
        }
    }
    for (size_t i = 0; rc >= 0 && i < db->nsets; i++) {
        const crtk_editdb_set *s = &db->sets[i];
        sqlite3_bind_int64(st[SET], 1, (sqlite3_int64)i + 1);
        sqlite3_bind_text(st[SET], 2, s->tag, -1, SQLITE_STATIC);
        bind_opt(st[SET], 3, s->name);
        bind_opt(st[SET], 4, s->description);
        rc = run(S, st[SET], "EE_EditSets");
        for (size_t j = 0; rc >= 0 && j < s->nedits; j++) {
            const crtk_editdb_edit *e = crtk_editdb_find_edit(db, s->edits[j]);
            sqlite3_bind_int64(st[PSE], 1, (sqlite3_int64)i + 1);
            sqlite3_bind_int64(st[PSE], 2, e ? (sqlite3_int64)(e - db->edits) + 1 : 0);
            rc = run(S, st[PSE], "EE_EditSetEditsPivot");
        }
    }
    for (int i = 0; i < NST; i++)
        sqlite3_finalize(st[i]);
    if (rc >= 0) {
        src = sqlite3_exec(S->sq, "COMMIT", NULL, NULL, NULL);
        if (src != SQLITE_OK)
            rc = sv_fail(S, src, "cannot commit");
    }
    return rc;
}

int crtk_editdb_save_smf(const crtk_editdb *db, const char *path, crtk_error *err)
{
    sv S = {NULL, err};
    crtk__out o;
    unsigned char *bytes = NULL;
    sqlite3_int64 size = 0;
    int rc;

    crtk_error_clear(err);
    crtk__error_source(err, path);
    if (!db || !path || !*path || !strcmp(path, "-"))
        return crtk__fail(err, CRTK_EARG, "save_smf needs a model and a file name");
    rc = sqlite3_open_v2(":memory:", &S.sq, SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE, NULL);
    if (rc != SQLITE_OK) {
        sqlite3_close(S.sq);
        return crtk__fail(err, CRTK_ENOMEM, "cannot open an in-memory database");
    }
    rc = save_all(&S, db);
    if (rc >= 0) {
        bytes = sqlite3_serialize(S.sq, "main", &size, 0);
        if (!bytes)
            rc = crtk__fail(err, CRTK_ENOMEM, "cannot serialize the database");
    }
    sqlite3_close(S.sq);
    if (rc < 0)
        return rc;
    rc = crtk__out_open(&o, path, false, 0600, err);
    if (rc >= 0)
        rc = crtk__out_write(&o, bytes, (size_t)size, err);
    if (rc >= 0)
        rc = crtk__out_close(&o, err);
    crtk__out_discard(&o);
    sqlite3_free(bytes);
    return rc < 0 ? rc : CRTK_OK;
}
