/* crtk/error.h - status codes and the positioned error struct shared by every module. */
#ifndef CRTK_ERROR_H
#define CRTK_ERROR_H

#include <stddef.h>

#if defined(__GNUC__) && __GNUC__ >= 4
#define CRTK_API          __attribute__((visibility("default")))
#define CRTK_NODISCARD    __attribute__((warn_unused_result))
#define CRTK_PRINTF(f, a) __attribute__((format(printf, f, a)))
#else
#define CRTK_API
#define CRTK_NODISCARD
#define CRTK_PRINTF(f, a)
#endif

#ifdef __cplusplus
extern "C" {
#endif

/** 0 is success, negatives are failures. Values are ABI: never renumber. */
typedef enum crtk_status {
    CRTK_OK = 0,
    CRTK_ENOMEM = -1,       /* allocation failed */
    CRTK_EIO = -2,          /* open/read/write failed; errno kept in sys_errno */
    CRTK_EPARSE = -3,       /* not well-formed: XML, flat line, CSV, edit source */
    CRTK_EINVALID = -4,     /* well-formed but breaks the spec */
    CRTK_EENCODING = -5,    /* bytes invalid in the declared encoding */
    CRTK_EUNSUPPORTED = -6, /* unknown NAACCR version, record type, ... */
    CRTK_EARG = -7,         /* API misuse */
    CRTK_ELIMIT = -8        /* input exceeds a configured limit */
} crtk_status;

/** Caller-allocated, fixed size: reporting an error never allocates. */
typedef struct crtk_error {
    crtk_status code;
    int sys_errno;
    char message[256]; /* one line, no prefix, no trailing newline */
    char source[256];  /* file name, "-" for stdin, "<memory>" */
    long line, column; /* 1-based; 0 = unknown */
    long record;       /* record ordinal in source */
    char item[64];     /* naaccrId involved, if any */
} crtk_error;

#define CRTK_ERROR_INIT                 \
    {                                   \
        CRTK_OK, 0, "", "", 0, 0, 0, "" \
    }

/** Reset an error to "no error". Accepts NULL. */
CRTK_API void crtk_error_clear(crtk_error *err);

/** Short constant name of a status ("invalid input", ...). Never NULL. */
CRTK_API const char *crtk_status_str(int code);

/** Free memory returned as owned by any crtk function. Accepts NULL. */
CRTK_API void crtk_free(void *p);

#ifdef __cplusplus
}
#endif
#endif
