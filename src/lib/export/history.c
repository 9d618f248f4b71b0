/* history.c - the export history, an SQLite database: one row per batch (time, profile,
 * output, SHA-256, tumors), one per exported tumor (key, content hash) for --since-last,
 * and the batch's files themselves (deflated, in 1 MiB chunks) so a past batch can be made
 * again byte for byte. A batch is added in one transaction, committed by the export only
 * when every file is in place. */
#include "export_internal.h"
#include "error_internal.h"
#include "io_internal.h"

#include <errno.h>
#include <fcntl.h>
#include <sqlite3.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include <zlib.h>

#define CHUNK (1u << 20)

struct crtk__history {
    sqlite3 *db;
    sqlite3_stmt *q_unchanged, *q_tumor;
    bool in_tx;
    char path[1024];
};

static const char schema[] =
    "CREATE TABLE IF NOT EXISTS batches(id INTEGER PRIMARY KEY, time TEXT NOT NULL,"
    " profile TEXT NOT NULL, output TEXT NOT NULL, sha256 TEXT NOT NULL,"
    " tumors INTEGER NOT NULL);"
    "CREATE TABLE IF NOT EXISTS tumors(batch INTEGER NOT NULL, key TEXT NOT NULL,"
    " hash TEXT NOT NULL);"
    "CREATE INDEX IF NOT EXISTS tumors_key ON tumors(key, batch);"
    "CREATE TABLE IF NOT EXISTS files(batch INTEGER NOT NULL, name TEXT NOT NULL,"
    " seq INTEGER NOT NULL, size INTEGER NOT NULL, data BLOB NOT NULL,"
    " PRIMARY KEY(batch, name, seq));";

static int dbfail(crtk__history *h, crtk_error *err, const char *what)
{
    crtk__error_source(err, h->path);
    return crtk__fail(err, CRTK_EIO, "history: %s: %s", what, sqlite3_errmsg(h->db));
}

void crtk__history_free(crtk__history *h)
{
    if (!h)
        return;
    if (h->in_tx)
        crtk__history_rollback(h);
    sqlite3_finalize(h->q_unchanged);
    sqlite3_finalize(h->q_tumor);
    sqlite3_close(h->db);
    free(h);
}

int crtk__history_open(crtk__history **out, const char *path, bool create, crtk_error *err)
{
    crtk__history *h;
    int fd;

    *out = NULL;
    crtk__error_source(err, path);
    if (create) {
        /* SQLite would create the file with the umask's mode; PHI files are 0600. */
        fd = open(path, O_RDWR | O_CREAT | O_CLOEXEC, 0600);
        if (fd < 0) {
            if (err)
                err->sys_errno = errno;
            return crtk__fail(err, CRTK_EIO, "cannot open history: %s", strerror(errno));
        }
        close(fd);
    } else if (access(path, R_OK) != 0) {
        if (err)
            err->sys_errno = errno;
        return crtk__fail(err, CRTK_EIO, "cannot open history: %s", strerror(errno));
    }
    h = calloc(1, sizeof *h);
    if (!h)
        return crtk__fail(err, CRTK_ENOMEM, "out of memory");
    crtk__copy(h->path, sizeof h->path, path);
    if (sqlite3_open_v2(path, &h->db, create ? SQLITE_OPEN_READWRITE : SQLITE_OPEN_READONLY,
                        NULL) != SQLITE_OK ||
        /* another export of the same history waits for this one, up to a minute */
        sqlite3_busy_timeout(h->db, 60000) != SQLITE_OK ||
        (create && sqlite3_exec(h->db, schema, NULL, NULL, NULL) != SQLITE_OK) ||
        sqlite3_prepare_v2(h->db,
                           "SELECT t.hash FROM tumors t JOIN batches b ON b.id = t.batch"
                           " WHERE t.key = ?1 AND b.profile = ?2 ORDER BY t.batch DESC LIMIT 1",
                           -1, &h->q_unchanged, NULL) != SQLITE_OK) {
        int rc = dbfail(h, err, h->db ? "not an export history" : "cannot open");
        crtk__history_free(h);
        return rc;
    }
    *out = h;
    return CRTK_OK;
}

int crtk__history_unchanged(
    crtk__history *h, const char *profile, const char *key, const char *hash, crtk_error *err)
{
    int rc, same = 0;

    sqlite3_reset(h->q_unchanged);
    sqlite3_bind_text(h->q_unchanged, 1, key, -1, SQLITE_TRANSIENT);
    sqlite3_bind_text(h->q_unchanged, 2, profile, -1, SQLITE_TRANSIENT);
    rc = sqlite3_step(h->q_unchanged);
    if (rc == SQLITE_ROW)
        same = strcmp((const char *)sqlite3_column_text(h->q_unchanged, 0), hash) ? 2 : 1;
    else if (rc != SQLITE_DONE)
        return dbfail(h, err, "lookup");
    sqlite3_reset(h->q_unchanged);
    return same;
}

long crtk__history_next_batch(crtk__history *h)
{
    sqlite3_stmt *st;
    long id = 1;

    if (sqlite3_prepare_v2(h->db, "SELECT COALESCE(MAX(id), 0) + 1 FROM batches", -1, &st, NULL) ==
        SQLITE_OK) {
        if (sqlite3_step(st) == SQLITE_ROW)
            id = (long)sqlite3_column_int64(st, 0);
        sqlite3_finalize(st);
    }
    return id;
}

int crtk__history_begin(crtk__history *h, crtk_error *err)
{
    if (sqlite3_exec(h->db, "BEGIN IMMEDIATE", NULL, NULL, NULL) != SQLITE_OK)
        return dbfail(h, err, "begin");
    h->in_tx = true;
    if (sqlite3_prepare_v2(h->db, "INSERT INTO tumors(batch, key, hash) VALUES(?1, ?2, ?3)", -1,
                           &h->q_tumor, NULL) != SQLITE_OK)
        return dbfail(h, err, "prepare");
    return CRTK_OK;
}

int crtk__history_add_tumor(
    crtk__history *h, long batch, const char *key, const char *hash, crtk_error *err)
{
    sqlite3_reset(h->q_tumor);
    sqlite3_bind_int64(h->q_tumor, 1, batch);
    sqlite3_bind_text(h->q_tumor, 2, key, -1, SQLITE_TRANSIENT);
    sqlite3_bind_text(h->q_tumor, 3, hash, -1, SQLITE_TRANSIENT);
    if (sqlite3_step(h->q_tumor) != SQLITE_DONE)
        return dbfail(h, err, "insert");
    return CRTK_OK;
}

int crtk__history_add_batch(crtk__history *h,
                            long batch,
                            const char *time,
                            const char *profile,
                            const char *output,
                            const char *sha256,
                            long tumors,
                            crtk_error *err)
{
    sqlite3_stmt *st;
    int rc;

    if (sqlite3_prepare_v2(h->db,
                           "INSERT INTO batches(id, time, profile, output, sha256, tumors)"
                           " VALUES(?1, ?2, ?3, ?4, ?5, ?6)",
                           -1, &st, NULL) != SQLITE_OK)
        return dbfail(h, err, "prepare");
    sqlite3_bind_int64(st, 1, batch);
    sqlite3_bind_text(st, 2, time, -1, SQLITE_TRANSIENT);
    sqlite3_bind_text(st, 3, profile, -1, SQLITE_TRANSIENT);
    sqlite3_bind_text(st, 4, output, -1, SQLITE_TRANSIENT);
    sqlite3_bind_text(st, 5, sha256, -1, SQLITE_TRANSIENT);
    sqlite3_bind_int64(st, 6, tumors);
    rc = sqlite3_step(st) == SQLITE_DONE ? CRTK_OK : dbfail(h, err, "insert batch");
    sqlite3_finalize(st);
    return rc;
}

int crtk__history_add_file(
    crtk__history *h, long batch, const char *name, const char *path, char *sha, crtk_error *err)
{
    sqlite3_stmt *st = NULL;
    crtk__sha256 c;
    unsigned char *raw = NULL, *z = NULL, d[32];
    uLongf zcap = compressBound(CHUNK);
    int fd = -1, rc = CRTK_OK;
    long seq = 0;

    crtk__sha256_init(&c);
    raw = malloc(CHUNK);
    z = malloc(zcap);
    if (!raw || !z) {
        rc = crtk__fail(err, CRTK_ENOMEM, "out of memory");
        goto out;
    }
    fd = open(path, O_RDONLY | O_CLOEXEC);
    if (fd < 0) {
        crtk__error_source(err, path);
        rc = crtk__fail(err, CRTK_EIO, "cannot read back: %s", strerror(errno));
        goto out;
    }
    if (sqlite3_prepare_v2(h->db,
                           "INSERT INTO files(batch, name, seq, size, data)"
                           " VALUES(?1, ?2, ?3, ?4, ?5)",
                           -1, &st, NULL) != SQLITE_OK) {
        rc = dbfail(h, err, "prepare");
        goto out;
    }
    for (;;) {
        size_t got = 0;
        uLongf zlen = zcap;
        while (got < CHUNK) {
            ssize_t r = read(fd, raw + got, CHUNK - got);
            if (r < 0 && errno == EINTR)
                continue;
            if (r < 0) {
                crtk__error_source(err, path);
                rc = crtk__fail(err, CRTK_EIO, "cannot read back: %s", strerror(errno));
                goto out;
            }
            if (r == 0)
                break;
            got += (size_t)r;
        }
        if (got == 0 && seq > 0)
            break;
        crtk__sha256_update(&c, raw, got);
        if (compress2(z, &zlen, raw, got, Z_BEST_SPEED) != Z_OK) {
            rc = crtk__fail(err, CRTK_ENOMEM, "cannot compress");
            goto out;
        }
        sqlite3_reset(st);
        sqlite3_bind_int64(st, 1, batch);
        sqlite3_bind_text(st, 2, name, -1, SQLITE_TRANSIENT);
        sqlite3_bind_int64(st, 3, seq++);
        sqlite3_bind_int64(st, 4, (sqlite3_int64)got);
        sqlite3_bind_blob(st, 5, z, (int)zlen, SQLITE_TRANSIENT);
        if (sqlite3_step(st) != SQLITE_DONE) {
            rc = dbfail(h, err, "store file");
            goto out;
        }
        if (got < CHUNK)
            break;
    }
    crtk__sha256_final(&c, d);
    if (sha)
        crtk__hex(sha, d, 32);
out:
    sqlite3_finalize(st);
    if (fd >= 0)
        close(fd);
    free(raw);
    free(z);
    return rc;
}

int crtk__history_commit(crtk__history *h, crtk_error *err)
{
    sqlite3_finalize(h->q_tumor);
    h->q_tumor = NULL;
    if (sqlite3_exec(h->db, "COMMIT", NULL, NULL, NULL) != SQLITE_OK)
        return dbfail(h, err, "commit");
    h->in_tx = false;
    return CRTK_OK;
}

void crtk__history_rollback(crtk__history *h)
{
    sqlite3_finalize(h->q_tumor);
    h->q_tumor = NULL;
    if (h->in_tx)
        sqlite3_exec(h->db, "ROLLBACK", NULL, NULL, NULL);
    h->in_tx = false;
}

int crtk_export_history_list(const char *path, crtk_export_batch_fn cb, void *ctx, crtk_error *err)
{
    crtk__history *h;
    sqlite3_stmt *st;
    int rc;

    if ((rc = crtk__history_open(&h, path, false, err)) < 0)
        return rc;
    if (sqlite3_prepare_v2(h->db,
                           "SELECT id, time, profile, output, sha256, tumors FROM batches"
                           " ORDER BY id",
                           -1, &st, NULL) != SQLITE_OK) {
        rc = dbfail(h, err, "not an export history");
        crtk__history_free(h);
        return rc;
    }
    while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
        crtk_export_batch b;
        b.id = (long)sqlite3_column_int64(st, 0);
        b.time = (const char *)sqlite3_column_text(st, 1);
        b.profile = (const char *)sqlite3_column_text(st, 2);
        b.output = (const char *)sqlite3_column_text(st, 3);
        b.sha256 = (const char *)sqlite3_column_text(st, 4);
        b.tumors = (long)sqlite3_column_int64(st, 5);
        if (cb(ctx, &b) != 0)
            break;
    }
    rc = rc == SQLITE_ROW || rc == SQLITE_DONE ? CRTK_OK : dbfail(h, err, "list");
    sqlite3_finalize(st);
    crtk__history_free(h);
    return rc;
}

/* Write one stored file of a batch to `dest` atomically; *sha (may be NULL) gets its hash. */
static int remake_file(crtk__history *h,
                       long batch,
                       const char *name,
                       const char *dest,
                       unsigned mode,
                       char *sha,
                       crtk_error *err)
{
    sqlite3_stmt *st;
    crtk__out o;
    crtk__sha256 c;
    unsigned char *raw = malloc(CHUNK), d[32];
    int rc;

    if (!raw)
        return crtk__fail(err, CRTK_ENOMEM, "out of memory");
    memset(&o, 0, sizeof o);
    if (sqlite3_prepare_v2(h->db,
                           "SELECT size, data FROM files WHERE batch = ?1 AND name = ?2"
                           " ORDER BY seq",
                           -1, &st, NULL) != SQLITE_OK) {
        free(raw);
        return dbfail(h, err, "prepare");
    }
    sqlite3_bind_int64(st, 1, batch);
    sqlite3_bind_text(st, 2, name, -1, SQLITE_TRANSIENT);
    crtk__sha256_init(&c);
    rc = crtk__out_open(&o, dest, false, mode, err);
    while (rc == CRTK_OK && (rc = sqlite3_step(st)) == SQLITE_ROW) {
        uLongf len = (uLongf)sqlite3_column_int64(st, 0);
        const void *z = sqlite3_column_blob(st, 1);
        int zlen = sqlite3_column_bytes(st, 1);
        if (len > CHUNK || uncompress(raw, &len, z, (uLong)zlen) != Z_OK) {
            crtk__error_source(err, h->path);
            rc = crtk__fail(err, CRTK_EINVALID, "history: stored file %s is damaged", name);
            break;
        }
        crtk__sha256_update(&c, raw, len);
        rc = crtk__out_write(&o, raw, len, err);
    }
    if (rc == SQLITE_DONE)
        rc = crtk__out_close(&o, err);
    else if (rc > 0)
        rc = dbfail(h, err, "read file");
    if (rc < 0)
        crtk__out_discard(&o);
    else {
        crtk__out_discard(&o);
        crtk__sha256_final(&c, d);
        if (sha)
            crtk__hex(sha, d, 32);
    }
    sqlite3_finalize(st);
    free(raw);
    return rc;
}

int crtk_export_remake(const char *path,
                       long batch,
                       const char *out_dir,
                       unsigned mode,
                       crtk_export_result *res,
                       crtk_error *err)
{
    crtk__history *h;
    sqlite3_stmt *st = NULL;
    char done[8][1024];
    int ndone = 0, rc, i;
    char output[1024] = "";

    if (res)
        memset(res, 0, sizeof *res);
    if (!out_dir)
        out_dir = ".";
    if ((rc = crtk__history_open(&h, path, false, err)) < 0)
        return rc;
    if (sqlite3_prepare_v2(h->db, "SELECT output FROM batches WHERE id = ?1", -1, &st, NULL) !=
        SQLITE_OK) {
        rc = dbfail(h, err, "not an export history");
        goto out;
    }
    sqlite3_bind_int64(st, 1, batch);
    if (sqlite3_step(st) != SQLITE_ROW) {
        crtk__error_source(err, path);
        rc = crtk__fail(err, CRTK_EARG, "history has no batch %ld (crtk export --list)", batch);
        goto out;
    }
    crtk__copy(output, sizeof output, (const char *)sqlite3_column_text(st, 0));
    sqlite3_finalize(st);
    if (sqlite3_prepare_v2(h->db, "SELECT DISTINCT name FROM files WHERE batch = ?1 ORDER BY name",
                           -1, &st, NULL) != SQLITE_OK) {
        rc = dbfail(h, err, "prepare");
        goto out;
    }
    sqlite3_bind_int64(st, 1, batch);
    rc = CRTK_OK;
    while (rc == CRTK_OK && sqlite3_step(st) == SQLITE_ROW && ndone < 8) {
        const char *name = (const char *)sqlite3_column_text(st, 0);
        char dest[1024];
        bool is_out = !strcmp(name, output);
        snprintf(dest, sizeof dest, "%s/%s", out_dir, name);
        if (access(dest, F_OK) == 0) {
            crtk__error_source(err, dest);
            rc = crtk__fail(err, CRTK_EARG, "already exists: remake into another folder (-o)");
            break;
        }
        rc = remake_file(h, batch, name, dest, mode, is_out && res ? res->sha256 : NULL, err);
        if (rc == CRTK_OK) {
            crtk__copy(done[ndone++], sizeof done[0], dest);
            if (res && is_out)
                crtk__copy(res->output, sizeof res->output, dest);
        }
    }
    if (rc == CRTK_OK && !ndone) {
        crtk__error_source(err, path);
        rc = crtk__fail(err, CRTK_EARG,
                        "batch %ld was exported without keeping its files (history_files = no)",
                        batch);
    }
    if (rc < 0)
        for (i = 0; i < ndone; i++)
            unlink(done[i]);
out:
    sqlite3_finalize(st);
    crtk__history_free(h);
    if (res)
        res->batch = batch;
    return rc;
}
