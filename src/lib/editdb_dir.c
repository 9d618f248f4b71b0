/* editdb_dir.c - the project's text format for a metafile (docs/edits-format.md): a folder
 * with metafile.txt, fields.txt, messages.txt, edits/<TAG>.edit, sets/<TAG>.set and
 * tables/<NAME>.csv + .meta. Files are "key: value" lines; a value is raw, "quoted" with C
 * escapes, or a "|" block of indented lines, chosen by the writer so that every text (blanks,
 * CRLF, control bytes) reads back byte for byte. An edit's logic is the verbatim rest of its
 * file. The writer is deterministic: the model's canonical order, LF line ends. */
#include "editdb_internal.h"
#include "error_internal.h"
#include "strbuf.h"

#include <csv.h>
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <ftw.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>
#include <unistd.h>

#define MAX_TEXT_FILE (64L * 1024 * 1024) /* any file but a table's CSV */

/* ---- errors ---------------------------------------------------------------------------- */

static int ferr(crtk_error *err, const char *src, long line, int code, const char *fmt, ...)
    CRTK_PRINTF(5, 6);

static int ferr(crtk_error *err, const char *src, long line, int code, const char *fmt, ...)
{
    char msg[256];
    va_list ap;

    if (!err)
        return code;
    va_start(ap, fmt);
    vsnprintf(msg, sizeof msg, fmt, ap);
    va_end(ap);
    crtk__error_source(err, src);
    return crtk__fail_at(err, code, line, 0, NULL, "%s", msg);
}

static int nomem(crtk_error *err)
{
    return crtk__fail(err, CRTK_ENOMEM, "out of memory");
}

/* ---- file names ------------------------------------------------------------------------ */

static bool name_safe(unsigned char c)
{
    return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '.' ||
           c == '_' || c == '-';
}

/* Tag or table name -> file name stem: bytes outside [A-Za-z0-9._-], and a leading '.', as
 * %XX (upper-case hex), so every name maps to one file name and back. */
static int enc_name(strbuf *b, const char *s)
{
    for (size_t i = 0; s[i]; i++) {
        unsigned char c = (unsigned char)s[i];
        int rc =
            name_safe(c) && !(i == 0 && c == '.') ? sb_addc(b, (char)c) : sb_printf(b, "%%%02X", c);
        if (rc < 0)
            return CRTK_ENOMEM;
    }
    return CRTK_OK;
}

static int hexval(int c)
{
    if (c >= '0' && c <= '9')
        return c - '0';
    if (c >= 'A' && c <= 'F')
        return c - 'A' + 10;
    if (c >= 'a' && c <= 'f')
        return c - 'a' + 10;
    return -1;
}

/* File name stem -> name. Returns false unless the stem is the canonical encoding. */
static bool dec_name(const char *s, size_t n, strbuf *out)
{
    strbuf again = STRBUF_INIT;
    bool ok;

    sb_clear(out);
    for (size_t i = 0; i < n; i++) {
        if (s[i] == '%' && i + 2 < n && hexval(s[i + 1]) >= 0 && hexval(s[i + 2]) >= 0) {
            int v = hexval(s[i + 1]) * 16 + hexval(s[i + 2]);
            if (!v || sb_addc(out, (char)v) < 0)
                return false;
            i += 2;
        } else if (sb_addc(out, s[i]) < 0) {
            return false;
        }
    }
    if (!out->len || !out->s)
        return false;
    ok = enc_name(&again, out->s) == CRTK_OK && again.len == n && !memcmp(again.s, s, n);
    sb_free(&again);
    return ok;
}

/* ---- reading files --------------------------------------------------------------------- */

/* Whole file into *out (NUL-terminated). Missing file: CRTK_EIO with errno ENOENT. */
static int read_file(const char *path, long max, char **out, size_t *len, crtk_error *err)
{
    struct stat st;
    char *buf;
    size_t got = 0;
    int fd = open(path, O_RDONLY | O_CLOEXEC);

    *out = NULL;
    *len = 0;
    if (fd < 0 || fstat(fd, &st) < 0) {
        int e = errno;
        if (fd >= 0)
            close(fd);
        if (err)
            err->sys_errno = e;
        return ferr(err, path, 0, CRTK_EIO, "cannot open: %s", strerror(e));
    }
    if (!S_ISREG(st.st_mode)) {
        close(fd);
        return ferr(err, path, 0, CRTK_EIO, "not a regular file");
    }
    if (st.st_size > max) {
        close(fd);
        return ferr(err, path, 0, CRTK_ELIMIT, "file is %lld bytes, more than the %ld allowed",
                    (long long)st.st_size, max);
    }
    buf = malloc((size_t)st.st_size + 1);
    if (!buf) {
        close(fd);
        return nomem(err);
    }
    while (got < (size_t)st.st_size) {
        ssize_t n = read(fd, buf + got, (size_t)st.st_size - got);
        if (n < 0 && errno == EINTR)
            continue;
        if (n <= 0) {
            int e = n < 0 ? errno : EIO;
            free(buf);
            close(fd);
            if (err)
                err->sys_errno = e;
            return ferr(err, path, 0, CRTK_EIO, "cannot read: %s",
                        n < 0 ? strerror(e) : "file shrank");
        }
        got += (size_t)n;
    }
    close(fd);
    buf[got] = '\0';
    {
        const char *z = memchr(buf, '\0', got);
        if (z) {
            long line = 1;
            for (const char *p = buf; p < z; p++)
                line += *p == '\n';
            free(buf);
            return ferr(err, path, line, CRTK_EPARSE, "the file contains a NUL byte");
        }
    }
    *out = buf;
    *len = got;
    return CRTK_OK;
}

typedef struct rd {
    const char *buf;
    size_t len, pos;
    long line; /* number of the last line returned */
    const char *src;
    crtk_error *err;
} rd;

static void rd_init(rd *r, const char *buf, size_t len, const char *src, crtk_error *err)
{
    memset(r, 0, sizeof *r);
    r->buf = buf;
    r->len = len;
    r->src = src;
    r->err = err;
}

/* Next physical line without its LF (a CR stays). 1, or 0 at end. */
static int rd_line(rd *r, const char **p, size_t *n)
{
    const char *nl;

    if (r->pos >= r->len)
        return 0;
    *p = r->buf + r->pos;
    nl = memchr(*p, '\n', r->len - r->pos);
    *n = nl ? (size_t)(nl - *p) : r->len - r->pos;
    r->pos += *n + (nl ? 1 : 0);
    r->line++;
    return 1;
}

static void rtrim(const char *p, size_t *n)
{
    while (*n && (p[*n - 1] == ' ' || p[*n - 1] == '\t' || p[*n - 1] == '\r'))
        (*n)--;
}

static bool blank_line(const char *p, size_t n)
{
    rtrim(p, &n);
    return n == 0;
}

/* Parse a "quoted" string starting at *pp (which points at '"'); moves *pp past it. */
static int parse_quoted(rd *r, const char **pp, const char *end, strbuf *out)
{
    const char *p = *pp + 1;

    while (p < end && *p != '"') {
        char c = *p++;
        if (c == '\\') {
            int h1, h2;
            if (p >= end)
                break;
            switch (*p++) {
            case '\\':
                c = '\\';
                break;
            case '"':
                c = '"';
                break;
            case 'n':
                c = '\n';
                break;
            case 'r':
                c = '\r';
                break;
            case 't':
                c = '\t';
                break;
            case 'x':
                h1 = p < end ? hexval(p[0]) : -1;
                h2 = p + 1 < end ? hexval(p[1]) : -1;
                if (h1 < 0 || h2 < 0 || (h1 == 0 && h2 == 0))
                    return ferr(r->err, r->src, r->line, CRTK_EPARSE,
                                "\\x needs two hex digits (not 00)");
                c = (char)(h1 * 16 + h2);
                p += 2;
                break;
            default:
                return ferr(r->err, r->src, r->line, CRTK_EPARSE,
                            "unknown escape \\%c in a "
                            "quoted string",
                            p[-1]);
            }
        }
        if (sb_addc(out, c) < 0)
            return nomem(r->err);
        if (out->len > (size_t)CRTK_EDITDB_MAX_TEXT)
            return ferr(r->err, r->src, r->line, CRTK_ELIMIT, "text longer than %ld bytes",
                        (long)CRTK_EDITDB_MAX_TEXT);
    }
    if (p >= end)
        return ferr(r->err, r->src, r->line, CRTK_EPARSE, "unterminated quoted string");
    *pp = p + 1;
    return CRTK_OK;
}

/* Lines of a "|" block: each starts with two blanks; an empty line belongs to the block
 * when a later line continues it. */
static int parse_block(rd *r, bool crlf, strbuf *out)
{
    bool first = true;

    for (;;) {
        size_t save = r->pos;
        long save_line = r->line, empties = 0;
        const char *p;
        size_t n;
        int got;

        while ((got = rd_line(r, &p, &n)) && blank_line(p, n) &&
               !(n >= 2 && p[0] == ' ' && p[1] == ' '))
            empties++;
        if (!got || n < 2 || p[0] != ' ' || p[1] != ' ') {
            r->pos = save;
            r->line = save_line;
            return CRTK_OK;
        }
        for (long i = 0; i <= empties; i++) {
            if (!first && sb_adds(out, crlf ? "\r\n" : "\n") < 0)
                return nomem(r->err);
            first = false;
        }
        if (n && p[n - 1] == '\r')
            n--;
        if (sb_add(out, p + 2, n - 2) < 0)
            return nomem(r->err);
        if (out->len > (size_t)CRTK_EDITDB_MAX_TEXT)
            return ferr(r->err, r->src, r->line, CRTK_ELIMIT, "text longer than %ld bytes",
                        (long)CRTK_EDITDB_MAX_TEXT);
    }
}

/* The value after "key:" (v..v+n, leading blanks skipped, trailing blanks trimmed). */
static int parse_value(rd *r, const char *v, size_t n, bool allow_block, strbuf *out)
{
    const char *p = v, *end = v + n;
    int rc;

    sb_clear(out);
    if (sb_reserve(out, 1) < 0)
        return nomem(r->err);
    out->s[0] = '\0';
    if (!n)
        return CRTK_OK;
    if (*v == '"') {
        rc = parse_quoted(r, &p, end, out);
        if (rc < 0)
            return rc;
        if (p != end)
            return ferr(r->err, r->src, r->line, CRTK_EPARSE, "text after a quoted string");
        return CRTK_OK;
    }
    if (*v == '|') {
        bool crlf = n == 5 && !memcmp(v, "|crlf", 5);
        if (!allow_block || (n != 1 && !crlf))
            return ferr(r->err, r->src, r->line, CRTK_EPARSE,
                        "a value starting with '|' must be a block (\"|\" or \"|crlf\") or "
                        "quoted");
        return parse_block(r, crlf, out);
    }
    if (n > (size_t)CRTK_EDITDB_MAX_TEXT)
        return ferr(r->err, r->src, r->line, CRTK_ELIMIT, "text longer than %ld bytes",
                    (long)CRTK_EDITDB_MAX_TEXT);
    return sb_set(out, v, n) < 0 ? nomem(r->err) : CRTK_OK;
}

/* A whitespace-separated token (raw or quoted) from *pp. 1 found, 0 none, <0 error. */
static int next_token(rd *r, const char **pp, const char *end, strbuf *out)
{
    const char *p = *pp, *s;

    while (p < end && (*p == ' ' || *p == '\t'))
        p++;
    sb_clear(out);
    if (sb_reserve(out, 1) < 0)
        return nomem(r->err);
    out->s[0] = '\0';
    if (p >= end) {
        *pp = p;
        return 0;
    }
    if (*p == '"') {
        int rc = parse_quoted(r, &p, end, out);
        if (rc < 0)
            return rc;
        if (p < end && *p != ' ' && *p != '\t')
            return ferr(r->err, r->src, r->line, CRTK_EPARSE, "text after a quoted string");
        *pp = p;
        return 1;
    }
    s = p;
    while (p < end && *p != ' ' && *p != '\t')
        p++;
    *pp = p;
    return sb_set(out, s, (size_t)(p - s)) < 0 ? nomem(r->err) : 1;
}

static int parse_long(rd *r, const char *s, const char *what, long *out)
{
    char *end;
    long v;

    errno = 0;
    v = strtol(s, &end, 10);
    if (!*s || *end || errno || v < -2147483647L || v > 2147483647L)
        return ferr(r->err, r->src, r->line, CRTK_EPARSE, "%s \"%.40s\" is not an integer", what,
                    s);
    *out = v;
    return CRTK_OK;
}

/* Next "KEY: VALUE" header line, skipping blank and # lines. Returns 1 with the key in kb and
 * the raw value (blanks trimmed) in (*v, *vn); 0 at end. */
static int next_key(rd *r, strbuf *kb, const char **v, size_t *vn)
{
    const char *p, *end, *colon;
    size_t n;

    for (;;) {
        if (!rd_line(r, &p, &n))
            return 0;
        rtrim(p, &n);
        if (n && *p != '#')
            break;
    }
    end = p + n;
    sb_clear(kb);
    if (*p == ' ' || *p == '\t')
        return ferr(r->err, r->src, r->line, CRTK_EPARSE,
                    "unexpected indented line (block lines belong after \"key: |\")");
    if (*p == '"') {
        int rc = parse_quoted(r, &p, end, kb);
        if (rc < 0)
            return rc;
        colon = p < end && *p == ':' ? p : NULL;
    } else {
        colon = memchr(p, ':', n);
        if (colon) {
            size_t kn = (size_t)(colon - p);
            rtrim(p, &kn);
            if (sb_set(kb, p, kn) < 0)
                return nomem(r->err);
        }
    }
    if (!colon)
        return ferr(r->err, r->src, r->line, CRTK_EPARSE, "expected \"key: value\", found \"%.*s\"",
                    (int)(n > 60 ? 60 : n), p);
    p = colon + 1;
    while (p < end && (*p == ' ' || *p == '\t'))
        p++;
    *v = p;
    *vn = (size_t)(end - p);
    if (!kb->s && sb_reserve(kb, 1) < 0)
        return nomem(r->err);
    if (!kb->len)
        kb->s[0] = '\0';
    return 1;
}

/* ---- writing helpers ------------------------------------------------------------------- */

static bool is_ctl(unsigned char c)
{
    return c < 0x20 || c == 0x7f;
}

static int put_quoted(strbuf *b, const char *s)
{
    if (sb_addc(b, '"') < 0)
        return CRTK_ENOMEM;
    for (; *s; s++) {
        unsigned char c = (unsigned char)*s;
        int rc;
        switch (c) {
        case '\\':
            rc = sb_adds(b, "\\\\");
            break;
        case '"':
            rc = sb_adds(b, "\\\"");
            break;
        case '\n':
            rc = sb_adds(b, "\\n");
            break;
        case '\r':
            rc = sb_adds(b, "\\r");
            break;
        case '\t':
            rc = sb_adds(b, "\\t");
            break;
        default:
            rc = is_ctl(c) ? sb_printf(b, "\\x%02X", c) : sb_addc(b, (char)c);
        }
        if (rc < 0)
            return CRTK_ENOMEM;
    }
    return sb_addc(b, '"');
}

/* A raw single-line value: no control byte but TAB, no blank at either end, not starting
 * with a quote or '|'. */
static bool raw_ok(const char *s)
{
    size_t n = strlen(s);

    if (!n || s[0] == ' ' || s[0] == '\t' || s[0] == '"' || s[0] == '|' || s[n - 1] == ' ' ||
        s[n - 1] == '\t')
        return false;
    for (size_t i = 0; i < n; i++)
        if (is_ctl((unsigned char)s[i]) && s[i] != '\t')
            return false;
    return true;
}

/* A token (key, code, type, column): also no ':', '#', '[' start, no blanks inside. */
static bool token_ok(const char *s, bool is_key)
{
    if (!raw_ok(s) || s[0] == '#' || s[0] == '[' || (!is_key && !strcmp(s, "-")))
        return false;
    for (; *s; s++)
        if (*s == ' ' || *s == '\t' || (is_key && *s == ':'))
            return false;
    return true;
}

/* A key of metafile.txt (control item name, agency code): blanks allowed inside. */
static bool key_ok(const char *s)
{
    return raw_ok(s) && s[0] != '#' && s[0] != '[' && !strchr(s, ':');
}

static int put_token(strbuf *b, const char *s)
{
    if (!*s)
        return sb_addc(b, '-');
    return token_ok(s, false) ? sb_adds(b, s) : put_quoted(b, s);
}

/* 0 = not a block, 1 = "|" block (LF), 2 = "|crlf" block. */
static int block_kind(const char *s)
{
    bool lf = false, crlf = false;

    for (size_t i = 0; s[i]; i++) {
        unsigned char c = (unsigned char)s[i];
        if (c == '\n') {
            if (i && s[i - 1] == '\r')
                crlf = true;
            else
                lf = true;
        } else if (c == '\r') {
            if (s[i + 1] != '\n')
                return 0;
        } else if (is_ctl(c) && c != '\t') {
            return 0;
        }
    }
    if (lf && crlf)
        return 0;
    return crlf ? 2 : lf ? 1 : 0;
}

/* True if the text has line ends and every one is CRLF (no other CR). */
static bool crlf_only(const char *s)
{
    bool any = false;

    for (size_t i = 0; s[i]; i++) {
        if (s[i] == '\r' && s[i + 1] != '\n')
            return false;
        if (s[i] == '\n') {
            if (!i || s[i - 1] != '\r')
                return false;
            any = true;
        }
    }
    return any;
}

/* "key: value\n" in the form that reads back exactly. */
static int put_kv(strbuf *b, const char *key, const char *v, bool allow_block)
{
    int kind;

    if (sb_adds(b, key) < 0 || sb_addc(b, ':') < 0)
        return CRTK_ENOMEM;
    if (!*v)
        return sb_addc(b, '\n');
    if (sb_addc(b, ' ') < 0)
        return CRTK_ENOMEM;
    if (raw_ok(v))
        return sb_adds(b, v) < 0 || sb_addc(b, '\n') < 0 ? CRTK_ENOMEM : CRTK_OK;
    kind = allow_block ? block_kind(v) : 0;
    if (!kind)
        return put_quoted(b, v) < 0 || sb_addc(b, '\n') < 0 ? CRTK_ENOMEM : CRTK_OK;
    if (sb_adds(b, kind == 2 ? "|crlf\n" : "|\n") < 0)
        return CRTK_ENOMEM;
    /* One line per text line, indented by two blanks; an empty line is written empty (the
     * reader keeps it because a later block line follows), the last one as two blanks. */
    for (const char *p = v;;) {
        const char *nl = strchr(p, '\n');
        size_t n = nl ? (size_t)(nl - p) : strlen(p);
        if (kind == 2 && nl)
            n--;
        if ((n || !nl) && (sb_adds(b, "  ") < 0 || sb_add(b, p, n) < 0))
            return CRTK_ENOMEM;
        if (sb_addc(b, '\n') < 0)
            return CRTK_ENOMEM;
        if (!nl)
            break;
        p = nl + 1;
    }
    return CRTK_OK;
}

/* Write buf to path atomically (temporary file in the same folder, renamed into place); an
 * existing file keeps its mode, a new one is 0600. No fsync per file: a folder holds
 * thousands of them, so crtk_editdb_save_dir syncs the file system once at the end. */
static int write_file(const char *path, const strbuf *b, crtk_error *err)
{
    struct stat st;
    mode_t mode = 0600;
    strbuf tmp = STRBUF_INIT;
    const char *slash = strrchr(path, '/');
    size_t done = 0;
    int fd, e;

    if (stat(path, &st) == 0 && S_ISREG(st.st_mode))
        mode = st.st_mode & 07777;
    int rc = slash ? sb_printf(&tmp, "%.*s/.%s.crtk-XXXXXX", (int)(slash - path), path, slash + 1)
                   : sb_printf(&tmp, ".%s.crtk-XXXXXX", path);
    bool created = false;

    if (rc < 0) {
        sb_free(&tmp);
        return nomem(err);
    }
    fd = mkostemp(tmp.s, O_CLOEXEC); /* created 0600 */
    if (fd < 0)
        goto fail;
    created = true;
    if (mode != 0600 && fchmod(fd, mode) < 0)
        goto fail;
    while (done < b->len) {
        ssize_t n = write(fd, b->s + done, b->len - done);
        if (n < 0 && errno == EINTR)
            continue;
        if (n < 0)
            goto fail;
        done += (size_t)n;
    }
    if (close(fd) < 0) {
        fd = -1;
        goto fail;
    }
    fd = -1;
    if (rename(tmp.s, path) < 0)
        goto fail;
    sb_free(&tmp);
    return CRTK_OK;
fail:
    e = errno;
    if (fd >= 0)
        close(fd);
    if (created)
        unlink(tmp.s);
    sb_free(&tmp);
    if (err)
        err->sys_errno = e;
    return ferr(err, path, 0, CRTK_EIO, "cannot write: %s", strerror(e));
}

static int path2(strbuf *p, const char *dir, const char *sub)
{
    sb_clear(p);
    return sb_printf(p, "%s/%s", dir, sub);
}

/* dir/sub/<encoded name><ext> */
static int
path_named(strbuf *p, const char *dir, const char *sub, const char *name, const char *ext)
{
    sb_clear(p);
    if (sb_printf(p, "%s/%s/", dir, sub) < 0 || enc_name(p, name) < 0 || sb_adds(p, ext) < 0)
        return CRTK_ENOMEM;
    return CRTK_OK;
}

/* ---- directory listing ----------------------------------------------------------------- */

static int cmp_str(const void *a, const void *b)
{
    return strcmp(*(char *const *)a, *(char *const *)b);
}

static void free_list(char **v, size_t n)
{
    for (size_t i = 0; i < n; i++)
        free(v[i]);
    free(v);
}

/* Sorted names of dir's files ending in ext (hidden files skipped). Missing dir: empty. */
static int list_dir(const char *dir, const char *ext, char ***out, size_t *n, crtk_error *err)
{
    DIR *d = opendir(dir);
    struct dirent *de;
    size_t cap = 0, el = strlen(ext);

    *out = NULL;
    *n = 0;
    if (!d) {
        if (errno == ENOENT)
            return CRTK_OK;
        if (err)
            err->sys_errno = errno;
        return ferr(err, dir, 0, CRTK_EIO, "cannot list: %s", strerror(errno));
    }
    while ((de = readdir(d))) {
        size_t l = strlen(de->d_name);
        if (de->d_name[0] == '.' || l <= el || strcmp(de->d_name + l - el, ext))
            continue;
        if (crtk__editdb_push_str(out, n, &cap, de->d_name) < 0) {
            closedir(d);
            free_list(*out, *n);
            *out = NULL;
            *n = 0;
            return nomem(err);
        }
    }
    closedir(d);
    if (*n > 1)
        qsort(*out, *n, sizeof **out, cmp_str);
    return CRTK_OK;
}

/* ---- metafile.txt, fields.txt, messages.txt -------------------------------------------- */

static int load_metafile_txt(crtk_editdb *db, const char *path, crtk_error *err)
{
    strbuf key = STRBUF_INIT, val = STRBUF_INIT;
    size_t ccap = 0, ccap2 = 0, acap = 0, len;
    char *buf;
    int section = 0, rc;
    rd r;

    rc = read_file(path, MAX_TEXT_FILE, &buf, &len, err);
    if (rc < 0)
        return rc;
    rd_init(&r, buf, len, path, err);
    for (;;) {
        const char *p, *v;
        size_t n, vn;
        size_t save = r.pos;
        long save_line = r.line;

        /* Section headers first: "[control]", "[agencies]". */
        while (rd_line(&r, &p, &n)) {
            rtrim(p, &n);
            if (!n || *p == '#') {
                save = r.pos;
                save_line = r.line;
                continue;
            }
            if (*p == '[') {
                if (n == 9 && !memcmp(p, "[control]", 9))
                    section = 1;
                else if (n == 10 && !memcmp(p, "[agencies]", 10))
                    section = 2;
                else {
                    rc = ferr(err, path, r.line, CRTK_EPARSE, "unknown section \"%.*s\"",
                              (int)(n > 40 ? 40 : n), p);
                    goto out;
                }
                save = r.pos;
                save_line = r.line;
                continue;
            }
            break;
        }
        r.pos = save;
        r.line = save_line;
        rc = next_key(&r, &key, &v, &vn);
        if (rc <= 0)
            break;
        if (!section) {
            rc = ferr(err, path, r.line, CRTK_EPARSE,
                      "\"%s\" outside a section ([control] or [agencies])", key.s);
            goto out;
        }
        rc = parse_value(&r, v, vn, true, &val);
        if (rc < 0)
            goto out;
        if (section == 1) {
            if (crtk__editdb_push_str(&db->control_names, &db->ncontrol, &ccap, key.s) < 0) {
                rc = nomem(err);
                goto out;
            }
            db->ncontrol--;
            if (crtk__editdb_push_str(&db->control_values, &db->ncontrol, &ccap2, val.s) < 0) {
                free(db->control_names[db->ncontrol]);
                rc = nomem(err);
                goto out;
            }
        } else {
            crtk_editdb_agency a;
            if (!key.len) {
                rc = ferr(err, path, r.line, CRTK_EINVALID, "empty agency code");
                goto out;
            }
            for (size_t i = 0; i < db->nagencies; i++)
                if (!strcmp(db->agencies[i].code, key.s)) {
                    rc = ferr(err, path, r.line, CRTK_EINVALID, "agency \"%s\" appears twice",
                              key.s);
                    goto out;
                }
            if (crtk__editdb_grow((void **)&db->agencies, &acap, db->nagencies, sizeof a) < 0) {
                rc = nomem(err);
                goto out;
            }
            a.code = strdup(key.s);
            a.name = strdup(val.s);
            if (!a.code || !a.name) {
                free(a.code);
                free(a.name);
                rc = nomem(err);
                goto out;
            }
            db->agencies[db->nagencies++] = a;
        }
    }
out:
    sb_free(&key);
    sb_free(&val);
    free(buf);
    return rc < 0 ? rc : CRTK_OK;
}

/* Optional file: missing means empty. Returns 1 with the file read, 0 if missing. */
static int read_optional(const char *path, long max, char **buf, size_t *len, crtk_error *err)
{
    struct stat st;

    if (stat(path, &st) < 0 && errno == ENOENT) {
        *buf = NULL;
        *len = 0;
        return 0;
    }
    {
        int rc = read_file(path, max, buf, len, err);
        return rc < 0 ? rc : 1;
    }
}

static int load_fields_txt(crtk_editdb *db, const char *path, crtk_error *err)
{
    strbuf tok = STRBUF_INIT, val = STRBUF_INIT;
    size_t cap = 0, len;
    char *buf;
    int rc;
    rd r;
    const char *p;
    size_t n;

    rc = read_optional(path, MAX_TEXT_FILE, &buf, &len, err);
    if (rc <= 0)
        return rc;
    rd_init(&r, buf, len, path, err);
    rc = CRTK_OK;
    while (rd_line(&r, &p, &n)) {
        const char *end, *q;
        crtk_editdb_field f;

        rtrim(p, &n);
        if (!n || *p == '#')
            continue;
        end = p + n;
        if (*p == ' ' || *p == '\t') {
            /* "  local: NAME" continues the previous field. */
            q = p;
            while (q < end && (*q == ' ' || *q == '\t'))
                q++;
            if ((size_t)(end - q) < 6 || memcmp(q, "local:", 6) || !db->nfields) {
                rc = ferr(err, path, r.line, CRTK_EPARSE,
                          "expected \"  local: NAME\" after a field line");
                goto out;
            }
            q += 6;
            while (q < end && (*q == ' ' || *q == '\t'))
                q++;
            rc = parse_value(&r, q, (size_t)(end - q), false, &val);
            if (rc < 0)
                goto out;
            if (*db->fields[db->nfields - 1].local_name) {
                rc = ferr(err, path, r.line, CRTK_EPARSE, "a second local name");
                goto out;
            }
            free(db->fields[db->nfields - 1].local_name);
            db->fields[db->nfields - 1].local_name = sb_detach(&val);
            continue;
        }
        memset(&f, 0, sizeof f);
        q = p;
        if ((rc = next_token(&r, &q, end, &tok)) <= 0 ||
            (rc = parse_long(&r, tok.s, "field number", &f.number)) < 0 ||
            (rc = next_token(&r, &q, end, &tok)) <= 0 ||
            (rc = parse_long(&r, tok.s, "field length", &f.length)) < 0 ||
            (rc = next_token(&r, &q, end, &tok)) <= 0) {
            if (rc >= 0)
                rc = ferr(err, path, r.line, CRTK_EPARSE, "expected \"NUMBER LENGTH TYPE NAME\"");
            goto out;
        }
        for (size_t i = 0; i < db->nfields; i++)
            if (db->fields[i].number == f.number) {
                rc = ferr(err, path, r.line, CRTK_EINVALID, "field %ld appears twice", f.number);
                goto out;
            }
        f.type = strdup(tok.len == 1 && tok.s[0] == '-' && q[-1] != '"' ? "" : tok.s);
        while (q < end && (*q == ' ' || *q == '\t'))
            q++;
        if (!f.type || (rc = parse_value(&r, q, (size_t)(end - q), false, &val)) < 0) {
            free(f.type);
            if (rc >= 0)
                rc = nomem(err);
            goto out;
        }
        f.name = sb_detach(&val);
        f.local_name = strdup("");
        if (!f.name || !f.local_name ||
            crtk__editdb_grow((void **)&db->fields, &cap, db->nfields, sizeof f) < 0) {
            free(f.type);
            free(f.name);
            free(f.local_name);
            rc = nomem(err);
            goto out;
        }
        db->fields[db->nfields++] = f;
    }
    rc = CRTK_OK;
out:
    sb_free(&tok);
    sb_free(&val);
    free(buf);
    return rc;
}

static int load_messages_txt(crtk_editdb *db, const char *path, crtk_error *err)
{
    strbuf tok = STRBUF_INIT, val = STRBUF_INIT;
    size_t cap = 0, len;
    char *buf;
    int rc;
    rd r;
    const char *p;
    size_t n;

    rc = read_optional(path, MAX_TEXT_FILE, &buf, &len, err);
    if (rc <= 0)
        return rc;
    rd_init(&r, buf, len, path, err);
    rc = CRTK_OK;
    while (rd_line(&r, &p, &n)) {
        const char *end, *q;
        crtk_editdb_message m = {0, NULL, NULL};

        rtrim(p, &n);
        if (!n || *p == '#')
            continue;
        end = p + n;
        q = p;
        if ((rc = next_token(&r, &q, end, &tok)) <= 0 ||
            (rc = parse_long(&r, tok.s, "message number", &m.number)) < 0 ||
            (rc = next_token(&r, &q, end, &tok)) <= 0) {
            if (rc >= 0)
                rc = ferr(err, path, r.line, CRTK_EPARSE, "expected \"NUMBER TYPE TEXT\"");
            goto out;
        }
        if (m.number < 0) {
            rc = ferr(err, path, r.line, CRTK_EINVALID, "message number %ld is negative", m.number);
            goto out;
        }
        for (size_t i = 0; i < db->nmessages; i++)
            if (db->messages[i].number == m.number) {
                rc = ferr(err, path, r.line, CRTK_EINVALID, "message %ld appears twice", m.number);
                goto out;
            }
        m.type = strdup(tok.len == 1 && tok.s[0] == '-' && q[-1] != '"' ? "" : tok.s);
        while (q < end && (*q == ' ' || *q == '\t'))
            q++;
        if (!m.type || (rc = parse_value(&r, q, (size_t)(end - q), false, &val)) < 0) {
            free(m.type);
            if (rc >= 0)
                rc = nomem(err);
            goto out;
        }
        m.text = sb_detach(&val);
        if (!m.text ||
            crtk__editdb_grow((void **)&db->messages, &cap, db->nmessages, sizeof m) < 0) {
            free(m.type);
            free(m.text);
            rc = nomem(err);
            goto out;
        }
        db->messages[db->nmessages++] = m;
    }
    rc = CRTK_OK;
out:
    sb_free(&tok);
    sb_free(&val);
    free(buf);
    return rc;
}

/* ---- tables ---------------------------------------------------------------------------- */

typedef struct csvst {
    crtk_editdb_table *t;
    const char *src;
    crtk_error *err;
    long line;
    char **row;
    size_t nrow, rowcap, cellcap;
    int rc;
    bool header_done;
} csvst;

static void csv_field(void *s, size_t n, void *data)
{
    csvst *c = data;
    char *cell;

    if (c->rc < 0)
        return;
    if (n > (size_t)CRTK_EDITDB_MAX_TEXT) {
        c->rc = ferr(c->err, c->src, c->line, CRTK_ELIMIT, "a cell is longer than %ld bytes",
                     (long)CRTK_EDITDB_MAX_TEXT);
        return;
    }
    cell = crtk__editdb_strndup(s ? s : "", s ? n : 0);
    if (!cell || crtk__editdb_grow((void **)&c->row, &c->rowcap, c->nrow, sizeof *c->row) < 0) {
        free(cell);
        c->rc = nomem(c->err);
        return;
    }
    c->row[c->nrow++] = cell;
}

static void csv_row(int term, void *data)
{
    csvst *c = data;
    crtk_editdb_table *t = c->t;

    (void)term;
    if (c->rc < 0)
        goto clear;
    if (!c->header_done) {
        t->cols = c->row;
        t->ncols = c->nrow;
        c->row = NULL;
        c->nrow = c->rowcap = 0;
        c->header_done = true;
        return;
    }
    if (c->nrow != t->ncols) {
        c->rc = ferr(c->err, c->src, c->line, CRTK_EPARSE, "row has %zu cells, the header %zu",
                     c->nrow, t->ncols);
        goto clear;
    }
    if (crtk__editdb_grow((void **)&t->cells, &c->cellcap, (t->nrows + 1) * t->ncols - 1,
                          sizeof *t->cells) < 0) {
        c->rc = nomem(c->err);
        goto clear;
    }
    memcpy(t->cells + t->nrows * t->ncols, c->row, t->ncols * sizeof *c->row);
    t->nrows++;
    c->nrow = 0;
    return;
clear:
    for (size_t i = 0; i < c->nrow; i++)
        free(c->row[i]);
    c->nrow = 0;
}

static int no_space(unsigned char c)
{
    (void)c;
    return 0;
}

static int
parse_csv(crtk_editdb_table *t, const char *path, const char *buf, size_t len, crtk_error *err)
{
    struct csv_parser p;
    csvst c;
    size_t pos = 0;

    memset(&c, 0, sizeof c);
    c.t = t;
    c.src = path;
    c.err = err;
    if (csv_init(&p, CSV_STRICT | CSV_STRICT_FINI | CSV_APPEND_NULL) != 0)
        return nomem(err);
    csv_set_space_func(&p, no_space);
    /* Feed one line at a time so that errors can name the line. */
    while (pos < len && c.rc >= 0) {
        const char *nl = memchr(buf + pos, '\n', len - pos);
        size_t n = nl ? (size_t)(nl - (buf + pos)) + 1 : len - pos;
        c.line++;
        if (csv_parse(&p, buf + pos, n, csv_field, csv_row, &c) != n) {
            if (c.rc >= 0)
                c.rc = ferr(err, path, c.line, CRTK_EPARSE, "%s", csv_strerror(csv_error(&p)));
            break;
        }
        pos += n;
    }
    if (c.rc >= 0 && csv_fini(&p, csv_field, csv_row, &c) != 0 && c.rc >= 0)
        c.rc = ferr(err, path, c.line, CRTK_EPARSE, "%s", csv_strerror(csv_error(&p)));
    csv_free(&p);
    for (size_t i = 0; i < c.nrow; i++)
        free(c.row[i]);
    free(c.row);
    if (c.rc >= 0 && !c.header_done)
        c.rc = ferr(err, path, 1, CRTK_EPARSE, "no header row");
    return c.rc;
}

static int load_meta(crtk_editdb_table *t, const char *path, crtk_error *err)
{
    strbuf key = STRBUF_INIT, val = STRBUF_INIT, tok = STRBUF_INIT;
    size_t len, icap = 0;
    char *buf;
    bool seen_name = false;
    int rc;
    rd r;

    rc = read_optional(path, MAX_TEXT_FILE, &buf, &len, err);
    if (rc <= 0)
        return rc;
    rd_init(&r, buf, len, path, err);
    for (;;) {
        const char *v;
        size_t vn;
        rc = next_key(&r, &key, &v, &vn);
        if (rc <= 0)
            break;
        if (!strcmp(key.s, "name") || !strcmp(key.s, "description")) {
            bool is_name = key.s[0] == 'n';
            if ((is_name && seen_name) || (!is_name && *t->description)) {
                rc = ferr(err, path, r.line, CRTK_EPARSE, "duplicate key \"%s\"", key.s);
                break;
            }
            rc = parse_value(&r, v, vn, !is_name, &val);
            if (rc < 0)
                break;
            if (is_name && strcmp(val.s, t->name)) {
                rc = ferr(err, path, r.line, CRTK_EINVALID,
                          "name \"%s\" does not match the file name (\"%s\")", val.s, t->name);
                break;
            }
            if (is_name) {
                seen_name = true;
            } else {
                free(t->description);
                t->description = sb_detach(&val);
                if (!t->description) {
                    rc = nomem(err);
                    break;
                }
            }
        } else if (!strcmp(key.s, "index") || !strcmp(key.s, "unique-index")) {
            editdb_index x;
            const char *q = v, *end = v + vn;
            size_t ccap = 0;
            memset(&x, 0, sizeof x);
            x.unique = key.s[0] == 'u';
            rc = next_token(&r, &q, end, &tok);
            if (rc > 0) {
                x.name = sb_detach(&tok);
                if (!x.name)
                    rc = nomem(err);
            }
            while (rc > 0 && (rc = next_token(&r, &q, end, &tok)) > 0)
                if (crtk__editdb_push_str(&x.cols, &x.ncols, &ccap, tok.s) < 0)
                    rc = nomem(err);
            if (rc >= 0 && (!x.name || !x.ncols))
                rc = ferr(err, path, r.line, CRTK_EPARSE, "expected \"%s: NAME COLUMN...\"", key.s);
            for (size_t i = 0; rc >= 0 && i < x.ncols; i++)
                if (strcasecmp(x.cols[i], "PKey") &&
                    crtk_editdb_table_find_column(t, x.cols[i]) < 0)
                    rc = ferr(err, path, r.line, CRTK_EINVALID,
                              "index %s: column \"%s\" is not in the table", x.name, x.cols[i]);
            if (rc >= 0 &&
                crtk__editdb_grow((void **)&t->indexes, &icap, t->nindexes, sizeof x) < 0)
                rc = nomem(err);
            if (rc < 0) {
                free(x.name);
                for (size_t i = 0; i < x.ncols; i++)
                    free(x.cols[i]);
                free(x.cols);
                break;
            }
            t->indexes[t->nindexes++] = x;
        } else {
            rc = ferr(err, path, r.line, CRTK_EPARSE, "unknown key \"%s\"", key.s);
            break;
        }
    }
    sb_free(&key);
    sb_free(&val);
    sb_free(&tok);
    free(buf);
    return rc < 0 ? rc : CRTK_OK;
}

static int load_tables(crtk_editdb *db, const char *dir, crtk_error *err)
{
    strbuf path = STRBUF_INIT, name = STRBUF_INIT;
    char **csvs = NULL, **metas = NULL;
    size_t ncsv = 0, nmeta = 0, cap = 0;
    int rc;

    if (path2(&path, dir, "tables") < 0)
        return nomem(err);
    rc = list_dir(path.s, ".csv", &csvs, &ncsv, err);
    if (rc >= 0)
        rc = list_dir(path.s, ".meta", &metas, &nmeta, err);
    for (size_t i = 0; rc >= 0 && i < nmeta; i++) {
        size_t l = strlen(metas[i]) - 5;
        bool found = false;
        for (size_t j = 0; j < ncsv && !found; j++)
            found = strlen(csvs[j]) - 4 == l && !memcmp(csvs[j], metas[i], l);
        if (!found) {
            sb_clear(&path);
            sb_printf(&path, "%s/tables/%s", dir, metas[i]);
            rc = ferr(err, path.s, 0, CRTK_EINVALID, "no CSV file for this table");
        }
    }
    for (size_t i = 0; rc >= 0 && i < ncsv; i++) {
        crtk_editdb_table t;
        char *buf = NULL;
        size_t len;

        memset(&t, 0, sizeof t);
        sb_clear(&path);
        if (sb_printf(&path, "%s/tables/%s", dir, csvs[i]) < 0) {
            rc = nomem(err);
            break;
        }
        if (!dec_name(csvs[i], strlen(csvs[i]) - 4, &name)) {
            rc = ferr(err, path.s, 0, CRTK_EINVALID,
                      "file name is not an encoded table name (docs/edits-format.md)");
            break;
        }
        t.name = strdup(name.s);
        t.description = strdup("");
        if (!t.name || !t.description)
            rc = nomem(err);
        if (rc >= 0)
            rc = read_file(path.s, EDITDB_MAX_FILE, &buf, &len, err);
        if (rc >= 0)
            rc = parse_csv(&t, path.s, buf, len, err);
        free(buf);
        if (rc >= 0) {
            path.len -= 4;
            path.s[path.len] = '\0';
            if (sb_adds(&path, ".meta") < 0)
                rc = nomem(err);
            else
                rc = load_meta(&t, path.s, err);
        }
        if (rc >= 0 && crtk__editdb_grow((void **)&db->tables, &cap, db->ntables, sizeof t) < 0)
            rc = nomem(err);
        if (rc < 0) {
            crtk__editdb_table_clear(&t);
            break;
        }
        db->tables[db->ntables++] = t;
    }
    free_list(csvs, ncsv);
    free_list(metas, nmeta);
    sb_free(&path);
    sb_free(&name);
    return rc < 0 ? rc : CRTK_OK;
}

/* ---- edits ----------------------------------------------------------------------------- */

static int parse_edit_ctx(crtk_editdb_edit *e,
                          const char *buf,
                          size_t len,
                          const char *source,
                          const crtk_editdb *ctx,
                          crtk_error *err)
{
    strbuf key = STRBUF_INIT, val = STRBUF_INIT, tok = STRBUF_INIT;
    size_t fcap = 0, fncap = 0, mcap = 0, tcap = 0, ecap = 0;
    bool seen_logic = false;
    unsigned seen = 0;
    int rc;
    rd r;

    memset(e, 0, sizeof *e);
    e->message = -1;
    rd_init(&r, buf, len, source, err);
    for (;;) {
        static const char *const single[] = {"tag",      "name",        "agency",     "message",
                                             "modified", "description", "admin-notes"};
        const char *v;
        size_t vn;
        int which = -1;

        rc = next_key(&r, &key, &v, &vn);
        if (rc <= 0)
            break;
        for (int i = 0; i < 7; i++)
            if (!strcmp(key.s, single[i]))
                which = i;
        if (which >= 0) {
            char **dst[] = {&e->tag,      &e->name,        &e->agency,     NULL,
                            &e->modified, &e->description, &e->admin_notes};
            if (seen & (1u << which)) {
                rc = ferr(err, source, r.line, CRTK_EPARSE, "duplicate key \"%s\"", key.s);
                break;
            }
            seen |= 1u << which;
            rc = parse_value(&r, v, vn, which >= 5, &val);
            if (rc < 0)
                break;
            if (which == 3) {
                long m = 0;
                rc = parse_long(&r, val.s, "message number", &m);
                if (rc >= 0 && m < 0)
                    rc = ferr(err, source, r.line, CRTK_EINVALID, "message number is negative");
                if (rc >= 0 && ctx && !crtk_editdb_find_message(ctx, m))
                    rc = ferr(err, source, r.line, CRTK_EINVALID,
                              "message %ld is not in messages.txt", m);
                if (rc < 0)
                    break;
                e->message = m;
                continue;
            }
            if (which == 2 && ctx && val.len && !crtk_editdb_find_agency(ctx, val.s)) {
                rc = ferr(err, source, r.line, CRTK_EINVALID,
                          "agency \"%s\" is not in metafile.txt", val.s);
                break;
            }
            *dst[which] = sb_detach(&val);
            if (!*dst[which]) {
                rc = nomem(err);
                break;
            }
        } else if (!strcmp(key.s, "field") || !strcmp(key.s, "fields")) {
            /* "field: NUMBER [Name]" (the name must match fields.txt), or "fields: N N ..." */
            bool one = !strcmp(key.s, "field");
            const char *q, *end;
            rc = parse_value(&r, v, vn, false, &val);
            if (rc < 0)
                break;
            q = val.s;
            end = val.s + val.len;
            if (one && val.len == 0) {
                rc = ferr(err, source, r.line, CRTK_EPARSE, "\"field:\" needs a field number");
                break;
            }
            while ((rc = next_token(&r, &q, end, &tok)) > 0) {
                long num = 0;
                const crtk_editdb_field *fd = NULL;
                rc = parse_long(&r, tok.s, "field number", &num);
                if (rc < 0)
                    break;
                if (ctx && !(fd = crtk_editdb_find_field(ctx, num))) {
                    rc = ferr(err, source, r.line, CRTK_EINVALID, "field %ld is not in fields.txt",
                              num);
                    break;
                }
                if (crtk__editdb_grow((void **)&e->field_numbers, &fcap, e->nfields,
                                      sizeof *e->field_numbers) < 0 ||
                    crtk__editdb_grow((void **)&e->field_names, &fncap, e->nfields,
                                      sizeof *e->field_names) < 0) {
                    rc = nomem(err);
                    break;
                }
                e->field_numbers[e->nfields] = num;
                e->field_names[e->nfields++] = NULL;
                if (one) {
                    if (q < end && *q == ' ')
                        q++; /* exactly one blank: a name may start with blanks */
                    if (q < end && fd && strcmp(q, fd->name)) {
                        rc = ferr(err, source, r.line, CRTK_EINVALID,
                                  "field %ld is named \"%s\" in fields.txt, not \"%s\"", num,
                                  fd->name, q);
                        break;
                    }
                    if (q < end && !fd) {
                        e->field_names[e->nfields - 1] = strdup(q);
                        if (!e->field_names[e->nfields - 1]) {
                            rc = nomem(err);
                            break;
                        }
                    }
                    rc = 0;
                    break;
                }
            }
            if (rc < 0)
                break;
        } else if (!strcmp(key.s, "messages")) {
            const char *q = v, *end = v + vn;
            while ((rc = next_token(&r, &q, end, &tok)) > 0) {
                long m = 0;
                rc = parse_long(&r, tok.s, "message number", &m);
                if (rc >= 0 && m < 0)
                    rc = ferr(err, source, r.line, CRTK_EINVALID, "message number is negative");
                if (rc >= 0 && ctx && !crtk_editdb_find_message(ctx, m))
                    rc = ferr(err, source, r.line, CRTK_EINVALID,
                              "message %ld is not in messages.txt", m);
                if (rc >= 0 && crtk__editdb_grow((void **)&e->messages, &mcap, e->nmessages,
                                                 sizeof *e->messages) < 0)
                    rc = nomem(err);
                if (rc < 0)
                    break;
                e->messages[e->nmessages++] = m;
            }
            if (rc < 0)
                break;
        } else if (!strcmp(key.s, "table") || !strcmp(key.s, "tables")) {
            const char *q = v, *end = v + vn;
            bool one = key.s[5] == '\0';
            if (one) {
                rc = parse_value(&r, v, vn, false, &tok);
                rc = rc < 0 ? rc : 1;
            } else {
                rc = next_token(&r, &q, end, &tok);
            }
            while (rc > 0) {
                if (!tok.len)
                    rc = ferr(err, source, r.line, CRTK_EPARSE, "empty table name");
                else if (ctx && !crtk_editdb_find_table(ctx, tok.s))
                    rc = ferr(err, source, r.line, CRTK_EINVALID,
                              "lookup table \"%s\" is not in tables/", tok.s);
                else if (crtk__editdb_push_str(&e->tables, &e->ntables, &tcap, tok.s) < 0)
                    rc = nomem(err);
                if (rc < 0 || one)
                    break;
                rc = next_token(&r, &q, end, &tok);
            }
            if (rc < 0)
                break;
        } else if (!strcmp(key.s, "error")) {
            rc = parse_value(&r, v, vn, true, &val);
            if (rc >= 0 && crtk__editdb_push_str(&e->errors, &e->nerrors, &ecap, val.s) < 0)
                rc = nomem(err);
            if (rc < 0)
                break;
        } else if (!strcmp(key.s, "logic")) {
            /* The rest of the file, verbatim; "logic: crlf" means each LF stands for CRLF. */
            bool crlf = vn == 4 && !memcmp(v, "crlf", 4);
            const char *p = buf + r.pos;
            size_t n = len - r.pos;
            if (vn && !crlf) {
                rc = ferr(err, source, r.line, CRTK_EPARSE,
                          "\"logic:\" starts the logic on the next line (or \"logic: crlf\")");
                break;
            }
            if (n > (size_t)CRTK_EDITDB_MAX_TEXT) {
                rc = ferr(err, source, r.line, CRTK_ELIMIT, "logic is longer than %ld bytes",
                          (long)CRTK_EDITDB_MAX_TEXT);
                break;
            }
            sb_clear(&val);
            if (sb_reserve(&val, n + 1) < 0) {
                rc = nomem(err);
                break;
            }
            for (size_t i = 0; i < n; i++) {
                if (crlf && p[i] == '\n' && !(i && p[i - 1] == '\r') && sb_addc(&val, '\r') < 0)
                    break;
                if (sb_addc(&val, p[i]) < 0)
                    break;
            }
            val.s[val.len] = '\0';
            e->logic = sb_detach(&val);
            if (!e->logic) {
                rc = nomem(err);
                break;
            }
            seen_logic = true;
            rc = 0;
            break;
        } else {
            rc = ferr(err, source, r.line, CRTK_EPARSE, "unknown key \"%s\"", key.s);
            break;
        }
    }
    if (rc >= 0 && !(seen & 1u))
        rc = ferr(err, source, 1, CRTK_EINVALID, "the edit has no \"tag:\"");
    if (rc >= 0 && !seen_logic)
        rc = ferr(err, source, r.line, CRTK_EINVALID, "the edit has no \"logic:\"");
    /* Absent keys read as "". */
    if (rc >= 0) {
        char **opt[] = {&e->name, &e->agency, &e->modified, &e->description, &e->admin_notes};
        for (size_t i = 0; i < sizeof opt / sizeof *opt && rc >= 0; i++)
            if (!*opt[i] && !(*opt[i] = strdup("")))
                rc = nomem(err);
        if (rc >= 0 && !e->tag[0])
            rc = ferr(err, source, 1, CRTK_EINVALID, "empty tag");
    }
    sb_free(&key);
    sb_free(&val);
    sb_free(&tok);
    if (rc < 0)
        crtk__editdb_edit_clear(e);
    return rc < 0 ? rc : CRTK_OK;
}

int crtk__editdb_parse_edit(
    crtk_editdb_edit *e, const char *buf, size_t len, const char *source, crtk_error *err)
{
    return parse_edit_ctx(e, buf, len, source, NULL, err);
}

/* DIR/SUB/FILE of an edit or set: its path, the tag its file name encodes (extlen = length
 * of the extension) and its text (owned by the caller, NULL on failure). */
static int read_tagged(const char *dir,
                       const char *sub,
                       const char *file,
                       size_t extlen,
                       const char *what,
                       strbuf *path,
                       strbuf *name,
                       char **buf,
                       size_t *len,
                       crtk_error *err)
{
    *buf = NULL;
    sb_clear(path);
    if (sb_printf(path, "%s/%s/%s", dir, sub, file) < 0)
        return nomem(err);
    if (!dec_name(file, strlen(file) - extlen, name))
        return ferr(err, path->s, 0, CRTK_EINVALID,
                    "file name is not an encoded %s tag (docs/edits-format.md)", what);
    return read_file(path->s, MAX_TEXT_FILE, buf, len, err);
}

static int load_edits(crtk_editdb *db, const char *dir, crtk_error *err)
{
    strbuf path = STRBUF_INIT, name = STRBUF_INIT;
    char **files = NULL;
    size_t nfiles = 0, cap = 0;
    int rc;

    if (path2(&path, dir, "edits") < 0)
        return nomem(err);
    rc = list_dir(path.s, ".edit", &files, &nfiles, err);
    for (size_t i = 0; rc >= 0 && i < nfiles; i++) {
        crtk_editdb_edit e;
        char *buf = NULL;
        size_t len;

        memset(&e, 0, sizeof e);
        rc = read_tagged(dir, "edits", files[i], 5, "edit", &path, &name, &buf, &len, err);
        if (rc >= 0)
            rc = parse_edit_ctx(&e, buf, len, path.s, db, err);
        free(buf);
        if (rc < 0)
            break;
        if (strcmp(e.tag, name.s)) {
            rc = ferr(err, path.s, 1, CRTK_EINVALID, "tag \"%s\" does not match the file name",
                      e.tag);
            crtk__editdb_edit_clear(&e);
            break;
        }
        if (crtk__editdb_grow((void **)&db->edits, &cap, db->nedits, sizeof e) < 0) {
            crtk__editdb_edit_clear(&e);
            rc = nomem(err);
            break;
        }
        db->edits[db->nedits++] = e;
    }
    free_list(files, nfiles);
    sb_free(&path);
    sb_free(&name);
    return rc < 0 ? rc : CRTK_OK;
}

/* ---- sets ------------------------------------------------------------------------------ */

static int parse_set(crtk_editdb_set *s,
                     const char *buf,
                     size_t len,
                     const char *source,
                     const crtk_editdb *ctx,
                     crtk_error *err)
{
    strbuf key = STRBUF_INIT, val = STRBUF_INIT;
    size_t cap = 0;
    unsigned seen = 0;
    int rc;
    rd r;

    rd_init(&r, buf, len, source, err);
    for (;;) {
        static const char *const single[] = {"tag", "name", "description"};
        char **dst[] = {&s->tag, &s->name, &s->description};
        const char *v;
        size_t vn;
        int which = -1;

        rc = next_key(&r, &key, &v, &vn);
        if (rc <= 0)
            break;
        for (int i = 0; i < 3; i++)
            if (!strcmp(key.s, single[i]))
                which = i;
        if (which >= 0) {
            if (seen & (1u << which)) {
                rc = ferr(err, source, r.line, CRTK_EPARSE, "duplicate key \"%s\"", key.s);
                break;
            }
            seen |= 1u << which;
            rc = parse_value(&r, v, vn, which == 2, &val);
            if (rc >= 0 && !(*dst[which] = sb_detach(&val)))
                rc = nomem(err);
            if (rc < 0)
                break;
        } else if (!strcmp(key.s, "edits")) {
            const char *p;
            size_t n;
            if (vn) {
                rc = ferr(err, source, r.line, CRTK_EPARSE,
                          "\"edits:\" is followed by one edit tag per line");
                break;
            }
            /* One tag a line to the end of the file. */
            while (rc >= 0 && rd_line(&r, &p, &n)) {
                const char *q = p, *end;
                rtrim(p, &n);
                end = p + n;
                while (q < end && (*q == ' ' || *q == '\t'))
                    q++;
                if (q == end || *q == '#')
                    continue;
                rc = parse_value(&r, q, (size_t)(end - q), false, &val);
                if (rc < 0)
                    break;
                if (ctx && !crtk_editdb_find_edit(ctx, val.s))
                    rc = ferr(err, source, r.line, CRTK_EINVALID,
                              "edit \"%s\" does not exist (no edits/ file)", val.s);
                else if (crtk__editdb_push_str(&s->edits, &s->nedits, &cap, val.s) < 0)
                    rc = nomem(err);
            }
            break;
        } else {
            rc = ferr(err, source, r.line, CRTK_EPARSE, "unknown key \"%s\"", key.s);
            break;
        }
    }
    if (rc >= 0 && !(seen & 1u))
        rc = ferr(err, source, 1, CRTK_EINVALID, "the edit set has no \"tag:\"");
    for (int i = 1; rc >= 0 && i < 3; i++) {
        char **dst[] = {&s->tag, &s->name, &s->description};
        if (!*dst[i] && !(*dst[i] = strdup("")))
            rc = nomem(err);
    }
    sb_free(&key);
    sb_free(&val);
    return rc < 0 ? rc : CRTK_OK;
}

static int load_sets(crtk_editdb *db, const char *dir, crtk_error *err)
{
    strbuf path = STRBUF_INIT, name = STRBUF_INIT;
    char **files = NULL;
    size_t nfiles = 0, cap = 0;
    int rc;

    if (path2(&path, dir, "sets") < 0)
        return nomem(err);
    rc = list_dir(path.s, ".set", &files, &nfiles, err);
    for (size_t i = 0; rc >= 0 && i < nfiles; i++) {
        crtk_editdb_set s;
        char *buf = NULL;
        size_t len;

        memset(&s, 0, sizeof s);
        rc = read_tagged(dir, "sets", files[i], 4, "set", &path, &name, &buf, &len, err);
        if (rc >= 0)
            rc = parse_set(&s, buf, len, path.s, db, err);
        free(buf);
        if (rc >= 0 && strcmp(s.tag, name.s))
            rc = ferr(err, path.s, 1, CRTK_EINVALID, "tag \"%s\" does not match the file name",
                      s.tag);
        if (rc >= 0 && crtk__editdb_grow((void **)&db->sets, &cap, db->nsets, sizeof s) < 0)
            rc = nomem(err);
        if (rc < 0) {
            crtk__editdb_set_clear(&s);
            break;
        }
        db->sets[db->nsets++] = s;
    }
    free_list(files, nfiles);
    sb_free(&path);
    sb_free(&name);
    return rc < 0 ? rc : CRTK_OK;
}

static int cmp_edit_tag(const void *a, const void *b)
{
    return strcmp(((const crtk_editdb_edit *)a)->tag, ((const crtk_editdb_edit *)b)->tag);
}

int crtk_editdb_load_dir(crtk_editdb **out, const char *dir, crtk_error *err)
{
    crtk_editdb *db;
    strbuf path = STRBUF_INIT;
    int rc;

    *out = NULL;
    crtk_error_clear(err);
    crtk__error_source(err, dir);
    db = calloc(1, sizeof *db);
    if (!db)
        return nomem(err);
    rc = path2(&path, dir, "metafile.txt") < 0 ? nomem(err) : CRTK_OK;
    if (rc >= 0)
        rc = load_metafile_txt(db, path.s, err);
    if (rc >= 0)
        rc = path2(&path, dir, "fields.txt") < 0 ? nomem(err) : load_fields_txt(db, path.s, err);
    if (rc >= 0)
        rc =
            path2(&path, dir, "messages.txt") < 0 ? nomem(err) : load_messages_txt(db, path.s, err);
    if (rc >= 0)
        rc = load_tables(db, dir, err);
    if (rc >= 0) {
        crtk__error_source(err, dir);
        rc = crtk__editdb_sort_base(db, err);
    }
    if (rc >= 0)
        rc = load_edits(db, dir, err);
    if (rc >= 0) {
        /* Sets look their members up by tag. */
        if (db->nedits > 1)
            qsort(db->edits, db->nedits, sizeof *db->edits, cmp_edit_tag);
        rc = load_sets(db, dir, err);
    }
    if (rc >= 0) {
        crtk__error_source(err, dir);
        if (err)
            err->line = 0;
        rc = crtk__editdb_finish(db, err);
    }
    sb_free(&path);
    if (rc < 0) {
        crtk_editdb_free(db);
        return rc;
    }
    *out = db;
    return CRTK_OK;
}

/* ---- saving ---------------------------------------------------------------------------- */

static int fmt_metafile(const crtk_editdb *db, strbuf *b)
{
    if (sb_adds(b, "# EDITS metafile: control items and agencies (docs/edits-format.md)\n"
                   "[control]\n") < 0)
        return CRTK_ENOMEM;
    for (size_t i = 0; i < db->ncontrol; i++) {
        const char *k = db->control_names[i];
        strbuf key = STRBUF_INIT;
        int rc = key_ok(k) ? sb_adds(&key, k) : put_quoted(&key, k);
        if (rc >= 0)
            rc = put_kv(b, key.s, db->control_values[i], true);
        sb_free(&key);
        if (rc < 0)
            return CRTK_ENOMEM;
    }
    if (sb_adds(b, "[agencies]\n") < 0)
        return CRTK_ENOMEM;
    for (size_t i = 0; i < db->nagencies; i++) {
        const char *k = db->agencies[i].code;
        strbuf key = STRBUF_INIT;
        int rc = key_ok(k) ? sb_adds(&key, k) : put_quoted(&key, k);
        if (rc >= 0)
            rc = put_kv(b, key.s, db->agencies[i].name, true);
        sb_free(&key);
        if (rc < 0)
            return CRTK_ENOMEM;
    }
    return CRTK_OK;
}

/* Inline value (raw or quoted, never a block) at the end of a line. */
static int put_inline(strbuf *b, const char *v)
{
    if (!*v)
        return sb_adds(b, "\"\"");
    return raw_ok(v) ? sb_adds(b, v) : put_quoted(b, v);
}

static int fmt_fields(const crtk_editdb *db, strbuf *b)
{
    if (sb_adds(b, "# NUMBER LENGTH TYPE NAME; \"  local: NAME\" gives a local name\n") < 0)
        return CRTK_ENOMEM;
    for (size_t i = 0; i < db->nfields; i++) {
        const crtk_editdb_field *f = &db->fields[i];
        if (sb_printf(b, "%ld %ld ", f->number, f->length) < 0 || put_token(b, f->type) < 0 ||
            sb_addc(b, ' ') < 0 || put_inline(b, f->name) < 0 || sb_addc(b, '\n') < 0)
            return CRTK_ENOMEM;
        if (*f->local_name && (sb_adds(b, "  local: ") < 0 || put_inline(b, f->local_name) < 0 ||
                               sb_addc(b, '\n') < 0))
            return CRTK_ENOMEM;
    }
    return CRTK_OK;
}

static int fmt_messages(const crtk_editdb *db, strbuf *b)
{
    if (sb_adds(b, "# NUMBER TYPE TEXT\n") < 0)
        return CRTK_ENOMEM;
    for (size_t i = 0; i < db->nmessages; i++) {
        const crtk_editdb_message *m = &db->messages[i];
        if (sb_printf(b, "%ld ", m->number) < 0 || put_token(b, m->type) < 0 ||
            sb_addc(b, ' ') < 0 || put_inline(b, m->text) < 0 || sb_addc(b, '\n') < 0)
            return CRTK_ENOMEM;
    }
    return CRTK_OK;
}

static int fmt_edit(const crtk_editdb_edit *e, strbuf *b)
{
    strbuf v = STRBUF_INIT;
    int rc = CRTK_ENOMEM;
    const char *logic = e->logic;

    if (put_kv(b, "tag", e->tag, false) < 0 || put_kv(b, "name", e->name, false) < 0)
        goto out;
    if (*e->agency && put_kv(b, "agency", e->agency, false) < 0)
        goto out;
    for (size_t i = 0; i < e->nfields; i++) {
        sb_clear(&v);
        if (sb_printf(&v, "%ld %s", e->field_numbers[i], e->field_names[i]) < 0 ||
            put_kv(b, "field", v.s, false) < 0)
            goto out;
    }
    if (e->message >= 0 && sb_printf(b, "message: %ld\n", e->message) < 0)
        goto out;
    if (e->nmessages) {
        if (sb_adds(b, "messages:") < 0)
            goto out;
        for (size_t i = 0; i < e->nmessages; i++)
            if (sb_printf(b, " %ld", e->messages[i]) < 0)
                goto out;
        if (sb_addc(b, '\n') < 0)
            goto out;
    }
    for (size_t i = 0; i < e->ntables; i++)
        if (put_kv(b, "table", e->tables[i], false) < 0)
            goto out;
    if (*e->modified && put_kv(b, "modified", e->modified, false) < 0)
        goto out;
    for (size_t i = 0; i < e->nerrors; i++)
        if (put_kv(b, "error", e->errors[i], true) < 0)
            goto out;
    if (*e->description && put_kv(b, "description", e->description, true) < 0)
        goto out;
    if (*e->admin_notes && put_kv(b, "admin-notes", e->admin_notes, true) < 0)
        goto out;
    /* CRLF logic (the usual case in EditWriter metafiles) is stored with LF line ends. */
    if (crlf_only(logic)) {
        if (sb_adds(b, "logic: crlf\n") < 0)
            goto out;
        for (const char *p = logic; *p; p++)
            if (!(p[0] == '\r' && p[1] == '\n') && sb_addc(b, *p) < 0)
                goto out;
    } else if (sb_adds(b, "logic:\n") < 0 || sb_adds(b, logic) < 0) {
        goto out;
    }
    rc = CRTK_OK;
out:
    sb_free(&v);
    return rc;
}

static int fmt_set(const crtk_editdb_set *s, strbuf *b)
{
    if (put_kv(b, "tag", s->tag, false) < 0 || put_kv(b, "name", s->name, false) < 0)
        return CRTK_ENOMEM;
    if (*s->description && put_kv(b, "description", s->description, true) < 0)
        return CRTK_ENOMEM;
    if (sb_adds(b, "edits:\n") < 0)
        return CRTK_ENOMEM;
    for (size_t i = 0; i < s->nedits; i++) {
        const char *t = s->edits[i];
        /* A raw line starting with '#' would read as a comment. */
        if ((t[0] == '#' ? put_quoted(b, t) : put_inline(b, t)) < 0 || sb_addc(b, '\n') < 0)
            return CRTK_ENOMEM;
    }
    return CRTK_OK;
}

static int put_csv_cell(strbuf *b, const char *s, bool force)
{
    size_t n = strlen(s);
    bool q = force || (n && (s[0] == ' ' || s[0] == '\t' || s[n - 1] == ' ' || s[n - 1] == '\t')) ||
             strpbrk(s, ",\"\r\n");

    if (!q)
        return sb_adds(b, s);
    if (sb_addc(b, '"') < 0)
        return CRTK_ENOMEM;
    for (; *s; s++)
        if ((*s == '"' && sb_addc(b, '"') < 0) || sb_addc(b, *s) < 0)
            return CRTK_ENOMEM;
    return sb_addc(b, '"');
}

static int fmt_csv(const crtk_editdb_table *t, strbuf *b)
{
    for (size_t c = 0; c < t->ncols; c++)
        if ((c && sb_addc(b, ',') < 0) || put_csv_cell(b, t->cols[c], false) < 0)
            return CRTK_ENOMEM;
    if (sb_addc(b, '\n') < 0)
        return CRTK_ENOMEM;
    for (size_t r = 0; r < t->nrows; r++) {
        for (size_t c = 0; c < t->ncols; c++) {
            const char *s = t->cells[r * t->ncols + c];
            /* A lone empty cell would be an empty line, which CSV readers skip. */
            if ((c && sb_addc(b, ',') < 0) || put_csv_cell(b, s, t->ncols == 1 && !*s) < 0)
                return CRTK_ENOMEM;
        }
        if (sb_addc(b, '\n') < 0)
            return CRTK_ENOMEM;
    }
    return CRTK_OK;
}

static int fmt_meta(const crtk_editdb_table *t, strbuf *b)
{
    if (put_kv(b, "name", t->name, false) < 0)
        return CRTK_ENOMEM;
    if (*t->description && put_kv(b, "description", t->description, true) < 0)
        return CRTK_ENOMEM;
    for (size_t i = 0; i < t->nindexes; i++) {
        const editdb_index *x = &t->indexes[i];
        if (sb_adds(b, x->unique ? "unique-index: " : "index: ") < 0 || put_token(b, x->name) < 0)
            return CRTK_ENOMEM;
        for (size_t c = 0; c < x->ncols; c++)
            if (sb_addc(b, ' ') < 0 || put_token(b, x->cols[c]) < 0)
                return CRTK_ENOMEM;
        if (sb_addc(b, '\n') < 0)
            return CRTK_ENOMEM;
    }
    return CRTK_OK;
}

static int make_dir(const char *path, crtk_error *err)
{
    if (mkdir(path, 0755) == 0 || errno == EEXIST) {
        struct stat st;
        if (stat(path, &st) == 0 && S_ISDIR(st.st_mode))
            return CRTK_OK;
        errno = ENOTDIR;
    }
    if (err)
        err->sys_errno = errno;
    return ferr(err, path, 0, CRTK_EIO, "cannot create folder: %s", strerror(errno));
}

/* Remove files of dir/sub ending in ext that are not in keep (sorted). */
static int remove_stale(
    const char *dir, const char *sub, const char *ext, char **keep, size_t nkeep, crtk_error *err)
{
    strbuf path = STRBUF_INIT;
    char **files = NULL;
    size_t n = 0;
    int rc;

    if (path2(&path, dir, sub) < 0)
        return nomem(err);
    rc = list_dir(path.s, ext, &files, &n, err);
    for (size_t i = 0; rc >= 0 && i < n; i++) {
        if (nkeep && bsearch(&files[i], keep, nkeep, sizeof *keep, cmp_str))
            continue;
        sb_clear(&path);
        if (sb_printf(&path, "%s/%s/%s", dir, sub, files[i]) < 0)
            rc = nomem(err);
        else if (unlink(path.s) < 0 && errno != ENOENT) {
            if (err)
                err->sys_errno = errno;
            rc = ferr(err, path.s, 0, CRTK_EIO, "cannot remove: %s", strerror(errno));
        }
    }
    free_list(files, n);
    sb_free(&path);
    return rc;
}

/* Write b to dir/sub/<name>ext and remember the file name in keep. */
static int save_named(const char *dir,
                      const char *sub,
                      const char *name,
                      const char *ext,
                      const strbuf *b,
                      char ***keep,
                      size_t *nkeep,
                      size_t *kcap,
                      crtk_error *err)
{
    strbuf path = STRBUF_INIT;
    int rc;

    if (path_named(&path, dir, sub, name, ext) < 0)
        return nomem(err);
    rc = write_file(path.s, b, err);
    if (rc >= 0 && crtk__editdb_push_str(keep, nkeep, kcap, strrchr(path.s, '/') + 1) < 0)
        rc = nomem(err);
    sb_free(&path);
    return rc;
}

/* Write the model into dir (a fresh staging folder; stale files of an old one are removed). */
static int save_into(const crtk_editdb *db, const char *dir, crtk_error *err)
{
    static const char *const subs[] = {"edits", "sets", "tables"};
    strbuf path = STRBUF_INIT, b = STRBUF_INIT;
    char **keep[3] = {NULL, NULL, NULL};
    size_t nkeep[3] = {0, 0, 0}, kcap[3] = {0, 0, 0};
    int rc;

    rc = make_dir(dir, err);
    for (int i = 0; rc >= 0 && i < 3; i++)
        rc = path2(&path, dir, subs[i]) < 0 ? nomem(err) : make_dir(path.s, err);
#define WRITE_TOP(fname, fmt)                                                               \
    if (rc >= 0) {                                                                          \
        sb_clear(&b);                                                                       \
        rc = path2(&path, dir, fname) < 0 || fmt(db, &b) < 0 ? nomem(err)                   \
                                                             : write_file(path.s, &b, err); \
    }
    WRITE_TOP("metafile.txt", fmt_metafile)
    WRITE_TOP("fields.txt", fmt_fields)
    WRITE_TOP("messages.txt", fmt_messages)
#undef WRITE_TOP
    for (size_t i = 0; rc >= 0 && i < db->nedits; i++) {
        sb_clear(&b);
        rc = fmt_edit(&db->edits[i], &b) < 0 ? nomem(err)
                                             : save_named(dir, "edits", db->edits[i].tag, ".edit",
                                                          &b, &keep[0], &nkeep[0], &kcap[0], err);
    }
    for (size_t i = 0; rc >= 0 && i < db->nsets; i++) {
        sb_clear(&b);
        rc = fmt_set(&db->sets[i], &b) < 0 ? nomem(err)
                                           : save_named(dir, "sets", db->sets[i].tag, ".set", &b,
                                                        &keep[1], &nkeep[1], &kcap[1], err);
    }
    for (size_t i = 0; rc >= 0 && i < db->ntables; i++) {
        const crtk_editdb_table *t = &db->tables[i];
        sb_clear(&b);
        rc = fmt_csv(t, &b) < 0 ? nomem(err)
                                : save_named(dir, "tables", t->name, ".csv", &b, &keep[2],
                                             &nkeep[2], &kcap[2], err);
        if (rc < 0)
            break;
        sb_clear(&b);
        rc = fmt_meta(t, &b) < 0 ? nomem(err)
                                 : save_named(dir, "tables", t->name, ".meta", &b, &keep[2],
                                              &nkeep[2], &kcap[2], err);
    }
    for (int i = 0; rc >= 0 && i < 3; i++) {
        if (nkeep[i] > 1)
            qsort(keep[i], nkeep[i], sizeof *keep[i], cmp_str);
        rc = remove_stale(dir, subs[i],
                          i == 0   ? ".edit"
                          : i == 1 ? ".set"
                                   : ".csv",
                          keep[i], nkeep[i], err);
        if (rc >= 0 && i == 2)
            rc = remove_stale(dir, subs[i], ".meta", keep[i], nkeep[i], err);
    }
    for (int i = 0; i < 3; i++)
        free_list(keep[i], nkeep[i]);
    sb_free(&path);
    sb_free(&b);
    return rc < 0 ? rc : CRTK_OK;
}

static int rm_entry(const char *path, const struct stat *st, int flag, struct FTW *ftw)
{
    (void)st;
    (void)flag;
    (void)ftw;
    return remove(path) < 0 && errno != ENOENT ? -1 : 0;
}

/* Remove a folder crtk made (staging, or the old folder after the swap). */
static void remove_tree(const char *path)
{
    (void)nftw(path, rm_entry, 16, FTW_DEPTH | FTW_PHYS);
}

/* Whether crtk writes name in sub ("" = the top of the folder): the rest is the user's. */
static bool managed(const char *sub, const char *name)
{
    static const char *const top[] = {"metafile.txt", "fields.txt", "messages.txt",
                                      "edits",        "sets",       "tables"};
    size_t n = strlen(name);

    if (!*sub) {
        for (size_t i = 0; i < sizeof top / sizeof *top; i++)
            if (!strcmp(name, top[i]))
                return true;
        return false;
    }
    if (name[0] == '.')
        return false;
    if (!strcmp(sub, "edits"))
        return n > 5 && !strcmp(name + n - 5, ".edit");
    if (!strcmp(sub, "sets"))
        return n > 4 && !strcmp(name + n - 4, ".set");
    return n > 4 && (!strcmp(name + n - 4, ".csv") || (n > 5 && !strcmp(name + n - 5, ".meta")));
}

/* Move what the user keeps in the old folder (a README, .git, notes beside the edits) into
 * the new one; files crtk wrote again keep their old mode. */
static int carry_over(const char *old, const char *neu, const char *sub, crtk_error *err)
{
    strbuf from = STRBUF_INIT, to = STRBUF_INIT;
    struct dirent *de;
    DIR *d;
    int rc = CRTK_OK;

    if (sb_printf(&from, "%s/%s", old, sub) < 0) {
        sb_free(&from);
        return nomem(err);
    }
    d = opendir(from.s);
    if (!d) {
        sb_free(&from);
        return CRTK_OK; /* the old folder has no such subfolder */
    }
    while (rc >= 0 && (de = readdir(d))) {
        struct stat st;
        if (!strcmp(de->d_name, ".") || !strcmp(de->d_name, ".."))
            continue;
        sb_clear(&from);
        sb_clear(&to);
        if (sb_printf(&from, "%s/%s%s%s", old, sub, *sub ? "/" : "", de->d_name) < 0 ||
            sb_printf(&to, "%s/%s%s%s", neu, sub, *sub ? "/" : "", de->d_name) < 0) {
            rc = nomem(err);
        } else if (managed(sub, de->d_name)) {
            /* A file written again keeps the mode it had. */
            if (lstat(from.s, &st) == 0 && S_ISREG(st.st_mode))
                (void)chmod(to.s, st.st_mode & 07777);
        } else if (rename(from.s, to.s) < 0) {
            if (err)
                err->sys_errno = errno;
            rc = ferr(err, from.s, 0, CRTK_EIO, "cannot move into the new folder: %s",
                      strerror(errno));
        }
    }
    closedir(d);
    sb_free(&from);
    sb_free(&to);
    return rc;
}

/* Swap the staged folder in for dir (atomically where renameat2 can exchange them); *old_out
 * receives where the old folder now is (NULL when there was none). */
static int swap_in(const char *stage, const char *dir, bool exists, char **old_out, crtk_error *err)
{
    *old_out = NULL;
    if (!exists) {
        if (rename(stage, dir) == 0)
            return CRTK_OK;
    } else if (renameat2(AT_FDCWD, stage, AT_FDCWD, dir, RENAME_EXCHANGE) == 0) {
        *old_out = strdup(stage);
        return *old_out ? CRTK_OK : nomem(err);
    } else if (errno == EINVAL || errno == ENOSYS) {
        /* No exchange on this file system: move the old folder aside, then rename. */
        size_t n = strlen(stage) + 8;
        char *old = malloc(n);
        if (!old)
            return nomem(err);
        snprintf(old, n, "%s.old", stage);
        if (rename(dir, old) == 0) {
            if (rename(stage, dir) == 0) {
                *old_out = old;
                return CRTK_OK;
            }
            {
                int e = errno;
                (void)rename(old, dir);
                errno = e;
            }
        }
        free(old);
    }
    if (err)
        err->sys_errno = errno;
    return ferr(err, dir, 0, CRTK_EIO, "cannot put the new folder in place: %s", strerror(errno));
}

int crtk_editdb_save_dir(const crtk_editdb *db, const char *dir, crtk_error *err)
{
    strbuf stage = STRBUF_INIT, probe = STRBUF_INIT, name = STRBUF_INIT;
    char *real = NULL, *old = NULL;
    const char *slash;
    struct stat st;
    bool exists;
    int rc = CRTK_OK;

    crtk_error_clear(err);
    crtk__error_source(err, dir);
    if (!db || !dir || !*dir)
        return crtk__fail(err, CRTK_EARG, "save_dir needs a model and a folder");
    /* The whole folder is written beside the target and swapped in when complete, so a
     * failed or killed import never leaves a half-written folder. */
    exists = stat(dir, &st) == 0;
    if (exists && !S_ISDIR(st.st_mode)) {
        if (err)
            err->sys_errno = ENOTDIR;
        return ferr(err, dir, 0, CRTK_EIO, "is not a folder");
    }
    if (exists) {
        DIR *d;
        struct dirent *de;
        bool ours = false;
        real = realpath(dir, NULL); /* a symlink to the folder: swap the folder itself */
        if (!real)
            return nomem(err);
        if (sb_printf(&probe, "%s/metafile.txt", real) < 0) {
            rc = nomem(err);
            goto out;
        }
        /* Folders named edits, sets or tables in a folder that is not an edits folder are
         * not crtk's to replace. */
        d = opendir(real);
        while (d && (de = readdir(d)))
            if (managed("", de->d_name))
                ours = true;
        if (d)
            closedir(d);
        if (ours && access(probe.s, F_OK) != 0) {
            rc = ferr(err, dir, 0, CRTK_EIO,
                      "is not an edits folder (no metafile.txt) but holds edits, sets, tables "
                      "or *.txt files crtk would replace; give a new or empty folder");
            goto out;
        }
        dir = real;
    }
    if (sb_adds(&name, dir) < 0) {
        rc = nomem(err);
        goto out;
    }
    while (name.len > 1 && name.s[name.len - 1] == '/') /* "dir/" */
        name.s[--name.len] = '\0';
    dir = name.s;
    slash = strrchr(dir, '/');
    if (sb_printf(&stage, "%.*s.%s.crtk-XXXXXX", slash ? (int)(slash - dir + 1) : 0, dir,
                  slash ? slash + 1 : dir) < 0) {
        rc = nomem(err);
        goto out;
    }
    if (!mkdtemp(stage.s)) {
        if (err)
            err->sys_errno = errno;
        rc = ferr(err, dir, 0, CRTK_EIO, "cannot create a folder beside it: %s", strerror(errno));
        goto out;
    }
    (void)chmod(stage.s, 0755);
    rc = save_into(db, stage.s, err);
    if (rc >= 0)
        rc = swap_in(stage.s, dir, exists, &old, err);
    if (rc < 0) {
        remove_tree(stage.s);
        goto out;
    }
    if (old) {
        static const char *const subs[] = {"", "edits", "sets", "tables"};
        for (int i = 0; rc >= 0 && i < 4; i++)
            rc = carry_over(old, dir, subs[i], err);
        if (rc >= 0)
            remove_tree(old);
        else if (err) /* nothing of the user's is deleted: say where the rest is */
            snprintf(err->message, sizeof err->message, "files left in %s (%s)", old,
                     strerror(err->sys_errno));
    }
    {
        int fd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
        if (fd >= 0) {
            syncfs(fd);
            close(fd);
        }
    }
out:
    free(old);
    free(real);
    sb_free(&stage);
    sb_free(&probe);
    sb_free(&name);
    return rc < 0 ? rc : CRTK_OK;
}
