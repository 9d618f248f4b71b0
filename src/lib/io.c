/* io.c - input and output byte streams. Input is buffered and decompressed on the fly
 * (gzip found by its magic bytes, not the file name). Output looks at its target first
 * (crtk__out_target): a file is written to a temporary file beside it (mode 0600; unnamed
 * with O_TMPFILE where possible) renamed into place only when complete, so a failed or
 * killed run never leaves a partial file; a device or FIFO is written straight through. */
#include "io_internal.h"
#include "error_internal.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <libgen.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include "crtk/output.h"

#define IN_CHUNK (256u << 10)

static int in_init(crtk__in *in, const char *name)
{
    memset(in, 0, sizeof *in);
    in->fd = -1;
    crtk__copy(in->name, sizeof in->name, name);
    return CRTK_OK;
}

int crtk__in_open(crtk__in *in, const char *path, crtk_error *err)
{
    in_init(in, path);
    if (!strcmp(path, "-")) {
        in->fd = 0;
        return CRTK_OK;
    }
    in->fd = open(path, O_RDONLY | O_CLOEXEC);
    if (in->fd < 0) {
        if (err)
            err->sys_errno = errno;
        return crtk__fail(err, CRTK_EIO, "cannot open: %s", strerror(errno));
    }
    in->own_fd = true;
    {
        struct stat st;
        if (fstat(in->fd, &st) == 0 && S_ISDIR(st.st_mode)) {
            close(in->fd);
            in->fd = -1;
            in->own_fd = false;
            return crtk__fail(err, CRTK_EIO, "is a directory");
        }
    }
    return CRTK_OK;
}

int crtk__in_open_mem(crtk__in *in, const void *buf, size_t len, const char *name, crtk_error *err)
{
    (void)err;
    in_init(in, name ? name : "<memory>");
    in->mem = buf;
    in->mem_len = len;
    return CRTK_OK;
}

/* Raw (possibly compressed) bytes from the source. */
static long src_read(crtk__in *in, unsigned char *dst, size_t n, crtk_error *err)
{
    if (in->fd < 0) {
        size_t left = in->mem_len - in->mem_pos;
        if (n > left)
            n = left;
        if (n)
            memcpy(dst, in->mem + in->mem_pos, n);
        in->mem_pos += n;
        in->raw_consumed += (long long)n;
        return (long)n;
    }
    for (;;) {
        ssize_t r = read(in->fd, dst, n);
        if (r >= 0) {
            in->raw_consumed += r;
            return (long)r;
        }
        if (errno == EINTR)
            continue;
        if (err)
            err->sys_errno = errno;
        return crtk__fail(err, CRTK_EIO, "read failed: %s", strerror(errno));
    }
}

/* Make room and append decoded bytes to buf[end..]. Returns bytes added, 0 at end. */
static long fill(crtk__in *in, crtk_error *err)
{
    long got = 0;

    in->can_unget = false; /* the buffer may move */
    if (in->eof)
        return 0;
    if (in->pos > 0 && in->pos == in->end) {
        in->pos = in->end = 0;
    } else if (in->pos > 0 && in->pos >= in->cap / 2) {
        memmove(in->buf, in->buf + in->pos, in->end - in->pos);
        in->end -= in->pos;
        in->pos = 0;
    }
    if (in->cap - in->end < IN_CHUNK) {
        size_t ncap = in->cap ? in->cap * 2 : 2 * IN_CHUNK;
        unsigned char *p;
        while (ncap - in->end < IN_CHUNK)
            ncap *= 2;
        /* page-aligned: the kernel copies a read into it several times faster than into
         * malloc's 16-byte offset */
        if (posix_memalign((void **)&p, 4096, ncap) != 0)
            return crtk__fail(err, CRTK_ENOMEM, "out of memory reading input");
        if (in->end)
            memcpy(p, in->buf, in->end);
        free(in->buf);
        in->buf = p;
        in->cap = ncap;
    }
    if (!in->gzip && in->end == 0 && in->raw_consumed == 0 && !in->z_init) {
        /* First read: sniff the gzip magic. */
        long r = src_read(in, in->buf, IN_CHUNK, err);
        if (r < 0)
            return r;
        if (r >= 2 && in->buf[0] == 0x1f && in->buf[1] == 0x8b) {
            in->gzip = true;
            in->raw_cap = IN_CHUNK;
            in->raw = malloc(in->raw_cap);
            if (!in->raw)
                return crtk__fail(err, CRTK_ENOMEM, "out of memory reading input");
            memcpy(in->raw, in->buf, (size_t)r);
            if (inflateInit2(&in->z, 15 + 32) != Z_OK)
                return crtk__fail(err, CRTK_ENOMEM, "cannot start gzip decoder");
            in->z_init = true;
            in->z.next_in = in->raw;
            in->z.avail_in = (uInt)r;
        } else {
            if (r == 0)
                in->eof = true;
            in->end = (size_t)r;
            return r;
        }
    }
    if (!in->gzip) {
        long r = src_read(in, in->buf + in->end, in->cap - in->end, err);
        if (r < 0)
            return r;
        if (r == 0)
            in->eof = true;
        in->end += (size_t)r;
        return r;
    }
    while (got == 0) {
        int zr;
        if (in->z.avail_in == 0 && !in->src_eof) {
            long r = src_read(in, in->raw, in->raw_cap, err);
            if (r < 0)
                return r;
            if (r == 0)
                in->src_eof = true;
            in->z.next_in = in->raw;
            in->z.avail_in = (uInt)r;
        }
        if (in->z.avail_in == 0 && in->src_eof) {
            if (!in->z_done)
                return crtk__fail(err, CRTK_EPARSE, "gzip data is truncated");
            in->eof = true;
            return 0;
        }
        in->z.next_out = in->buf + in->end;
        in->z.avail_out = (uInt)(in->cap - in->end);
        zr = inflate(&in->z, Z_NO_FLUSH);
        got = (long)((in->cap - in->end) - in->z.avail_out);
        in->end += (size_t)got;
        if (zr == Z_STREAM_END) {
            in->z_done = true;
            /* Concatenated gzip members are one stream (gzip(1) semantics). */
            if (in->z.avail_in == 0 && !in->src_eof) {
                long r = src_read(in, in->raw, in->raw_cap, err);
                if (r < 0)
                    return r;
                if (r == 0)
                    in->src_eof = true;
                in->z.next_in = in->raw;
                in->z.avail_in = (uInt)r;
            }
            if (in->z.avail_in == 0) {
                if (got == 0)
                    in->eof = true;
                in->src_eof = true;
                return got;
            }
            inflateReset(&in->z);
            in->z_done = false;
        } else if (zr == Z_BUF_ERROR && in->src_eof && in->z.avail_in == 0) {
            return crtk__fail(err, CRTK_EPARSE, "gzip data is truncated");
        } else if (zr != Z_OK && zr != Z_BUF_ERROR) {
            return crtk__fail(err, CRTK_EPARSE, "gzip data is corrupt (%s)",
                              in->z.msg ? in->z.msg : "inflate failed");
        }
    }
    return got;
}

int crtk__in_peek(crtk__in *in, size_t n, const unsigned char **p, size_t *got, crtk_error *err)
{
    while (in->end - in->pos < n && !in->eof) {
        long r = fill(in, err);
        if (r < 0)
            return (int)r;
    }
    *p = in->buf ? in->buf + in->pos : (const unsigned char *)"";
    *got = in->end - in->pos < n ? in->end - in->pos : n;
    return CRTK_OK;
}

long crtk__in_read(crtk__in *in, void *dst, size_t n, crtk_error *err)
{
    in->can_unget = false;
    if (in->pos == in->end) {
        long r = fill(in, err);
        if (r < 0)
            return r;
        if (in->pos == in->end)
            return 0;
    }
    if (n > in->end - in->pos)
        n = in->end - in->pos;
    memcpy(dst, in->buf + in->pos, n);
    in->pos += n;
    return (long)n;
}

int crtk__in_getline(crtk__in *in, const char **line, size_t *len, int *term_out, crtk_error *err)
{
    size_t scanned = 0;

    in->can_unget = false;

    for (;;) {
        unsigned char *s = in->buf ? in->buf + in->pos : NULL;
        size_t avail = in->end - in->pos;
        unsigned char *nl = NULL, *cr = NULL;

        if (avail > scanned) {
            nl = memchr(s + scanned, '\n', avail - scanned);
            cr = memchr(s + scanned, '\r', (nl ? (size_t)(nl - s) : avail) - scanned);
        }
        if ((cr && (size_t)(cr - s) > CRTK_MAX_LINE) || (nl && (size_t)(nl - s) > CRTK_MAX_LINE))
            return crtk__fail_at(err, CRTK_ELIMIT, in->line + 1, 0, NULL,
                                 "line is longer than %u bytes", CRTK_MAX_LINE);
        if (cr && (cr + 1 < s + avail || in->eof)) {
            size_t n = (size_t)(cr - s);
            int t = (cr + 1 < s + avail && cr[1] == '\n') ? 2 : 1;
            in->last_start = in->pos;
            in->can_unget = true;
            *line = (const char *)s;
            *len = n;
            in->pos += n + (size_t)t;
            if (term_out)
                *term_out = t;
            in->line++;
            return 1;
        }
        if (nl && !cr) {
            size_t n = (size_t)(nl - s);
            in->last_start = in->pos;
            in->can_unget = true;
            *line = (const char *)s;
            *len = n;
            in->pos += n + 1;
            if (term_out)
                *term_out = 1;
            in->line++;
            return 1;
        }
        if (in->eof) {
            if (avail == 0)
                return 0;
            if (avail > CRTK_MAX_LINE)
                return crtk__fail_at(err, CRTK_ELIMIT, in->line + 1, 0, NULL,
                                     "line is longer than %u bytes", CRTK_MAX_LINE);
            in->last_start = in->pos;
            in->can_unget = true;
            *line = (const char *)s;
            *len = avail;
            in->pos += avail;
            if (term_out)
                *term_out = 0;
            in->line++;
            return 1;
        }
        scanned = cr ? (size_t)(cr - s) : avail;
        if (avail > CRTK_MAX_LINE)
            return crtk__fail_at(err, CRTK_ELIMIT, in->line + 1, 0, NULL,
                                 "line is longer than %u bytes", CRTK_MAX_LINE);
        {
            /* fill() may move the buffer; scanned is relative to pos, so it stays valid. */
            long r = fill(in, err);
            if (r < 0)
                return (int)r;
        }
    }
}

bool crtk__in_ungetline(crtk__in *in)
{
    if (!in->can_unget)
        return false;
    in->pos = in->last_start;
    in->line--;
    in->can_unget = false;
    return true;
}

void crtk__in_close(crtk__in *in)
{
    if (in->own_fd && in->fd >= 0)
        close(in->fd);
    if (in->z_init)
        inflateEnd(&in->z);
    free(in->raw);
    free(in->buf);
    memset(in, 0, sizeof *in);
    in->fd = -1;
}

/* ---- output ---- */

#define OUT_CHUNK (256u << 10)
#define MAX_LINKS 40

static int out_fail(crtk__out *o, crtk_error *err, int e, const char *what)
{
    o->failed = true;
    if (err) {
        err->sys_errno = e;
        crtk__error_source(err, o->name);
    }
    return crtk__fail(err, CRTK_EIO, "%s: %s", what, strerror(e));
}

static int target_fail(crtk_error *err, const char *path, int e, const char *fmt, const char *arg)
{
    if (err) {
        err->sys_errno = e;
        crtk__error_source(err, path);
    }
    return crtk__fail(err, CRTK_EIO, fmt, arg);
}

/* cur = the folder of cur joined with the link text t (relative links are relative to the
 * link's folder). */
static int join_link(char *cur, size_t cap, const char *t)
{
    char *slash = strrchr(cur, '/');
    size_t dlen = slash ? (size_t)(slash - cur) + 1 : 0;

    if (t[0] == '/' || !dlen) {
        if (strlen(t) >= cap)
            return -1;
        memmove(cur, t, strlen(t) + 1);
        return 0;
    }
    if (dlen + strlen(t) >= cap)
        return -1;
    memcpy(cur + dlen, t, strlen(t) + 1);
    return 0;
}

int crtk__out_target(const char *path, bool no_follow, int *kind, char **final_out, crtk_error *err)
{
    char cur[4096], link[4096];
    struct stat st;
    int hops;

    *kind = CRTK_OUTPUT_REPLACE;
    if (final_out)
        *final_out = NULL;
    if (!path || !*path)
        return target_fail(err, "", EINVAL, "%sno output file named", "");
    if (!strcmp(path, "-")) {
        *kind = CRTK_OUTPUT_STREAM;
        goto done;
    }
    if (strlen(path) >= sizeof cur)
        return target_fail(err, path, ENAMETOOLONG, "%s", "output path is too long");
    memcpy(cur, path, strlen(path) + 1);
    for (hops = 0;; hops++) {
        ssize_t n;
        if (lstat(cur, &st) < 0) {
            if (errno == ENOENT)
                goto done; /* a new name: created beside, renamed into place */
            return target_fail(err, path, errno, "cannot use as output: %s", strerror(errno));
        }
        if (!S_ISLNK(st.st_mode))
            break;
        if (no_follow)
            return target_fail(err, path, ELOOP, "%s",
                               "is a symbolic link; not followed (--no-follow)");
        if (hops == MAX_LINKS)
            return target_fail(err, path, ELOOP, "%s", "too many levels of symbolic links");
        n = readlink(cur, link, sizeof link - 1);
        if (n < 0)
            return target_fail(err, path, errno, "cannot read symbolic link: %s", strerror(errno));
        link[n] = '\0';
        if (join_link(cur, sizeof cur, link) < 0)
            return target_fail(err, path, ENAMETOOLONG, "%s", "symbolic link target is too long");
    }
    if (S_ISDIR(st.st_mode))
        return target_fail(err, path, EISDIR, "%s", "is a directory; give a file name");
    if (S_ISCHR(st.st_mode) || S_ISFIFO(st.st_mode))
        *kind = CRTK_OUTPUT_STREAM;
    else if (!S_ISREG(st.st_mode))
        return target_fail(err, path, EINVAL, "%s",
                           "is not a regular file, character device or FIFO");
done:
    if (final_out) {
        *final_out = strdup(!strcmp(path, "-") ? path : cur);
        if (!*final_out)
            return crtk__fail(err, CRTK_ENOMEM, "out of memory");
    }
    return CRTK_OK;
}

static int write_all(crtk__out *o, const unsigned char *p, size_t n, crtk_error *err)
{
    while (n) {
        ssize_t w = write(o->fd, p, n);
        if (w < 0) {
            if (errno == EINTR)
                continue;
            return out_fail(o, err, errno, "write failed");
        }
        p += w;
        n -= (size_t)w;
        o->written += w;
    }
    return CRTK_OK;
}

static int flush_buf(crtk__out *o, int zflush, crtk_error *err)
{
    if (!o->gzip) {
        int rc = write_all(o, o->buf, o->len, err);
        o->len = 0;
        return rc;
    }
    o->z.next_in = o->buf;
    o->z.avail_in = (uInt)o->len;
    do {
        int zr;
        o->z.next_out = o->zbuf;
        o->z.avail_out = (uInt)o->zcap;
        zr = deflate(&o->z, zflush);
        if (zr == Z_STREAM_ERROR) {
            o->failed = true;
            crtk__error_source(err, o->name);
            return crtk__fail(err, CRTK_EIO, "gzip encoder failed");
        }
        if (write_all(o, o->zbuf, o->zcap - o->z.avail_out, err) < 0)
            return CRTK_EIO;
    } while (o->z.avail_out == 0);
    o->len = 0;
    return CRTK_OK;
}

/* A temporary name beside final: ".NAME.crtk-PID-XXXXXX" (the pid lets a later run tell a
 * leftover of a killed process from the file of one still writing). */
static char *tmp_name(const char *final)
{
    const char *slash = strrchr(final, '/');
    size_t dlen = slash ? (size_t)(slash - final) + 1 : 0, n = strlen(final) + 32;
    char *t = malloc(n + 24);

    if (t)
        snprintf(t, n + 24, "%.*s.%s.crtk-%ld-XXXXXX", (int)dlen, final, final + dlen,
                 (long)getpid());
    return t;
}

/* The folder of final ("." for a bare name), for O_TMPFILE. */
static char *dir_of(const char *final)
{
    const char *slash = strrchr(final, '/');
    size_t dlen = slash ? (size_t)(slash - final) : 0;
    char *d;

    if (slash && dlen == 0)
        dlen = 1; /* "/name" */
    d = malloc(dlen + 2);
    if (!d)
        return NULL;
    if (!slash) {
        memcpy(d, ".", 2);
    } else {
        memcpy(d, final, dlen);
        d[dlen] = '\0';
    }
    return d;
}

/* Remove ".NAME.crtk-PID-XXXXXX" files beside final that a killed process left (possible
 * only where O_TMPFILE is not available): regular files of ours whose process is gone. */
static void sweep_stale(const char *final)
{
    const char *slash = strrchr(final, '/'), *base = slash ? slash + 1 : final;
    char *dir = dir_of(final);
    char prefix[300], path[4096];
    size_t plen;
    struct dirent *de;
    DIR *d;

    if (!dir)
        return;
    snprintf(prefix, sizeof prefix, ".%s.crtk-", base);
    plen = strlen(prefix);
    d = opendir(dir);
    while (d && (de = readdir(d))) {
        struct stat st;
        char *end;
        long pid;
        if (strncmp(de->d_name, prefix, plen))
            continue;
        pid = strtol(de->d_name + plen, &end, 10);
        if (end == de->d_name + plen || pid <= 0 || pid == (long)getpid() || *end != '-' ||
            strlen(end) != 7)
            continue;
        if (kill((pid_t)pid, 0) == 0 || errno != ESRCH)
            continue; /* still running (or not ours to ask): its file */
        snprintf(path, sizeof path, "%s/%s", dir, de->d_name);
        if (lstat(path, &st) == 0 && S_ISREG(st.st_mode) && st.st_uid == geteuid())
            (void)unlink(path);
    }
    if (d)
        closedir(d);
    free(dir);
}

static int open_file(crtk__out *o, crtk_error *err)
{
#ifdef O_TMPFILE
    /* Unnamed until close links it in: a SIGKILL leaves no file behind. Naming it needs
     * /proc/self/fd (linkat with AT_SYMLINK_FOLLOW); without /proc use a named file. */
    if (access("/proc/self/fd", X_OK) == 0) {
        char *dir = dir_of(o->final_path);
        if (!dir)
            return crtk__fail(err, CRTK_ENOMEM, "out of memory");
        o->fd = open(dir, O_TMPFILE | O_WRONLY | O_CLOEXEC, 0600);
        free(dir);
        if (o->fd >= 0) {
            o->unnamed = true;
            return CRTK_OK;
        }
    }
#endif
    o->tmp_path = tmp_name(o->final_path);
    if (!o->tmp_path)
        return crtk__fail(err, CRTK_ENOMEM, "out of memory");
    o->fd = mkostemp(o->tmp_path, O_CLOEXEC); /* mkstemp creates the file 0600 */
    if (o->fd < 0) {
        int e = errno;
        free(o->tmp_path);
        o->tmp_path = NULL;
        return out_fail(o, err, e, "cannot create output");
    }
    return CRTK_OK;
}

int crtk__out_open_flags(
    crtk__out *o, const char *path, bool gzip, unsigned mode, unsigned flags, crtk_error *err)
{
    int kind, rc;

    memset(o, 0, sizeof *o);
    o->fd = -1;
    o->gzip = gzip;
    crtk__copy(o->name, sizeof o->name, path ? path : "");
    rc = crtk__out_target(path, (flags & CRTK_OUTPUT_NO_FOLLOW) != 0, &kind, &o->final_path, err);
    if (rc < 0)
        return rc;
    o->cap = OUT_CHUNK;
    if (posix_memalign((void **)&o->buf, 4096, o->cap) != 0) { /* page-aligned, as for reads */
        o->buf = NULL;
        return crtk__fail(err, CRTK_ENOMEM, "out of memory");
    }
    if (gzip) {
        o->zcap = OUT_CHUNK;
        o->zbuf = malloc(o->zcap);
        if (!o->zbuf)
            return crtk__fail(err, CRTK_ENOMEM, "out of memory");
        /* windowBits 31: gzip wrapper with a zero mtime, so output is reproducible. */
        if (deflateInit2(&o->z, 6, Z_DEFLATED, 31, 8, Z_DEFAULT_STRATEGY) != Z_OK)
            return crtk__fail(err, CRTK_ENOMEM, "cannot start gzip encoder");
        o->z_init = true;
    }
    if (!strcmp(path, "-")) {
        o->fd = 1;
        o->is_stdout = true;
        o->stream = true;
        return CRTK_OK;
    }
    if (kind == CRTK_OUTPUT_STREAM) {
        /* A device or FIFO is written through: never replaced, never truncated. */
        o->stream = true;
        o->fd = open(o->final_path, O_WRONLY | O_CLOEXEC | O_NOCTTY);
        if (o->fd < 0)
            return out_fail(o, err, errno, "cannot open output");
        return CRTK_OK;
    }
    sweep_stale(o->final_path);
    rc = open_file(o, err);
    if (rc < 0)
        return rc;
    if (mode && mode != 0600 && fchmod(o->fd, mode) < 0)
        return out_fail(o, err, errno, "cannot set mode");
    return CRTK_OK;
}

int crtk__out_open(crtk__out *o, const char *path, bool gzip, unsigned mode, crtk_error *err)
{
    return crtk__out_open_flags(o, path, gzip, mode, 0, err);
}

int crtk__out_write(crtk__out *o, const void *p, size_t n, crtk_error *err)
{
    const unsigned char *s = p;

    if (o->failed)
        return CRTK_EIO;
    while (n) {
        size_t room = o->cap - o->len, k = n < room ? n : room;
        memcpy(o->buf + o->len, s, k);
        o->len += k;
        s += k;
        n -= k;
        if (o->len == o->cap && flush_buf(o, Z_NO_FLUSH, err) < 0)
            return CRTK_EIO;
    }
    return CRTK_OK;
}

int crtk__out_puts(crtk__out *o, const char *s, crtk_error *err)
{
    return crtk__out_write(o, s, strlen(s), err);
}

/* Give the unnamed file a temporary name beside its target (linkat cannot replace). */
static int link_unnamed(crtk__out *o, crtk_error *err)
{
    char proc[64];
    int tries;

    snprintf(proc, sizeof proc, "/proc/self/fd/%d", o->fd);
    o->tmp_path = tmp_name(o->final_path);
    if (!o->tmp_path)
        return crtk__fail(err, CRTK_ENOMEM, "out of memory");
    for (tries = 0; tries < 100; tries++) {
        char *x = o->tmp_path + strlen(o->tmp_path) - 6;
        unsigned long r = (unsigned long)getpid() * 2654435761u ^
                          (unsigned long)o->written * 40503u ^ (unsigned long)tries * 97u ^
                          (unsigned long)(size_t)o;
        int i;
        for (i = 0; i < 6; i++, r /= 36)
            x[i] = "abcdefghijklmnopqrstuvwxyz0123456789"[r % 36];
        if (linkat(AT_FDCWD, proc, AT_FDCWD, o->tmp_path, AT_SYMLINK_FOLLOW) == 0)
            return CRTK_OK;
        if (errno != EEXIST)
            break;
    }
    {
        int e = errno;
        free(o->tmp_path);
        o->tmp_path = NULL;
        return out_fail(o, err, e, "cannot name output");
    }
}

int crtk__out_close(crtk__out *o, crtk_error *err)
{
    int rc;

    if (o->closed)
        return CRTK_OK;
    if (o->failed)
        return CRTK_EIO;
    rc = flush_buf(o, o->gzip ? Z_FINISH : Z_NO_FLUSH, err);
    if (rc < 0)
        return rc;
    if (o->is_stdout) {
        o->closed = true;
        return CRTK_OK;
    }
    if (o->stream) {
        int fd = o->fd;
        o->fd = -1;
        if (close(fd) < 0)
            return out_fail(o, err, errno, "cannot close output");
        o->closed = true;
        return CRTK_OK;
    }
    if (fsync(o->fd) < 0 && errno != EINVAL)
        return out_fail(o, err, errno, "cannot flush output");
    if (o->unnamed && (rc = link_unnamed(o, err)) < 0)
        return rc;
    if (close(o->fd) < 0) {
        o->fd = -1;
        return out_fail(o, err, errno, "cannot close output");
    }
    o->fd = -1;
    if (rename(o->tmp_path, o->final_path) < 0)
        return out_fail(o, err, errno, "cannot rename output into place");
    o->closed = true;
    {
        /* The rename is durable once the folder is synced. */
        char *dir = dir_of(o->final_path);
        int dfd = dir ? open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC) : -1;
        if (dfd >= 0) {
            (void)fsync(dfd);
            close(dfd);
        }
        free(dir);
    }
    return CRTK_OK;
}

void crtk__out_discard(crtk__out *o)
{
    if (!o)
        return;
    if (!o->is_stdout && o->fd >= 0)
        close(o->fd);
    if (!o->closed && o->tmp_path)
        unlink(o->tmp_path);
    if (o->z_init)
        deflateEnd(&o->z);
    free(o->tmp_path);
    free(o->final_path);
    free(o->buf);
    free(o->zbuf);
    memset(o, 0, sizeof *o);
    o->fd = -1;
}

/* ---- public output targets (crtk/output.h) ---- */

struct crtk_output {
    crtk__out out;
    crtk_error err;
};

static bool same_file(const struct stat *a, const struct stat *b)
{
    return a->st_dev == b->st_dev && a->st_ino == b->st_ino;
}

int crtk_output_check(const char *path,
                      const char *const *inputs,
                      size_t ninputs,
                      unsigned flags,
                      crtk_output_kind *kind_out,
                      crtk_error *err)
{
    struct stat ost;
    int kind, rc;
    size_t i;
    bool have;

    crtk_error_clear(err);
    rc = crtk__out_target(path, (flags & CRTK_OUTPUT_NO_FOLLOW) != 0, &kind, NULL, err);
    if (rc < 0)
        return rc;
    if (kind_out)
        *kind_out = (crtk_output_kind)kind;
    have = !strcmp(path, "-") ? fstat(1, &ost) == 0 : stat(path, &ost) == 0;
    /* A terminal or /dev/null may be both stdin and stdout; only files and FIFOs clash. */
    if (!have || S_ISCHR(ost.st_mode))
        return CRTK_OK;
    for (i = 0; i < ninputs; i++) {
        struct stat ist;
        if (!inputs[i])
            continue;
        if (!strcmp(inputs[i], "-") ? fstat(0, &ist) < 0 : stat(inputs[i], &ist) < 0)
            continue;
        if (same_file(&ost, &ist)) {
            crtk__error_source(err, path);
            if (err)
                err->sys_errno = EEXIST;
            return crtk__fail(err, CRTK_EIO, "is the same file as the input %s; give another name",
                              inputs[i]);
        }
    }
    return CRTK_OK;
}

int crtk_output_open(
    crtk_output **out, const char *path, unsigned mode, unsigned flags, crtk_error *err)
{
    crtk_output *o;
    int rc;

    *out = NULL;
    crtk_error_clear(err);
    o = calloc(1, sizeof *o);
    if (!o)
        return crtk__fail(err, CRTK_ENOMEM, "out of memory");
    rc = crtk__out_open_flags(&o->out, path, (flags & CRTK_OUTPUT_GZIP) != 0, mode, flags, err);
    if (rc < 0) {
        crtk__out_discard(&o->out);
        free(o);
        return rc;
    }
    *out = o;
    return CRTK_OK;
}

int crtk_output_write(crtk_output *o, const void *p, size_t n)
{
    return crtk__out_write(&o->out, p, n, &o->err);
}

int crtk_output_close(crtk_output *o)
{
    return crtk__out_close(&o->out, &o->err);
}

void crtk_output_free(crtk_output *o)
{
    if (!o)
        return;
    crtk__out_discard(&o->out);
    free(o);
}

const crtk_error *crtk_output_error(const crtk_output *o)
{
    return &o->err;
}

crtk_output_kind crtk_output_kind_of(const crtk_output *o)
{
    return o->out.stream ? CRTK_OUTPUT_STREAM : CRTK_OUTPUT_REPLACE;
}
