/* crtk/output.h - output targets: every file crtk writes goes through here. The target is
 * looked at before anything is created: a regular file or a new name is written to a
 * temporary file in the same folder (unnamed where the file system allows, so a killed
 * process leaves nothing), synced and renamed into place; a character device, a FIFO or
 * "-" (stdout) is written straight through and never replaced; a symbolic link is written
 * through to its target (or refused with CRTK_OUTPUT_NO_FOLLOW); a directory is refused. */
#ifndef CRTK_OUTPUT_H
#define CRTK_OUTPUT_H

#include <stddef.h>
#include "crtk/error.h"

#ifdef __cplusplus
extern "C" {
#endif

#define CRTK_OUTPUT_NO_FOLLOW 0x1u /* refuse a target that is a symbolic link */
#define CRTK_OUTPUT_GZIP      0x2u /* gzip what is written */

/** How a target is written. */
typedef enum crtk_output_kind {
    CRTK_OUTPUT_REPLACE = 0, /* regular file or new name: temporary file renamed into place */
    CRTK_OUTPUT_STREAM = 1   /* "-", character device or FIFO: written straight through */
} crtk_output_kind;

typedef struct crtk_output crtk_output;

/**
 * Decide whether path can be written, creating nothing. Refused (CRTK_EIO, sys_errno set,
 * err->source = path): a directory, a symbolic link when flags has CRTK_OUTPUT_NO_FOLLOW,
 * a socket or block device, and the same file (device and inode) as any of inputs[0..n)
 * ("-" in inputs is stdin). kind_out (may be NULL) receives how the target would be written.
 */
CRTK_API CRTK_NODISCARD int crtk_output_check(const char *path,
                                              const char *const *inputs,
                                              size_t ninputs,
                                              unsigned flags,
                                              crtk_output_kind *kind_out,
                                              crtk_error *err);
/**
 * Open path for writing (checked as crtk_output_check does, without inputs). mode 0 means
 * 0600. *out is NULL on failure. Free with crtk_output_free.
 */
CRTK_API CRTK_NODISCARD int crtk_output_open(
    crtk_output **out, const char *path, unsigned mode, unsigned flags, crtk_error *err);
/** Append n bytes. A write error (disk full, broken pipe, file too large) is returned
 * here or by close, naming the file; see crtk_output_error. */
CRTK_API CRTK_NODISCARD int crtk_output_write(crtk_output *o, const void *p, size_t n);
/** Flush; for a file, fsync and rename into place. */
CRTK_API CRTK_NODISCARD int crtk_output_close(crtk_output *o);
/** Free; an output not closed successfully leaves nothing behind. Accepts NULL. */
CRTK_API void crtk_output_free(crtk_output *o);
/** The last error (borrowed, valid until the next call on o). */
CRTK_API const crtk_error *crtk_output_error(const crtk_output *o);
/** How o is written. */
CRTK_API crtk_output_kind crtk_output_kind_of(const crtk_output *o);

#ifdef __cplusplus
}
#endif
#endif
