/* io_internal.h - byte input (file, stdin or memory; gzip detected by magic bytes) with
 * line reading, and output to a target that is looked at first: files are replaced
 * atomically (temporary file renamed into place), devices and FIFOs written through. */
#ifndef CRTK_IO_INTERNAL_H
#define CRTK_IO_INTERNAL_H

#include <stdbool.h>
#include <stddef.h>
#include <sys/types.h>
#include <zlib.h>
#include "crtk/error.h"

#define CRTK_MAX_LINE (4u << 20) /* longest line a reader accepts: 4 MiB */

typedef struct crtk__in {
    int fd; /* -1 for memory input */
    bool own_fd;
    const unsigned char *mem; /* memory input */
    size_t mem_len, mem_pos;
    bool gzip;
    bool z_init, z_done;
    z_stream z;
    unsigned char *raw; /* compressed bytes (gzip) */
    size_t raw_cap;
    unsigned char *buf; /* decoded bytes */
    size_t cap, pos, end;
    bool src_eof, eof;
    long long raw_consumed;
    long line;         /* lines returned by getline */
    size_t last_start; /* buffer offset of the line getline returned last */
    bool can_unget;
    char name[256];
} crtk__in;

int crtk__in_open(crtk__in *in, const char *path, crtk_error *err);
int crtk__in_open_mem(crtk__in *in, const void *buf, size_t len, const char *name, crtk_error *err);
/* Look at up to n decoded bytes without consuming them; *got may be < n at end of input. */
int crtk__in_peek(crtk__in *in, size_t n, const unsigned char **p, size_t *got, crtk_error *err);
/* Read up to n decoded bytes; returns bytes read (0 = end) or a negative status. */
long crtk__in_read(crtk__in *in, void *dst, size_t n, crtk_error *err);
/* Next line without its terminator (LF, CRLF or CR). Returns 1, 0 at end, <0 on error.
 * *term_out (may be NULL) receives the terminator length (0 for a last line without one).
 * The line is borrowed until the next call. */
int crtk__in_getline(crtk__in *in, const char **line, size_t *len, int *term_out, crtk_error *err);
/* Give back the line getline returned last, so that the next getline returns it again (the
 * same bytes at the same address, and its line number): a look-ahead without a copy. Only
 * once per getline; returns false when nothing can be given back. */
bool crtk__in_ungetline(crtk__in *in);
void crtk__in_close(crtk__in *in);

typedef struct crtk__out {
    int fd;
    bool is_stdout;
    bool stream;  /* stdout, character device or FIFO: written straight through */
    bool unnamed; /* O_TMPFILE: the data has no name until close links it */
    bool gzip;
    bool z_init;
    z_stream z;
    char *tmp_path;   /* named temporary file (NULL when unnamed or a stream) */
    char *final_path; /* where close puts the file (a symlink's target, resolved) */
    unsigned char *buf;
    size_t len, cap;
    unsigned char *zbuf;
    size_t zcap;
    bool failed, closed;
    long long written;
    char name[256]; /* the path as given, for messages */
} crtk__out;

/* How path would be written (see crtk/output.h): 0 = replace (temporary file renamed into
 * place), 1 = stream. *final_out (may be NULL; owned, free) receives the path to create or
 * open: path itself, or the file a chain of symbolic links ends at. Refuses a directory, a
 * socket, a block device, and a symbolic link when no_follow. */
int crtk__out_target(
    const char *path, bool no_follow, int *kind, char **final_out, crtk_error *err);
/* mode 0 = 0600. path "-" = stdout (no temporary file). The target is looked at first:
 * crtk__out_target decides. */
int crtk__out_open(crtk__out *o, const char *path, bool gzip, unsigned mode, crtk_error *err);
/* The same with CRTK_OUTPUT_NO_FOLLOW (crtk/output.h) in flags. */
int crtk__out_open_flags(
    crtk__out *o, const char *path, bool gzip, unsigned mode, unsigned flags, crtk_error *err);
int crtk__out_write(crtk__out *o, const void *p, size_t n, crtk_error *err);
int crtk__out_puts(crtk__out *o, const char *s, crtk_error *err);
/* Flush; a file is fsynced and renamed into place. */
int crtk__out_close(crtk__out *o, crtk_error *err);
/* Remove the temporary file (when not closed) and free. */
void crtk__out_discard(crtk__out *o);

#endif
